// Command cqlscan answers COUNT and SELECT questions about Cassandra tables by scanning token ranges
// in parallel on the replicas that own them and aggregating on the client.
//
//	cqlscan [flags] [host [port]]
//
// With -e or -f it runs those statements; otherwise it reads statements from standard input (with a
// prompt when that is a terminal). Exit status: 0 on success, 1 when the cluster cannot be reached,
// 2 when a statement fails or the command line is wrong.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/executor/cluster"
	"github.com/cqlscan/cqlscan/repl"
	"github.com/cqlscan/cqlscan/repl/render"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// The progress line weighs ranges by the cluster's size estimates.
var _ repl.Estimator = (*cluster.Conn)(nil)

// Exit statuses, as cqlsh uses them.
const (
	exitOK        = 0
	exitConnect   = 1
	exitStatement = 2
)

func main() {
	// Ctrl-C is handled per statement (see repl.Session.Execute): it cancels the running statement;
	// in batch mode the run then stops, at the prompt the shell stays.
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

type options struct {
	conn                                                connFlags
	execute, file, keyspace, format                     string
	maxRate, checkpoint, resume                         string
	splits, concurrency, perHost, fetchSize, maxRetries int
	timeout                                             time.Duration
	verbose, keepGoing, showVersion, stats, noProgress  bool
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o options
	fs := pflag.NewFlagSet("cqlscan", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: cqlscan [flags] [host [port]]\n\nFlags:\n%s", fs.FlagUsages())
	}
	fs.StringVarP(&o.execute, "execute", "e", "", "run these statements (separated by ;) and exit")
	fs.StringVarP(&o.file, "file", "f", "", "run the statements in this file and exit")
	fs.StringVarP(&o.keyspace, "keyspace", "k", "", "keyspace for unqualified table names, as USE")
	fs.StringVar(&o.format, "format", "table", "output format: table, csv, json or jsonl")
	fs.IntVar(&o.splits, "splits", 0, "target number of token sub-ranges (default 256 per node)")
	fs.IntVar(&o.concurrency, "concurrency", executor.DefaultConcurrency, "sub-ranges queried at once")
	fs.IntVar(&o.perHost, "per-host", executor.DefaultPerHost, "most requests in flight on one node")
	fs.IntVar(&o.fetchSize, "fetch-size", executor.DefaultFetchSize, "page size of range queries")
	fs.IntVar(&o.maxRetries, "max-retries", executor.DefaultMaxRetries, "retries of a failed page before its range fails (0: none)")
	fs.StringVar(&o.maxRate, "max-rate", "", "bound the load: N or Nrows/s for rows per second, Nreq/s for requests per second")
	fs.DurationVar(&o.timeout, "timeout", 0, "stop a statement that runs longer than this (e.g. 10m; 0: no limit)")
	fs.StringVar(&o.checkpoint, "checkpoint", "", "save a range aggregate's progress to this file as it goes")
	fs.StringVar(&o.resume, "resume", "", "finish the scan saved in this checkpoint file")
	fs.BoolVar(&o.stats, "stats", false, "print per-host ranges, rows, retries, splits and latencies on stderr")
	fs.BoolVar(&o.noProgress, "no-progress", false, "do not show a scan's progress on the terminal")
	fs.BoolVar(&o.verbose, "verbose", false, "print the plan, its sub-ranges and per-host figures on stderr")
	fs.BoolVar(&o.keepGoing, "continue-on-error", false, "in batch mode, run the remaining statements after a failure")
	fs.BoolVar(&o.showVersion, "version", false, "print the version and exit")
	o.conn.register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		return exitStatement
	}
	if o.showVersion {
		fmt.Fprintln(stdout, "cqlscan", version)
		return exitOK
	}
	format, err := render.ParseFormat(o.format)
	if err != nil {
		fmt.Fprintln(stderr, "cqlscan:", err)
		return exitStatement
	}
	maxRows, maxRequests, err := parseRate(o.maxRate)
	if err != nil {
		fmt.Fprintln(stderr, "cqlscan:", err)
		return exitStatement
	}
	if o.maxRetries == 0 {
		o.maxRetries = -1 // the executor's "none"; its 0 means the default
	}
	if o.execute != "" && o.file != "" {
		fmt.Fprintln(stderr, "cqlscan: use either -e or -f, not both")
		return exitStatement
	}
	var script io.Reader = stdin
	switch {
	case o.execute != "":
		script = strings.NewReader(o.execute)
	case o.file != "":
		f, err := os.Open(o.file)
		if err != nil {
			fmt.Fprintln(stderr, "cqlscan:", err)
			return exitStatement
		}
		defer f.Close()
		script = f
	}

	cfg, err := o.conn.config(fs.Args(), stdin, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "cqlscan:", err)
		return exitStatement
	}
	conn, err := cluster.Connect(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "cqlscan:", err)
		if errors.Is(err, cluster.ErrConnect) {
			return exitConnect
		}
		return exitStatement
	}
	defer conn.Close()

	if o.keyspace == "" {
		o.keyspace = cfg.Keyspace // from cqlshrc
	}
	interactive := o.execute == "" && o.file == "" && isTerminal(stdin)
	sess := &repl.Session{Cluster: conn, Out: stdout, Err: stderr, Version: version, Settings: repl.Settings{
		Progress: !o.noProgress && isTerminal(stderr),
		Keyspace: o.keyspace, Format: format, Splits: o.splits, Concurrency: o.concurrency,
		PerHost: o.perHost, FetchSize: o.fetchSize, Verbose: o.verbose, Stats: o.stats,
		MaxRetries: o.maxRetries, MaxRows: maxRows, MaxRequests: maxRequests, Timeout: o.timeout,
		Checkpoint: o.checkpoint, Resume: o.resume, CheckpointDir: checkpointDir()}}
	if o.keyspace != "" {
		if err := sess.Execute(ctx, "USE "+quoteKeyspace(o.keyspace)); err != nil {
			fmt.Fprintln(stderr, repl.ErrorLine(err))
			return exitStatement
		}
	}
	defer sess.Close()
	if interactive {
		if err := sess.Interact(ctx); err != nil {
			fmt.Fprintln(stderr, "cqlscan:", err)
		}
		return exitOK
	}
	if err := sess.RunScript(ctx, script, o.keepGoing); err != nil {
		return exitStatement
	}
	return exitOK
}

