package render

import (
	"bytes"
	"io"
)

// JSONArray writes the JSON format (one array of objects) a part of a result at a time, byte for
// byte as Write prints the whole result at once, so that a long result needs no more memory than
// one part. It is not safe for concurrent use.
type JSONArray struct {
	w      io.Writer
	rows   int64
	closed bool
}

// NewJSONArray starts an array on w; nothing is written before the first rows or Close.
func NewJSONArray(w io.Writer) *JSONArray { return &JSONArray{w: w} }

// Write adds the rows of r (a part of the result; its columns those of every part) to the array.
func (a *JSONArray) Write(r *Result) error {
	if len(r.Rows) == 0 {
		return nil
	}
	var b bytes.Buffer
	for _, row := range r.Rows {
		if a.rows == 0 {
			b.WriteString("[")
		} else {
			b.WriteString(",")
		}
		b.WriteString("\n  ")
		object(&b, r, row)
		a.rows++
	}
	_, err := a.w.Write(b.Bytes())
	return err
}

// Rows is how many rows the array holds so far.
func (a *JSONArray) Rows() int64 { return a.rows }

// Close ends the array ("[]" when it holds no rows). Later calls write nothing.
func (a *JSONArray) Close() error {
	if a.closed {
		return nil
	}
	a.closed = true
	end := "\n]\n"
	if a.rows == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(a.w, end)
	return err
}

// FooterAfterParts is what ends a table printed in parts with NoFooter, so that the whole reads as
// Write would print it at once: "(N rows)", after a blank line for expanded rows (cqlsh ends every
// row with one, the last too). Other formats have no footer.
func FooterAfterParts(o Options, rows int) string {
	if o.Format != Table && o.Format != "" {
		return ""
	}
	if o.Expanded && rows > 0 {
		return "\n" + Footer(rows)
	}
	return Footer(rows)
}
