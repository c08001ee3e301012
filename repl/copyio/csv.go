package copyio

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Writer writes CSV records in the dialect of Options as Python's csv module writes them for cqlsh:
// a field is quoted when it holds the delimiter, the quote or a line end; inside it the quote is
// doubled (DoubleQuote) or escaped, and the escape character is escaped; records end with \r\n.
type Writer struct {
	w   *bufio.Writer
	o   *Options
	buf strings.Builder
}

// Field is one field to write; Quoted forces quotes, so that an empty text ("") is told from a
// NULL written as nothing.
type Field struct {
	Text   string
	Quoted bool
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer, o *Options) *Writer {
	return &Writer{w: bufio.NewWriterSize(w, 64<<10), o: o}
}

// Write writes one record.
func (w *Writer) Write(fields []Field) error {
	w.buf.Reset()
	for i, f := range fields {
		if i > 0 {
			w.buf.WriteRune(w.o.Delimiter)
		}
		w.field(f, len(fields) == 1)
	}
	w.buf.WriteString("\r\n")
	_, err := w.w.WriteString(w.buf.String())
	return err
}

// Flush writes what is buffered.
func (w *Writer) Flush() error { return w.w.Flush() }

func (w *Writer) field(f Field, only bool) {
	o := w.o
	quoted := f.Quoted || (only && f.Text == "")
	var b strings.Builder
	for _, c := range f.Text {
		switch {
		case c == o.Quote && o.DoubleQuote:
			b.WriteRune(c)
			quoted = true
		case c == o.Quote || (o.Escape != 0 && c == o.Escape):
			b.WriteRune(o.Escape)
		case c == o.Delimiter || c == '\r' || c == '\n':
			quoted = true
		}
		b.WriteRune(c)
	}
	if quoted {
		w.buf.WriteRune(o.Quote)
		w.buf.WriteString(b.String())
		w.buf.WriteRune(o.Quote)
		return
	}
	w.buf.WriteString(b.String())
}

// Record is one CSV record as read: its fields, which of them were quoted, the line it starts on
// and its text as it was in the file (without the line end), for the error file.
type Record struct {
	Fields []string
	Quoted []bool
	Line   int
	Raw    string
}

// Reader reads CSV records in the dialect of Options as Python's csv module reads them for cqlsh:
// quoted fields may span lines; the escape character makes the next character literal, in quotes or
// not; with DoubleQuote a doubled quote inside quotes is one quote. Empty lines are skipped.
type Reader struct {
	r    *bufio.Reader
	o    *Options
	line int
	raw  strings.Builder
}

// NewReader returns a Reader on r.
func NewReader(r io.Reader, o *Options) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 64<<10), o: o, line: 1}
}

// ErrUnterminated is a quoted field still open at the end of the input.
var ErrUnterminated = errors.New("unterminated quoted field at the end of the input")

// Read returns the next record, or io.EOF after the last one. An error other than io.EOF leaves
// the reader unusable.
func (r *Reader) Read() (*Record, error) {
	for {
		rec, err := r.read()
		if err != nil || rec != nil {
			return rec, err
		}
	}
}

type state int

const (
	startField state = iota
	inField
	escaped
	inQuoted
	escapedInQuoted
	quoteInQuoted
)

// read reads one record; nil, nil for an empty line.
func (r *Reader) read() (*Record, error) {
	o := r.o
	rec := &Record{Line: r.line}
	r.raw.Reset()
	var field strings.Builder
	quoted := false
	st := startField
	save := func() {
		rec.Fields = append(rec.Fields, field.String())
		rec.Quoted = append(rec.Quoted, quoted)
		field.Reset()
		quoted = false
	}
	end := func() (*Record, error) {
		if st != startField || len(rec.Fields) > 0 {
			save()
		}
		rec.Raw = r.raw.String()
		if len(rec.Fields) == 0 {
			return nil, nil
		}
		return rec, nil
	}
	for {
		c, _, err := r.r.ReadRune()
		if err == io.EOF {
			switch st {
			case inQuoted, escapedInQuoted:
				return nil, fmt.Errorf("line %d: %w", rec.Line, ErrUnterminated)
			case startField:
				if len(rec.Fields) == 0 {
					return nil, io.EOF
				}
			}
			rec, _ := end()
			if rec == nil {
				return nil, io.EOF
			}
			return rec, nil
		}
		if err != nil {
			return nil, err
		}
		if c == '\n' {
			r.line++
		}
		lineEnd := c == '\n' || c == '\r'
		if lineEnd && st != inQuoted && st != escapedInQuoted && st != escaped {
			if c == '\r' {
				if next, err := r.r.Peek(1); err == nil && next[0] == '\n' {
					r.r.ReadByte()
					r.line++
				}
			}
			return end()
		}
		r.raw.WriteRune(c)
		switch st {
		case startField, inField:
			switch {
			case st == startField && c == o.Quote:
				st, quoted = inQuoted, true
			case o.Escape != 0 && c == o.Escape:
				st = escaped
			case c == o.Delimiter:
				save()
				st = startField
			default:
				field.WriteRune(c)
				st = inField
			}
		case escaped:
			field.WriteRune(c)
			st = inField
		case inQuoted:
			switch {
			case o.Escape != 0 && c == o.Escape:
				st = escapedInQuoted
			case c == o.Quote && o.DoubleQuote:
				st = quoteInQuoted
			case c == o.Quote:
				st = inField
			default:
				field.WriteRune(c)
			}
		case escapedInQuoted:
			field.WriteRune(c)
			st = inQuoted
		case quoteInQuoted:
			switch c {
			case o.Quote:
				field.WriteRune(c)
				st = inQuoted
			case o.Delimiter:
				save()
				st = startField
			default:
				field.WriteRune(c)
				st = inField
			}
		}
	}
}
