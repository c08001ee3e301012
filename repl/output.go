package repl

import (
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cqlscan/cqlscan/executor"
)

// Format is an output format.
type Format string

// Output formats.
const (
	FormatTable Format = "table"
	FormatCSV   Format = "csv"
	FormatJSON  Format = "json"
)

// ParseFormat checks a --format value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case FormatTable, FormatCSV, FormatJSON:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q: use table, csv or json", s)
}

// Result is a statement's output: column names and rows.
type Result struct {
	Columns []string
	Rows    []executor.Row
}

// Write prints r in format f.
func (r *Result) Write(w io.Writer, f Format) error {
	switch f {
	case FormatCSV:
		return r.writeCSV(w)
	case FormatJSON:
		return r.writeJSON(w)
	}
	return r.writeTable(w)
}

// writeTable prints the result as cqlsh does: a blank line, the header, a rule, right-aligned
// values, a blank line and "(N rows)".
func (r *Result) writeTable(w io.Writer) error {
	cells := make([][]string, len(r.Rows))
	widths := make([]int, len(r.Columns))
	for i, c := range r.Columns {
		widths[i] = utf8.RuneCountInString(c)
	}
	for i, row := range r.Rows {
		cells[i] = make([]string, len(row))
		for j, v := range row {
			cells[i][j] = formatValue(v)
			if n := utf8.RuneCountInString(cells[i][j]); n > widths[j] {
				widths[j] = n
			}
		}
	}
	var b strings.Builder
	b.WriteString("\n")
	line := func(vals []string, right bool) {
		parts := make([]string, len(vals))
		for i, v := range vals {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(v))
			if right {
				parts[i] = pad + v
			} else {
				parts[i] = v + pad
			}
		}
		b.WriteString(" " + strings.TrimRight(strings.Join(parts, " | "), " ") + "\n")
	}
	line(r.Columns, false)
	rules := make([]string, len(widths))
	for i, wd := range widths {
		rules[i] = strings.Repeat("-", wd)
	}
	b.WriteString("-" + strings.Join(rules, "-+-") + "-\n")
	for _, row := range cells {
		line(row, true)
	}
	fmt.Fprintf(&b, "\n(%d rows)\n", len(r.Rows))
	_, err := io.WriteString(w, b.String())
	return err
}

// writeCSV prints a header line and RFC 4180 rows, nothing else.
func (r *Result) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(r.Columns); err != nil {
		return err
	}
	for _, row := range r.Rows {
		rec := make([]string, len(row))
		for i, v := range row {
			if v != nil {
				rec[i] = formatValue(v)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeJSON prints an array with one object per row.
func (r *Result) writeJSON(w io.Writer) error {
	var b strings.Builder
	b.WriteString("[")
	for i, row := range r.Rows {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  {")
		for j, v := range row {
			if j > 0 {
				b.WriteString(", ")
			}
			k, _ := json.Marshal(r.Columns[j])
			b.Write(k)
			b.WriteString(": ")
			b.WriteString(jsonValue(v))
		}
		b.WriteString("}")
	}
	if len(r.Rows) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func jsonValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case int, int8, int16, int32, int64, bool:
		return fmt.Sprint(x)
	case *big.Int:
		return x.String()
	case float32, float64:
		s := formatValue(x)
		if s == "NaN" || strings.Contains(s, "Infinity") {
			return strconv.Quote(s)
		}
		return s
	}
	out, err := json.Marshal(formatValue(v))
	if err != nil {
		return "null"
	}
	return string(out)
}

// formatValue prints a value as cqlsh shows it.
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case []byte:
		return "0x" + hex.EncodeToString(x)
	case string:
		return x
	case bool:
		if x {
			return "True"
		}
		return "False"
	case float64:
		return formatFloat(x, 64)
	case float32:
		return formatFloat(float64(x), 32)
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05.000000-0700")
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

func formatFloat(f float64, bits int) string {
	switch {
	case f != f:
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}
