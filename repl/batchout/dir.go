package batchout

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/executor/savefile"
	"github.com/cqlscan/cqlscan/repl/render"
)

// Dir writes batches as numbered files in a directory: batch-000001.csv, batch-000002.csv, … (the
// extension by format: csv, json, jsonl, or txt for the table view), each holding up to a batch of
// rows and complete in its format (CSV with its header, JSON one array, a table with its footer),
// each written atomically and durably (package savefile) when it is full or at Close. A run with no
// rows writes no file. A file of the same name is replaced: numbers come from the cursor, which
// moves past them only when the run succeeds, so a failed run's files are written again.
type Dir struct {
	dir     string
	next    int
	size    int
	cols    Columns
	opt     render.Options
	pending []executor.Row
	written []string
	rows    int64
	err     error
	closed  bool
}

var _ Sink = (*Dir)(nil)

// NewDir writes batches of up to rows rows (DefaultRows below 1) into dir, numbered from first, in
// format o (never coloured: files are not terminals).
func NewDir(dir string, first, rows int, res Columns, o render.Options) *Dir {
	o.Color = false
	o.FirstRow = 0 // each file is complete: its own header, rows numbered from 1
	return &Dir{dir: dir, next: max(first, 1), size: batchSize(rows), cols: res, opt: o}
}

// CheckDir makes sure that dir is a directory batch files can be written to, before a run reads
// anything, by creating a file in it and removing it.
func CheckDir(dir string) error {
	f, err := os.CreateTemp(dir, ".cqlscan-check-*.tmp")
	if err != nil {
		return fmt.Errorf("cannot write batch files in %s: %w", dir, cause(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// Ext is the file name extension of a format's batches.
func Ext(f render.Format) string {
	switch f {
	case render.CSV:
		return "csv"
	case render.JSON:
		return "json"
	case render.JSONL:
		return "jsonl"
	}
	return "txt"
}

// Name is the base name of batch n in format f: batch-000001.csv.
func Name(n int, f render.Format) string { return fmt.Sprintf("batch-%06d.%s", n, Ext(f)) }

// Add implements Sink.
func (d *Dir) Add(row executor.Row) error {
	if err := d.usable(); err != nil {
		return err
	}
	if err := d.cols.check(row); err != nil {
		return err
	}
	d.pending = append(d.pending, row)
	d.rows++
	if len(d.pending) >= d.size {
		return d.flush()
	}
	return nil
}

// Close implements Sink.
func (d *Dir) Close() error {
	if d.closed || d.err != nil {
		d.closed = true
		return d.err
	}
	d.closed = true
	if len(d.pending) > 0 {
		return d.flush()
	}
	return nil
}

// Batches implements Sink.
func (d *Dir) Batches() []string { return append([]string(nil), d.written...) }

// Rows implements Sink.
func (d *Dir) Rows() int64 { return d.rows }

func (d *Dir) usable() error {
	if d.err != nil {
		return d.err
	}
	if d.closed {
		return errors.New("batch output: a row added after the batches were closed")
	}
	return nil
}

// flush writes the pending rows as the next batch file.
func (d *Dir) flush() error {
	var b bytes.Buffer
	if err := render.Write(&b, d.cols.result(d.pending), d.opt); err != nil {
		d.err = fmt.Errorf("batch output: %w", err)
		return d.err
	}
	name := Name(d.next, d.opt.Format)
	path := filepath.Join(d.dir, name)
	if err := savefile.WriteFile(path, b.Bytes()); err != nil {
		d.err = fmt.Errorf("cannot write batch file %s: %w", path, cause(err))
		return d.err
	}
	d.written = append(d.written, name)
	d.next++
	d.pending = d.pending[:0]
	return nil
}

// cause is the reason of a file error without the operation and the temporary file's name, which
// the message names better: "no such file or directory", "not a directory", "permission denied".
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
