// Command cqlscan answers COUNT and SELECT questions about Cassandra tables by scanning token ranges
// in parallel on the replicas that own them and aggregating on the client.
//
//	cqlscan [flags] [host [port]]
//
// With -e or -f it runs those statements; otherwise it reads statements from standard input: the
// interactive shell when that is a terminal (or -t), a batch run otherwise. A batch run goes on
// after a failing statement, as cqlsh's does, unless --stop-on-error. Exit status: 0 on success,
// 1 when the cluster cannot be reached, 2 when a statement of a batch run failed or the command
// line is wrong; 143 when SIGTERM ended it (a scan stops and saves its progress first, as at Ctrl-C).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // cqlshrc [ui] timezone names, on machines without a tz database

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/cqlscan/cqlscan/executor/cluster"
	"github.com/cqlscan/cqlscan/repl"
	"github.com/cqlscan/cqlscan/repl/render"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// The progress line weighs ranges by the cluster's size estimates.
var _ repl.Estimator = (*cluster.Conn)(nil)

// A failed read names the consistency level it could not meet (see repl's failureExplainer).
var _ interface{ ExplainFailure(error) error } = (*cluster.Conn)(nil)

// Exit statuses, as cqlsh uses them.
const (
	exitOK        = 0
	exitConnect   = 1
	exitStatement = 2
)

func main() {
	// Ctrl-C is handled per statement (see repl.Session.Execute): it cancels the running statement;
	// in batch mode the run then stops, at the prompt the shell stays. SIGTERM cancels everything:
	// the running scan saves its progress, and the program ends.
	ctx, stop := terminateOn(context.Background(), os.Stderr, os.Exit, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(withSignal(ctx, code))
}

// terminateGrace is how long a run has, after SIGTERM cancelled it, to stop on its own before the
// program exits anyway (a batch run blocked reading its input, say).
var terminateGrace = 5 * time.Second

// terminateOn returns a context that the first of sigs cancels with a *repl.SignalError as its
// cause: the running statement stops (a scan saving its progress and naming the signal), and the
// run ends. If it has not ended within terminateGrace, or when a second signal comes, exit is
// called with the signal's status. stop ends the watch.
func terminateOn(parent context.Context, stderr io.Writer, exit func(int), sigs ...os.Signal) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, sigs...)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var sig os.Signal
		select {
		case <-done:
			return
		case sig = <-ch:
		}
		num, _ := sig.(syscall.Signal)
		cause := &repl.SignalError{Signal: num}
		cancel(cause)
		select {
		case <-done:
		case <-ch:
			fmt.Fprintf(stderr, "cqlscan: %s again: exiting now\n", cause.Name())
			exit(cause.ExitStatus())
		case <-time.After(terminateGrace):
			fmt.Fprintf(stderr, "cqlscan: %s: the run did not stop within %v; exiting\n", cause.Name(), terminateGrace)
			exit(cause.ExitStatus())
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		wg.Wait()
		cancel(nil)
	}
}

// withSignal is the exit status of a run that ended with code: the signal's status when a signal
// ended it.
func withSignal(ctx context.Context, code int) int {
	if se, ok := repl.Terminated(ctx); ok {
		return se.ExitStatus()
	}
	return code
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o options
	fs := o.newFlagSet(stdout)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		return fail(stderr, parseError(err))
	}
	if o.showHelp {
		fs.Usage()
		return exitOK
	}
	if o.showVersion {
		fmt.Fprintln(stdout, "cqlscan", version)
		return exitOK
	}
	if err := o.checkFlags(fs.Args()); err != nil {
		return fail(stderr, err)
	}
	for _, name := range []string{"browser", "coverage"} {
		if o.given(name) {
			fmt.Fprintf(stderr, "cqlscan: note: --%s is accepted for cqlsh's sake and has no effect\n", name)
		}
	}
	rc, err := o.conn.loadRC(stderr)
	if err != nil {
		return fail(stderr, err)
	}
	warn := func(msg string) { fmt.Fprintln(stderr, "cqlscan: warning:", msg) }
	set, err := o.resolveSettings(rc, isTerminal(stdout), isTerminal(stdin), warn)
	if err != nil {
		return fail(stderr, err)
	}
	script, err := o.script(stdin)
	if err != nil {
		return fail(stderr, err)
	}
	defer script.close()

	return o.connectAndRun(ctx, fs.Args(), set, script, stdin, stdout, stderr)
}

