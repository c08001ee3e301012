package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
	"github.com/cqlscan/cqlscan/repl/copyio"
)

// copyTo exports cols of t to file (STDOUT when ""), read by cqlscan's parallel token-range scan
// (SELECT cols FROM t, planned and run like any SELECT) and written as cqlsh's COPY TO writes it.
func (s *Session) copyTo(ctx context.Context, t *schema.Table, cols []schema.Column, file string, o *copyio.Options) error {
	began := time.Now()
	sel, err := exportSelect(t, cols, o)
	if err != nil {
		return err
	}
	plan, err := planner.Plan(ctx, sel, s.Cluster, planner.Options{Keyspace: s.Keyspace, Splits: s.Splits})
	if err != nil {
		return err
	}
	fetch := s.FetchSize
	if o.PageSize != copyio.Defaults("", "").PageSize {
		fetch = o.PageSize // asked for: cqlsh's default of 1000 would only slow the scan
	}
	names := s.Cluster.HostNames()
	if s.Verbose {
		s.printPlan(plan, names)
	}
	stats := &executor.Stats{}
	it, err := executor.New(s.Cluster, executor.Options{Concurrency: s.Concurrency, PerHost: s.PerHost, FetchSize: fetch,
		HostNames: names, Stats: stats, MaxRetries: s.MaxRetries, MaxRows: s.MaxRows, MaxRequests: s.MaxRequests}).Build(plan)
	if err != nil {
		return err
	}
	defer it.Close()

	colNames := make([]string, len(cols))
	colTypes := make([]types.Type, len(cols))
	for i, c := range cols {
		colNames[i] = c.Name
		if colTypes[i], err = types.ParseWith(c.Type, t.UserTypes); err != nil {
			return fmt.Errorf("column %s: %w", c.Name, err)
		}
	}
	// Messages go with the data's destination as in cqlsh (stdout), or to stderr when the data is
	// on stdout.
	msgs := s.out()
	if file == "" {
		msgs = s.Err
	}
	out := &exportFiles{name: expandHome(file), max: o.MaxOutputSize, std: s.out(), opts: o}
	if err := out.open(); err != nil {
		return err
	}
	if file != "" {
		fmt.Fprintf(msgs, "\nStarting copy of %s.%s with columns [%s].\n", t.Keyspace, t.Name, strings.Join(colNames, ", "))
	}
	if o.Header {
		hdr := make([]copyio.Field, len(colNames))
		for i, n := range colNames {
			hdr[i] = copyio.Field{Text: n}
		}
		if err := out.w.Write(hdr); err != nil {
			out.close()
			return err
		}
	}
	stopProgress := func() {}
	if s.Progress {
		stopEstimates, stopLine := fetchEstimates(ctx, s.Cluster, plan, stats), showProgress(s.Err, stats)
		stopProgress = func() { stopLine(); stopEstimates() }
	}
	f := copyio.NewFormatter(o)
	fields := make([]copyio.Field, len(cols))
	var rows int64
	for {
		row, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err == nil {
			for i, v := range row {
				fields[i] = f.Field(colTypes[i], v)
			}
			err = out.write(fields)
		}
		if err != nil {
			stopProgress()
			out.close()
			return &CopyError{Err: err, Done: fmt.Sprintf("%d rows exported to %d files before it stopped", rows, out.files)}
		}
		rows++
	}
	stopProgress()
	if err := out.close(); err != nil {
		return err
	}
	dest := fmt.Sprintf("%d files", out.files)
	if file == "" {
		dest = "STDOUT"
	}
	fmt.Fprintf(msgs, "\n%d rows exported to %s in %s.\n", rows, dest, describeInterval(time.Since(began).Seconds()))
	if s.Verbose || s.Stats {
		stats.Print(s.Err)
	}
	return nil
}

// CopyError is a COPY that stopped part way, with what it had done.
type CopyError struct {
	Err  error
	Done string
}

func (e *CopyError) Error() string { return fmt.Sprintf("%v (%s)", e.Err, e.Done) }

// Unwrap returns the cause.
func (e *CopyError) Unwrap() error { return e.Err }

// exportSelect is the SELECT that reads the columns, within BEGINTOKEN and ENDTOKEN if given.
func exportSelect(t *schema.Table, cols []schema.Column, o *copyio.Options) (*parser.Select, error) {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = parser.QuoteIdent(c.Name)
	}
	text := fmt.Sprintf("SELECT %s FROM %s.%s", strings.Join(quoted, ", "), parser.QuoteIdent(t.Keyspace), parser.QuoteIdent(t.Name))
	var where []string
	if o.BeginToken != "" {
		where = append(where, fmt.Sprintf("%s > %s", planner.TokenCall(t), o.BeginToken))
	}
	if o.EndToken != "" {
		where = append(where, fmt.Sprintf("%s <= %s", planner.TokenCall(t), o.EndToken))
	}
	if len(where) > 0 {
		text += " WHERE " + strings.Join(where, " AND ")
	}
	st, err := parser.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("COPY TO: %s: %w", text, err)
	}
	sel, ok := st.(*parser.Select)
	if !ok {
		return nil, fmt.Errorf("COPY TO: %s is not a SELECT", text)
	}
	return sel, nil
}

// exportFiles writes the CSV to stdout, or to a file that is split every max lines into name,
// name.1, name.2, … as cqlsh's MAXOUTPUTSIZE splits it.
type exportFiles struct {
	name  string
	max   int
	std   io.Writer
	opts  *copyio.Options
	f     *os.File
	w     *copyio.Writer
	lines int
	files int
}

func (e *exportFiles) open() error {
	if e.name == "" {
		e.w = copyio.NewWriter(e.std, e.opts)
		return nil
	}
	name := e.name
	if e.files > 0 {
		name = fmt.Sprintf("%s.%d", e.name, e.files)
	}
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("Can't open %q for writing: %w", name, err)
	}
	e.f, e.w, e.lines = f, copyio.NewWriter(f, e.opts), 0
	e.files++
	return nil
}

func (e *exportFiles) write(fields []copyio.Field) error {
	if e.f != nil && e.max > 0 && e.lines >= e.max {
		if err := e.close(); err != nil {
			return err
		}
		if err := e.open(); err != nil {
			return err
		}
	}
	e.lines++
	return e.w.Write(fields)
}

func (e *exportFiles) close() error {
	err := e.w.Flush()
	if e.f != nil {
		err = errors.Join(err, e.f.Close())
		e.f = nil
	}
	return err
}
