package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/spf13/pflag"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/repl"
)

// usageHint ends every command-line error.
const usageHint = "run 'cqlscan --help' for usage"

// options are the command line's settings other than the connection's (see connFlags).
type options struct {
	conn                                                connFlags
	execute, file, keyspace, format                     string
	maxRate, checkpoint, resume                         string
	splits, concurrency, perHost, fetchSize, maxRetries int
	timeout                                             time.Duration
	verbose, keepGoing, stopOnError, stats, noProgress  bool
	showVersion, showHelp                               bool
	cursor                                              repl.CursorSettings

	// cqlsh's own flags.
	color                                *bool // -C/--color, --no-color; nil: not given
	browser, encoding, cqlVersion        string
	protocolVersion                      int // 0: the highest both sides speak
	debug, coverage, tty, disableHistory bool
	insecurePassword                     bool // cqlsh's hidden --insecure-password-without-warning
	fs                                   *pflag.FlagSet
}

// Protocol versions the driver speaks.
const minProtocol, maxProtocol = 3, 5

// newFlagSet defines every flag on a new flag set writing its help to stdout.
func (o *options) newFlagSet(stdout io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet("cqlscan", pflag.ContinueOnError)
	o.fs = fs
	fs.SetOutput(io.Discard) // errors are printed by run, as one line and a hint
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: cqlscan [flags] [host [port]]\n\nFlags:\n%s", fs.FlagUsages())
	}
	fs.SortFlags = false

	// What to run.
	fs.StringVarP(&o.execute, "execute", "e", "", "run these statements (separated by ;) and exit")
	fs.StringVarP(&o.file, "file", "f", "", "run the statements in this file and exit")
	fs.StringVarP(&o.keyspace, "keyspace", "k", "", "keyspace for unqualified table names, as USE")
	fs.BoolVarP(&o.tty, "tty", "t", false, "force the interactive shell's manners even when standard input is not a terminal (cqlsh's tty mode)")
	fs.BoolVar(&o.stopOnError, "stop-on-error", false, "in batch mode, stop at the first failing statement (by default every statement runs, as in cqlsh)")
	fs.BoolVar(&o.keepGoing, "continue-on-error", false, "run every statement after a failure; the default now, kept for old scripts")
	_ = fs.MarkHidden("continue-on-error")

	// Output.
	fs.StringVar(&o.format, "format", "table", "output format: table, csv, json or jsonl")
	fs.VarPF(&colorValue{&o.color, true}, "color", "C", "always colour the table view (cqlshrc [ui] color)").NoOptDefVal = "true"
	fs.VarPF(&colorValue{&o.color, false}, "no-color", "", "never colour the table view (also env NO_COLOR)").NoOptDefVal = "true"
	fs.StringVar(&o.encoding, "encoding", "", "output encoding; only utf-8 (cqlshrc [ui] encoding)")
	fs.StringVar(&o.browser, "browser", "", "accepted for cqlsh's sake and ignored: HELP prints in the terminal")
	fs.BoolVar(&o.noProgress, "no-progress", false, "do not show a scan's progress on the terminal")
	fs.BoolVar(&o.stats, "stats", false, "print per-host ranges, rows, retries, splits and latencies on stderr")
	fs.BoolVar(&o.verbose, "verbose", false, "print the plan, its sub-ranges and per-host figures on stderr")
	fs.BoolVar(&o.debug, "debug", false, "print the settings used, and each error's whole chain of causes, on stderr")
	fs.BoolVar(&o.disableHistory, "disable-history", false, "do not save the shell's history (cqlshrc [history] disabled)")
	fs.BoolVar(&o.coverage, "coverage", false, "accepted for cqlsh's sake and ignored (it collects Python coverage data)")

	// Scans.
	fs.Var(newIntValue(&o.splits, 0, 1, math.MaxInt), "splits", "target number of token sub-ranges (default: from the table's size estimates)")
	fs.Var(newIntValue(&o.concurrency, executor.DefaultConcurrency, 1, math.MaxInt), "concurrency", "sub-ranges queried at once")
	fs.Var(newIntValue(&o.perHost, executor.DefaultPerHost, 1, math.MaxInt), "per-host", "most requests in flight on one node")
	fs.Var(newIntValue(&o.fetchSize, executor.DefaultFetchSize, 1, math.MaxInt32), "fetch-size", "page size of range queries")
	fs.Var(newIntValue(&o.maxRetries, executor.DefaultMaxRetries, 0, 1000), "max-retries", "retries of a failed page before its range fails (0: none)")
	fs.StringVar(&o.maxRate, "max-rate", "", "bound the load: N or Nrows/s for rows per second, Nreq/s for requests per second")
	fs.Var(newSecondsValue(&o.timeout, 0, true), "timeout", "stop a statement that runs longer than this, in seconds or as a duration (10m; 0: no limit)")
	fs.StringVar(&o.checkpoint, "checkpoint", "", "save a range aggregate's progress to this file as it goes")
	fs.StringVar(&o.resume, "resume", "", "finish the scan saved in this checkpoint file")

	// Incremental reads.
	fs.StringVar(&o.cursor.Cursor, "cursor", "", "return only the rows written or updated since this cursor file's mark, and move the mark on success")
	fs.StringVar(&o.cursor.Since, "since", "", "where a new cursor starts: a timestamp such as '2026-12-01 08:00:00+0000' (default: the beginning)")
	fs.Var(newSecondsValue(&o.cursor.Settle, repl.DefaultSettle, true), "settle", "how far behind a cursor run's start its new mark is set, so that writes still in flight are not missed")
	fs.StringVar(&o.cursor.OutDir, "out-dir", "", "write a cursor run's rows into numbered batch files in this directory, not to standard output")
	fs.Var(newIntValue(&o.cursor.BatchRows, repl.DefaultBatchRows, 1, math.MaxInt), "batch-rows", "rows per batch of a cursor run")

	// The connection.
	o.conn.register(fs)
	fs.Var(newIntValue(&o.protocolVersion, 0, minProtocol, maxProtocol), "protocol-version", "native protocol version (3 to 5; default: the highest both sides speak; cqlshrc [protocol] version)")
	fs.StringVar(&o.cqlVersion, "cqlversion", "", "CQL version to ask for, e.g. 3.4.7 (default: the server's; cqlshrc [cql] version)")
	fs.BoolVar(&o.insecurePassword, "insecure-password-without-warning", false, "")
	_ = fs.MarkHidden("insecure-password-without-warning")

	fs.BoolVarP(&o.showVersion, "version", "v", false, "print the version and exit")
	fs.BoolVarP(&o.showHelp, "help", "h", false, "print this help and exit")
	return fs
}

// given reports whether the command line set the named flag.
func (o *options) given(name string) bool {
	f := o.fs.Lookup(name)
	return f != nil && f.Changed
}

// usageError is a mistake on the command line: run prints it as "cqlscan: …" and a hint, and
// exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// parseError words pflag's errors as cqlscan's: the flag as the user wrote it, its value, and what
// it accepts.
func parseError(err error) error {
	var invalid *pflag.InvalidValueError
	var missing *pflag.ValueRequiredError
	switch {
	case errors.As(err, &invalid):
		return usagef("%s %q: %v", flagName(invalid.GetFlag()), invalid.GetValue(), errors.Unwrap(err))
	case errors.As(err, &missing):
		return usagef("%s needs a value", flagName(missing.GetFlag()))
	}
	return &usageError{err.Error()}
}

// flagName is "-e/--execute" or "--splits".
func flagName(f *pflag.Flag) string {
	if f.Shorthand != "" {
		return "-" + f.Shorthand + "/--" + f.Name
	}
	return "--" + f.Name
}