// connectAndRun connects with checked settings and runs the statements: the shell, or a batch run.
func (o *options) connectAndRun(ctx context.Context, args []string, set rcSettings, script script,
	stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, err := o.conn.config(args, stdin, stderr)
	if err != nil {
		return fail(stderr, err)
	}
	cfg.ProtoVersion = set.protocol
	if o.debug {
		// The driver's goroutines log while the statements run: one lock keeps the lines whole.
		stderr = &lockedWriter{w: stderr}
		cfg.DriverLog = stderr
	}
	if o.debug {
		fmt.Fprintf(stderr, "debug: cqlscan %s connecting with %v\n", version, cfg)
		fmt.Fprintf(stderr, "debug: display %+v, tty mode %t, history saved %t\n", set.display, set.tty, !set.disableHistory)
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
	if set.cqlVersion != "" {
		if err := checkCQLVersion(ctx, conn, set.cqlVersion); err != nil {
			fmt.Fprintln(stderr, "cqlscan:", err)
			return exitConnect
		}
	}

	if o.keyspace == "" {
		o.keyspace = cfg.Keyspace // from cqlshrc
	}
	sess := o.session(conn, set, stdout, stderr)
	sess.Login = func(ctx context.Context, user, password string) (repl.Cluster, error) {
		again := cfg
		again.Username, again.Password = user, password
		return cluster.Connect(again)
	}
	if o.keyspace != "" {
		if err := sess.Execute(ctx, "USE "+quoteKeyspace(o.keyspace)); err != nil {
			fmt.Fprintln(stderr, repl.ErrorLine(err))
			return exitStatement
		}
	}
	defer sess.Close()
	if set.tty && isTerminal(stdin) {
		sess.NoHistory = set.disableHistory
		if err := sess.Interact(ctx); err != nil {
			fmt.Fprintln(stderr, "cqlscan:", err)
		}
		return exitOK
	}
	if err := sess.RunBatch(ctx, script.r, repl.Script{Name: script.name, TTY: set.tty}); err != nil {
		return exitStatement
	}
	return exitOK
}

// session is a session on conn with the settings of the command line and cqlshrc.
func (o *options) session(conn *cluster.Conn, set rcSettings, stdout, stderr io.Writer) *repl.Session {
	maxRows, maxRequests, _ := parseRate(o.maxRate) // checked by checkFlags
	format, _ := render.ParseFormat(o.format)
	maxRetries := o.maxRetries
	if maxRetries == 0 {
		maxRetries = -1 // the executor's "none"; its 0 means the default
	}
	return &repl.Session{Cluster: conn, Out: stdout, Err: stderr, Version: version, Settings: repl.Settings{
		Progress: !o.noProgress && isTerminal(stderr),
		Keyspace: o.keyspace, Format: format, Splits: o.splits, Concurrency: o.concurrency,
		PerHost: o.perHost, FetchSize: o.fetchSize, Verbose: o.verbose, Stats: o.stats,
		MaxRetries: maxRetries, MaxRows: maxRows, MaxRequests: maxRequests, Timeout: o.timeout,
		Checkpoint: o.checkpoint, Resume: o.resume, CheckpointDir: checkpointDir(),
		Display: set.display, Debug: o.debug, StopOnError: o.stopOnError, CursorSettings: o.cursor}}
}

// fail prints a command-line or settings error as one line, "cqlscan: …", followed for a mistake on
// the command line by where to find the usage, and returns the exit status for it.
func fail(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "cqlscan:", err)
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, "cqlscan:", usageHint)
	}
	return exitStatement
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

// isTerminal reports whether r or w is a terminal (a character device such as /dev/null is not).
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// lockedWriter serializes writes to w from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
