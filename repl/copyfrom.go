package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/executor/cluster"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
	"github.com/cqlscan/cqlscan/repl/copyio"
)

// inserter is a Cluster that can insert rows: *cluster.Conn.
type inserter interface {
	PrepareInsert(ctx context.Context, keyspace, table string, columns []string, ttl int) (cluster.InsertFunc, error)
}

// ErrNoInserts is a session whose connection cannot insert rows.
var ErrNoInserts = errors.New("COPY FROM: this connection cannot insert rows")

// copyFrom imports CSV into cols of t from files (a comma-separated list of names or glob patterns)
// or, when files is "", from standard input up to a line holding "." or "\.". Each row is parsed to
// the columns' types and inserted with one prepared INSERT and bound values, 4 × SET CONCURRENCY rows
// at a time, each sent to a replica of its partition. A row that does not parse, or whose insert fails
// MAXATTEMPTS times, goes to ERRFILE with the reason; imported + failed always equals the rows read.
func (s *Session) copyFrom(ctx context.Context, t *schema.Table, cols []schema.Column, files string, o *copyio.Options) error {
	began := time.Now()
	ins, ok := s.Cluster.(inserter)
	if !ok {
		return ErrNoInserts
	}
	var valid []string
	var validTypes []types.Type
	keep := make([]bool, len(cols))
	for i, c := range cols {
		if slices.Contains(o.SkipCols, c.Name) {
			continue
		}
		typ, err := types.ParseWith(c.Type, t.UserTypes)
		if err != nil {
			return fmt.Errorf("column %s: %w", c.Name, err)
		}
		keep[i] = true
		valid = append(valid, c.Name)
		validTypes = append(validTypes, typ)
	}
	if len(valid) == 0 {
		return errors.New("No valid column specified")
	}
	var keyAt []int
	for _, c := range append(t.PartitionKey(), t.ClusteringKey()...) {
		i := slices.Index(valid, c.Name)
		if i < 0 {
			return fmt.Errorf("Primary key column '%s' missing or skipped", c.Name)
		}
		keyAt = append(keyAt, i)
	}
	insert, err := ins.PrepareInsert(ctx, t.Keyspace, t.Name, valid, o.TTL)
	if err != nil {
		return err
	}
	src, err := s.importSource(files)
	if err != nil {
		return err
	}
	defer src.close()
	fmt.Fprintf(s.out(), "\nStarting copy of %s.%s with columns [%s].\n", t.Keyspace, t.Name, strings.Join(valid, ", "))

	im := &importer{s: s, o: o, cols: valid, types: validTypes, keep: keep, keyAt: keyAt, insert: insert,
		parser: copyio.NewParser(o), errs: &errorFile{name: expandHome(o.ErrFile)}, width: len(cols)}
	stopProgress := func() {}
	if s.Progress {
		stopProgress = im.showProgress()
	}
	err = im.run(ctx, src)
	stopProgress()
	if cerr := im.errs.close(); err == nil {
		err = cerr
	}
	read, imported, failed := im.read.Load(), im.imported.Load(), im.failed.Load()
	if failed > 0 {
		fmt.Fprintf(s.Err, "Failed to process %d rows; failed rows written to %s\n", failed, im.errs.name)
	}
	fmt.Fprintf(s.out(), "\n%d rows imported from %d files in %s (%d skipped).\n", imported, src.count,
		describeInterval(time.Since(began).Seconds()), min(int64(o.SkipRows), im.seen.Load()))
	if imported+failed != read {
		return fmt.Errorf("COPY FROM lost count: %d rows read, %d imported, %d failed", read, imported, failed)
	}
	if err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d rows were not imported; they are in %s with the reasons", failed, read, im.errs.name)
	}
	return nil
}

// importer runs one COPY FROM.
type importer struct {
	s      *Session
	o      *copyio.Options
	cols   []string
	types  []types.Type
	keep   []bool // of each field of a record, whether its column is imported (SKIPCOLS)
	width  int    // fields a record has
	keyAt  []int  // primary key columns, as indexes into cols
	insert cluster.InsertFunc
	parser *copyio.Parser
	errs   *errorFile

	seen                   atomic.Int64 // records read, skipped ones too (MAXROWS counts them, as in cqlsh)
	read, imported, failed atomic.Int64 // rows taken in (not skipped), inserted, rejected
	parseErrs, insertErrs  atomic.Int64
	shown                  atomic.Int64 // failure messages printed
}

// insertsPerScan is how many inserts are in flight for each range SET CONCURRENCY allows a scan.
const insertsPerScan = 4

type importRow struct {
	rec    *copyio.Record
	file   string
	values []any
}

