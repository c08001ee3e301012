package batchout

import (
	"errors"
	"fmt"
	"io"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/repl/render"
)

// Stream prints a run's rows to one writer as batches fill, so that only a batch is held: CSV with
// its header once at the top, JSON as one array over all batches (valid at the end, [] for none),
// JSON lines, or the table view as one table per batch (column widths fitted to each) and cqlsh's
// footer, "(N rows)" with the total, once at the end (unless Options.NoFooter). Expanded rows are
// numbered across batches.
type Stream struct {
	w       io.Writer
	size    int
	cols    Columns
	opt     render.Options
	array   *render.JSONArray // the JSON format
	pending []executor.Row
	printed int // rows printed so far
	rows    int64
	err     error
	closed  bool
}

var _ Sink = (*Stream)(nil)

// NewStream prints batches of up to rows rows (DefaultRows below 1) to w in format o.
func NewStream(w io.Writer, rows int, res Columns, o render.Options) *Stream {
	s := &Stream{w: w, size: batchSize(rows), cols: res, opt: o}
	if o.Format == render.JSON {
		s.array = render.NewJSONArray(w)
	}
	return s
}

// Add implements Sink.
func (s *Stream) Add(row executor.Row) error {
	if s.err != nil {
		return s.err
	}
	if s.closed {
		return errors.New("batch output: a row added after the output was closed")
	}
	if err := s.cols.check(row); err != nil {
		return err
	}
	s.pending = append(s.pending, row)
	s.rows++
	if len(s.pending) >= s.size {
		return s.flush()
	}
	return nil
}

// Close implements Sink: it prints the last batch and ends the output (the JSON array's end, the
// table's footer; the CSV header alone, the empty array or the empty table when there were no rows).
func (s *Stream) Close() error {
	if s.closed || s.err != nil {
		s.closed = true
		return s.err
	}
	s.closed = true
	if len(s.pending) > 0 {
		if err := s.flush(); err != nil {
			return err
		}
	}
	var err error
	switch {
	case s.array != nil:
		err = s.array.Close()
	case s.printed == 0 && s.opt.Format != render.JSONL: // as Write prints a result of no rows
		err = render.Write(s.w, s.cols.result(nil), s.opt)
	case !s.opt.NoFooter:
		_, err = io.WriteString(s.w, render.FooterAfterParts(s.opt, s.printed))
	}
	if err != nil {
		s.err = fmt.Errorf("batch output: %w", err)
	}
	return s.err
}

// Batches implements Sink: a stream writes no files.
func (s *Stream) Batches() []string { return nil }

// Rows implements Sink.
func (s *Stream) Rows() int64 { return s.rows }

// flush prints the pending rows as the next batch.
func (s *Stream) flush() error {
	batch := s.cols.result(s.pending)
	var err error
	if s.array != nil {
		err = s.array.Write(batch)
	} else {
		o := s.opt
		o.NoFooter = true
		o.FirstRow = s.opt.FirstRow + s.printed // the CSV header only at the top; expanded rows numbered on
		err = render.Write(s.w, batch, o)
	}
	if err != nil {
		s.err = fmt.Errorf("batch output: %w", err)
		return s.err
	}
	s.printed += len(s.pending)
	s.pending = s.pending[:0]
	return nil
}
