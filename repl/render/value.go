// Package render prints query results as cqlsh does (a table, or expanded rows) and in formats for
// scripts (CSV, JSON, JSON lines). Values arrive in the canonical forms of package types and are
// printed by their CQL type.
package render

import (
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"net"
	"strconv"
	"strings"
	"time"

	strftime "github.com/ncruces/go-strftime"
	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/planner/types"
)

// Layouts of time values, as cqlsh prints them (timestamps in UTC).
const (
	timestampLayout = "2006-01-02 15:04:05.000000-0700"
	dateLayout      = "2006-01-02"
)

// Text is v as cqlsh shows it in a cell: NULL as null, blobs as 0x…, booleans as True/False,
// timestamps in UTC, an Empty value as nothing, collections, tuples and user types in CQL literal
// form with strings quoted. It is exact: CSV and JSON use it whatever the display settings say.
func Text(t types.Type, v any) string { return printer{}.text(t, v, false) }

// printer prints values for one output: plain and exact (the zero printer), or for the table view
// with the session's display settings, control characters escaped and, on a terminal, colours.
type printer struct {
	Display
	escape bool // control characters in text as \n, \xNN (the table view)
}

// text prints v; nested values (inside a collection, tuple or user type) quote strings.
func (p printer) text(t types.Type, v any, nested bool) string {
	if v == nil {
		return p.paint(colorNull, "null")
	}
	switch x := v.(type) {
	case string:
		if p.escape {
			x = escapeControls(x)
		}
		if nested {
			x = "'" + strings.ReplaceAll(x, "'", "''") + "'"
		}
		if p.escape && p.Color {
			return paintEscapes(x)
		}
		return p.paint(colorText, x)
	case int64:
		return p.paint(colorValue, strconv.FormatInt(x, 10))
	case *big.Int:
		return p.paint(colorValue, x.String())
	case *inf.Dec:
		return p.paint(colorValue, decimalText(x))
	case float64:
		return p.paint(colorValue, p.floatText(x, t.Kind == types.Float))
	case bool:
		if x {
			return p.paint(colorValue, "True")
		}
		return p.paint(colorValue, "False")
	case []byte:
		return p.paint(colorBlob, "0x"+hex.EncodeToString(x))
	case types.UUIDValue:
		return p.paint(colorValue, x.String())
	case time.Time:
		if t.Kind == types.Date {
			return p.paint(colorValue, x.UTC().Format(dateLayout))
		}
		return p.paint(colorValue, quoteIf(nested, p.timestampText(x)))
	case time.Duration: // time of day
		return p.paint(colorValue, timeOfDay(x))
	case types.DurationValue:
		return p.paint(colorValue, x.String())
	case net.IP:
		return p.paint(colorValue, quoteIf(nested, x.String()))
	case []types.MapEntry:
		return p.mapText(t, x)
	case []any:
		return p.sequenceText(t, x)
	case types.Empty:
		return p.paint(colorText, "") // as cqlsh shows zero bytes: nothing, in the text colour
	}
	return fmt.Sprint(v)
}

// floatText prints a float or double with the session's precision, else exactly.
func (p printer) floatText(f float64, single bool) string {
	digits := p.DoublePrecision
	if single {
		digits = p.FloatPrecision
	}
	if digits <= 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return floatText(f, single)
	}
	return CqlshFloat(f, digits)
}

// CqlshFloat prints f as cqlsh does with a precision (its table view, and COPY TO's FLOATPRECISION):
// digits significant digits after the point for numbers shown without an exponent (from 1e-4 to
// below 10^digits), else digits significant digits in all, trailing zeros dropped.
func CqlshFloat(f float64, digits int) string {
	if a := math.Abs(f); a > 2.220446049250313e-16 {
		// Python's int() truncates toward zero, so 0.05 has exponent -1, not -2.
		if e := int(math.Log10(a)); e >= -4 && e < digits {
			digits += e + 1
		}
	}
	return strconv.FormatFloat(f, 'g', max(digits, 1), 64) // %g takes a precision below 1 as 1
}

// timestampText prints a timestamp in the session's zone and format, by default as cqlsh does.
func (p printer) timestampText(x time.Time) string {
	loc := p.TimeZone
	if loc == nil {
		loc = time.UTC
	}
	x = x.In(loc)
	if p.DateTimeFormat == "" {
		return x.Format(timestampLayout)
	}
	if x.Year() < 1 || x.Year() > 9999 { // as cqlsh: what strftime cannot print, in milliseconds
		return strconv.FormatInt(x.UnixMilli(), 10)
	}
	return strftime.Format(p.DateTimeFormat, x)
}