// run reads the records and feeds them to the insert workers until the input ends, a maximum of
// errors is exceeded, or ctx is done. Rows taken in are always either imported or rejected.
func (im *importer) run(ctx context.Context, src *importSource) error {
	// An insert waits on one replica's write, so more of them are kept in flight than scan ranges.
	workers := max(insertsPerScan*im.s.Concurrency, 1)
	rows := make(chan importRow, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rows {
				attempts, err := im.insertRow(ctx, r.values)
				if err == nil {
					im.imported.Add(1)
					continue
				}
				im.insertErrs.Add(1)
				im.reject(r.rec, r.file, "insert", err, attempts)
			}
		}()
	}
	err := im.feed(ctx, src, rows)
	close(rows)
	wg.Wait()
	if err == nil && ctx.Err() != nil {
		err = errInterrupted{}
	}
	if err == nil {
		err = im.exceeded()
	}
	return err
}

// feed reads every source and sends each row that parses to rows.
func (im *importer) feed(ctx context.Context, src *importSource, rows chan<- importRow) error {
	limiter := rate.NewLimiter(rate.Limit(im.o.IngestRate), min(im.o.IngestRate, 1000))
	for {
		r, name, err := src.next(im.o)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		for {
			if im.exceeded() != nil || ctx.Err() != nil {
				return nil
			}
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			n := im.seen.Add(1)
			if im.o.MaxRows >= 0 && n > int64(im.o.MaxRows) {
				return nil
			}
			if n <= int64(im.o.SkipRows) {
				continue
			}
			im.read.Add(1)
			values, err := im.parse(rec)
			if err != nil {
				im.parseErrs.Add(1)
				im.reject(rec, name, "parse", err, 0)
				continue
			}
			if err := limiter.Wait(ctx); err != nil {
				im.reject(rec, name, "insert", errInterrupted{}, 0)
				return nil
			}
			rows <- importRow{rec: rec, file: name, values: values}
		}
	}
}

// parse converts a record's fields to the values of the imported columns.
func (im *importer) parse(rec *copyio.Record) ([]any, error) {
	if len(rec.Fields) != im.width {
		return nil, fmt.Errorf("Invalid row length %d should be %d", len(rec.Fields), im.width)
	}
	values := make([]any, 0, len(im.cols))
	for i, text := range rec.Fields {
		if !im.keep[i] {
			continue
		}
		j := len(values)
		v, err := im.parser.Field(im.types[j], text, rec.Quoted[i])
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", im.cols[j], err)
		}
		values = append(values, v)
	}
	for _, j := range im.keyAt {
		if values[j] == nil {
			msg := fmt.Sprintf("Cannot insert null value for primary key column '%s'.", im.cols[j])
			if im.o.Null == "" {
				msg += " If you want to insert empty strings, consider using the WITH NULL=<marker> option for COPY."
			}
			return nil, errors.New(msg)
		}
	}
	return values, nil
}