// parseRate reads --max-rate: "N" or "Nrows/s" bounds rows per second, "Nreq/s" requests per second.
func parseRate(s string) (rows, requests float64, err error) {
	if s == "" {
		return 0, 0, nil
	}
	num, unit := s, ""
	if i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' }); i >= 0 {
		num, unit = s[:i], strings.ToLower(strings.TrimSpace(s[i:]))
	}
	n, perr := strconv.ParseFloat(num, 64)
	if perr != nil || n <= 0 {
		return 0, 0, fmt.Errorf("--max-rate %q: want a positive number, e.g. 50000 (rows/s) or 200req/s", s)
	}
	switch strings.TrimSuffix(unit, "/s") {
	case "", "rows", "row":
		return n, 0, nil
	case "req", "reqs", "requests":
		return 0, n, nil
	}
	return 0, 0, fmt.Errorf("--max-rate %q: unknown unit %q; use rows/s or req/s", s, unit)
}

// checkpointDir is where progress of failed or interrupted scans is saved when --checkpoint is not
// given: the user's cache directory.
func checkpointDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "cqlscan", "checkpoints")
}

// quoteKeyspace quotes -k's value unless it is already quoted, so -k MyKs keeps its case as cqlsh does.
func quoteKeyspace(ks string) string {
	if strings.HasPrefix(ks, `"`) {
		return ks
	}
	return `"` + strings.ReplaceAll(ks, `"`, `""`) + `"`
}

func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