// quoteIf quotes s inside collections, as cqlsh quotes timestamps and addresses there (but not
// dates and times of day).
func quoteIf(nested bool, s string) string {
	if nested {
		return "'" + s + "'"
	}
	return s
}

// floatText prints the shortest text that reads back as the same float (or float32) value.
func floatText(f float64, single bool) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	bits := 64
	if single {
		bits = 32
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}

// decimalText prints a decimal as Cassandra (Java's BigDecimal.toString) and cqlsh (Python's Decimal)
// do: its digits with the point placed by its scale, unless the scale is negative or the value has
// more than six zeros after the point, which print in exponent form: 1E+10, -1.5E-21.
func decimalText(d *inf.Dec) string {
	digits := new(big.Int).Abs(d.UnscaledBig()).String()
	sign := ""
	if d.Sign() < 0 {
		sign = "-"
	}
	scale := int64(d.Scale())
	exponent := int64(len(digits)-1) - scale // of the first digit
	switch {
	case scale >= 0 && exponent >= -6:
		if scale == 0 {
			return sign + digits
		}
		if pad := scale - int64(len(digits)) + 1; pad > 0 {
			digits = strings.Repeat("0", int(pad)) + digits
		}
		point := int64(len(digits)) - scale
		return sign + digits[:point] + "." + digits[point:]
	default:
		mantissa := digits[:1]
		if len(digits) > 1 {
			mantissa += "." + digits[1:]
		}
		return fmt.Sprintf("%s%sE%+d", sign, mantissa, exponent)
	}
}

// timeOfDay prints nanoseconds since midnight as hh:mm:ss.nnnnnnnnn.
func timeOfDay(d time.Duration) string {
	ns := int64(d)
	return fmt.Sprintf("%02d:%02d:%02d.%09d", ns/int64(time.Hour), ns/int64(time.Minute)%60,
		ns/int64(time.Second)%60, ns%int64(time.Second))
}

// sequenceText prints a list or vector as [a, b], a set as {a, b}, a tuple as (a, b) and a user type
// as {field: a, field: b}.
func (p printer) sequenceText(t types.Type, xs []any) string {
	open, close := "[", "]"
	switch t.Kind {
	case types.Set:
		open, close = "{", "}"
	case types.Tuple:
		open, close = "(", ")"
	case types.UDT:
		open, close = "{", "}"
	}
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = p.text(t.Part(i), x, true)
		if t.Kind == types.UDT && i < len(t.Field) {
			parts[i] = p.paint(colorText, fieldName(t.Field[i])) + p.paint(colorCollection, ": ") + parts[i]
		}
	}
	return p.paint(colorCollection, open) + strings.Join(parts, p.paint(colorCollection, ", ")) + p.paint(colorCollection, close)
}

// mapText prints a map as {k: v, …}; a user type whose fields the schema did not name is held as a map
// from field names too, and prints as {field: v, …}.
func (p printer) mapText(t types.Type, es []types.MapEntry) string {
	parts := make([]string, len(es))
	colon := p.paint(colorCollection, ": ")
	for i, e := range es {
		if t.Kind == types.UDT {
			parts[i] = p.paint(colorText, fieldName(fmt.Sprint(e.Key))) + colon + p.text(types.Type{}, e.Value, true)
			continue
		}
		parts[i] = p.text(t.Part(0), e.Key, true) + colon + p.text(t.Part(1), e.Value, true)
	}
	return p.paint(colorCollection, "{") + strings.Join(parts, p.paint(colorCollection, ", ")) + p.paint(colorCollection, "}")
}

// fieldName quotes a user type's field name when CQL needs it quoted.
func fieldName(name string) string {
	for i, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
		}
	}
	return name
}

// escapeControls makes control characters visible in a terminal cell, as cqlsh does: \n, \t, \r, and
// \xNN for the rest; a backslash doubles, so that the escapes cannot be mistaken for text.
func escapeControls(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r == '\\' || isControl(r) }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case isControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isControl reports the characters cqlsh escapes: C0 and C1 controls, DEL and the no-break space.
func isControl(r rune) bool { return r < 0x20 || r >= 0x7f && r <= 0xa0 }