// insertRow inserts one row, retrying failures another replica or a later try may not have, up to
// MAXATTEMPTS attempts with a doubling backoff.
func (im *importer) insertRow(ctx context.Context, values []any) (int, error) {
	backoff := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := im.insert(ctx, values)
		var qe *executor.QueryError
		if err == nil || ctx.Err() != nil || attempt >= im.o.MaxAttempts || (errors.As(err, &qe) && qe.Kind == executor.Fatal) {
			if err != nil && ctx.Err() != nil {
				err = errInterrupted{}
			}
			return attempt, err
		}
		select {
		case <-ctx.Done():
			return attempt, errInterrupted{}
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// maxShown is how many failures are told on stderr; the rest are in the error file only.
const maxShown = 20

// reject writes a record that was not imported to the error file, with the reason, and tells it.
func (im *importer) reject(rec *copyio.Record, file, stage string, err error, attempts int) {
	im.failed.Add(1)
	reason := strings.ReplaceAll(err.Error(), "\n", " ")
	if werr := im.errs.add(rec, file, reason); werr != nil {
		fmt.Fprintf(im.s.Err, "cannot write the error file: %v\n", werr)
	}
	switch n := im.shown.Add(1); {
	case n <= maxShown && stage == "parse":
		fmt.Fprintf(im.s.Err, "Failed to import 1 rows: ParseError - line %d: %s,  given up without retries\n", rec.Line, reason)
	case n <= maxShown:
		fmt.Fprintf(im.s.Err, "Failed to import 1 rows: line %d: %s,  given up after %d attempts\n", rec.Line, reason, attempts)
	case n == maxShown+1:
		fmt.Fprintf(im.s.Err, "(further failed rows are written to %s only)\n", im.errs.name)
	}
}

// exceeded says whether MAXPARSEERRORS or MAXINSERTERRORS is exceeded, as cqlsh says it.
func (im *importer) exceeded() error {
	if n := im.o.MaxInsertErrors; n >= 0 && im.insertErrs.Load() > int64(n) {
		return fmt.Errorf("Exceeded maximum number of insert errors %d", n)
	}
	if n := im.o.MaxParseErrors; n >= 0 && im.parseErrs.Load() > int64(n) {
		return fmt.Errorf("Exceeded maximum number of parse errors %d", n)
	}
	return nil
}

// showProgress redraws one line on Err while rows are imported.
func (im *importer) showProgress() (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	began := time.Now()
	go func() {
		defer close(finished)
		tick := time.NewTicker(progressInterval)
		defer tick.Stop()
		shown := false
		for {
			select {
			case <-done:
				if shown {
					fmt.Fprint(im.s.Err, "\r\x1b[K")
				}
				return
			case <-tick.C:
				el := time.Since(began)
				fmt.Fprintf(im.s.Err, "\rrows read %d  imported %d  failed %d  %.0f rows/s  elapsed %v\x1b[K", im.read.Load(),
					im.imported.Load(), im.failed.Load(), float64(im.imported.Load())/max(el.Seconds(), 0.001), el.Round(100*time.Millisecond))
				shown = true
			}
		}
	}()
	return func() { close(done); <-finished }
}

// errorFile is ERRFILE, created on the first failed row; an existing one is first renamed with the
// time appended, as cqlsh renames it. Each row is written as it was read, after a line starting
// with # that says where it was and why it failed (remove those lines to import the file again).
type errorFile struct {
	name string
	mu   sync.Mutex
	f    *os.File
	w    *bufio.Writer
}

func (e *errorFile) add(rec *copyio.Record, file, reason string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.f == nil {
		if _, err := os.Stat(e.name); err == nil {
			if err := os.Rename(e.name, e.name+time.Now().Format(".20060102_150405")); err != nil {
				return err
			}
		}
		f, err := os.Create(e.name)
		if err != nil {
			return err
		}
		e.f, e.w = f, bufio.NewWriter(f)
	}
	fmt.Fprintf(e.w, "# %s line %d: %s\n%s\n", file, rec.Line, reason, rec.Raw)
	return nil
}

func (e *errorFile) close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.f == nil {
		return nil
	}
	err := errors.Join(e.w.Flush(), e.f.Close())
	e.f = nil
	return err
}

// importSource is the files of a COPY FROM, one after another, or standard input.
type importSource struct {
	paths []string
	stdin io.Reader
	cur   *os.File
	count int // sources opened
}

// importSource resolves files: comma-separated names or glob patterns, each matching at least one
// file; "" is standard input.
func (s *Session) importSource(files string) (*importSource, error) {
	if files == "" {
		in := s.More
		if in == nil {
			in = os.Stdin
		}
		if s.Interactive {
			fmt.Fprintln(s.Err, "[Use . on a line by itself to end input]")
		}
		return &importSource{stdin: &untilDot{r: bufio.NewReader(in)}}, nil
	}
	src := &importSource{}
	for _, pat := range strings.Split(files, ",") {
		pat = expandHome(strings.TrimSpace(pat))
		if pat == "" {
			continue
		}
		if _, err := os.Stat(pat); err == nil {
			src.paths = append(src.paths, pat)
			continue
		}
		matches, err := filepath.Glob(pat)
		if err != nil || len(matches) == 0 {
			return nil, fmt.Errorf("Can't open %q for reading: no matching file found", pat)
		}
		src.paths = append(src.paths, matches...)
	}
	return src, nil
}

// next opens the next source and returns its reader, the header (HEADER) already skipped, and its
// name; io.EOF after the last.
func (src *importSource) next(o *copyio.Options) (*copyio.Reader, string, error) {
	src.close()
	var in io.Reader
	name := "<stdin>"
	switch {
	case src.stdin != nil:
		if src.count > 0 {
			return nil, "", io.EOF
		}
		in = src.stdin
	case len(src.paths) == 0:
		return nil, "", io.EOF
	default:
		name = src.paths[0]
		src.paths = src.paths[1:]
		f, err := os.Open(name)
		if err != nil {
			return nil, "", fmt.Errorf("Can't open %q for reading: %w", name, err)
		}
		src.cur, in = f, f
	}
	src.count++
	r := copyio.NewReader(in, o)
	if o.Header {
		if _, err := r.Read(); err != nil && err != io.EOF {
			return nil, "", fmt.Errorf("%s: %w", name, err)
		}
	}
	return r, name, nil
}

func (src *importSource) close() {
	if src.cur != nil {
		src.cur.Close()
		src.cur = nil
	}
}

// untilDot reads lines until one that holds only "." or "\.", as cqlsh ends COPY FROM STDIN.
type untilDot struct {
	r    *bufio.Reader
	buf  []byte
	done bool
}

func (u *untilDot) Read(p []byte) (int, error) {
	for len(u.buf) == 0 {
		if u.done {
			return 0, io.EOF
		}
		line, err := u.r.ReadString('\n')
		if t := strings.TrimRight(line, "\r\n"); t == "." || t == `\.` {
			u.done = true
			continue
		}
		u.buf = append(u.buf, line...)
		if err != nil {
			u.done = true
		}
	}
	n := copy(p, u.buf)
	u.buf = u.buf[n:]
	return n, nil
}
