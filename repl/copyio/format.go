package copyio

import (
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	strftime "github.com/ncruces/go-strftime"
	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/planner/types"
	"github.com/cqlscan/cqlscan/repl/render"
)

// DefaultDateTimeFormat is cqlsh's timestamp format (cqlshrc [ui] datetimeformat overrides it).
const DefaultDateTimeFormat = "%Y-%m-%d %H:%M:%S.%f%z"

// Formatter writes values as cqlsh's COPY TO does (cqlshlib's formatting with COPY's options):
//
//   - NULL, and a value of zero bytes, as the NULL option ("" by default); an empty text as a quoted
//     "" so that it is not read back as NULL;
//   - booleans as BOOLSTYLE (True/False), blobs as 0x…, timestamps in DATETIMEFORMAT in UTC with
//     milliseconds, uuids, inets, dates, times and durations as cqlsh prints them;
//   - collections, tuples and user types in CQL literal form, strings quoted inside them;
//   - text with each backslash doubled, as cqlsh writes it; control characters (newlines, tabs) are
//     written as they are, inside quotes, where cqlsh would write \n, which its COPY FROM then imports
//     as a backslash and an n;
//   - floats and doubles exactly (the shortest text that reads back as the same value) unless
//     FLOATPRECISION or DOUBLEPRECISION is given, which rounds them as cqlsh does.
type Formatter struct {
	o      *Options
	layout string
}

// NewFormatter returns a Formatter for o.
func NewFormatter(o *Options) *Formatter {
	f := &Formatter{o: o, layout: o.DateTimeFormat}
	if f.layout == "" {
		f.layout = DefaultDateTimeFormat
	}
	return f
}

// Field formats a column's value as one CSV field.
func (f *Formatter) Field(t types.Type, v any) Field {
	if v == nil || types.IsEmpty(v) {
		return Field{Text: f.o.Null}
	}
	if s, ok := v.(string); ok {
		return Field{Text: escapeBackslash(s), Quoted: s == "" || s == f.o.Null}
	}
	return Field{Text: f.text(t, v, false)}
}

func escapeBackslash(s string) string { return strings.ReplaceAll(s, `\`, `\\`) }

func (f *Formatter) text(t types.Type, v any, nested bool) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case types.Empty:
		return ""
	case string:
		if nested {
			return "'" + strings.ReplaceAll(escapeBackslash(x), "'", "''") + "'"
		}
		return escapeBackslash(x)
	case int64:
		return f.group(strconv.FormatInt(x, 10))
	case *big.Int:
		return f.group(x.String())
	case *inf.Dec:
		return f.decimal(x)
	case float64:
		return f.float(x, t.Kind == types.Float)
	case bool:
		if x {
			return f.o.BoolStyle[0]
		}
		return f.o.BoolStyle[1]
	case []byte:
		return "0x" + hex.EncodeToString(x)
	case types.UUIDValue:
		return x.String()
	case time.Time:
		if t.Kind == types.Date {
			return dateText(x)
		}
		return quoteIf(nested, f.timestamp(x))
	case time.Duration:
		return timeOfDay(x)
	case types.DurationValue:
		return x.String()
	case net.IP:
		return quoteIf(nested, x.String())
	case []types.MapEntry:
		parts := make([]string, len(x))
		for i, e := range x {
			if t.Kind == types.UDT {
				parts[i] = fmt.Sprint(e.Key) + ": " + f.text(types.Type{}, e.Value, true)
				continue
			}
			parts[i] = f.text(t.Part(0), e.Key, true) + ": " + f.text(t.Part(1), e.Value, true)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []any:
		open, close := "[", "]"
		switch t.Kind {
		case types.Set, types.UDT:
			open, close = "{", "}"
		case types.Tuple:
			open, close = "(", ")"
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = f.text(t.Part(i), e, true)
			if t.Kind == types.UDT && i < len(t.Field) {
				parts[i] = t.Field[i] + ": " + parts[i]
			}
		}
		return open + strings.Join(parts, ", ") + close
	}
	return fmt.Sprint(v)
}

func quoteIf(nested bool, s string) string {
	if nested {
		return "'" + s + "'"
	}
	return s
}

// group puts THOUSANDSSEP between groups of three digits of an integer's text.
func (f *Formatter) group(digits string) string {
	sep := f.o.ThousandsSep
	if sep == "" {
		return digits
	}
	sign := ""
	if strings.HasPrefix(digits, "-") {
		sign, digits = "-", digits[1:]
	}
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return sign + b.String()
}

// withSeparators applies DECIMALSEP and THOUSANDSSEP to a plain number's text (digits, perhaps a
// point and more digits, perhaps an exponent).
func (f *Formatter) withSeparators(s string) string {
	if f.o.ThousandsSep == "" && f.o.DecimalSep == "." {
		return s
	}
	intPart, rest := s, ""
	if i := strings.IndexAny(s, ".eE"); i >= 0 {
		intPart, rest = s[:i], s[i:]
	}
	if strings.HasPrefix(rest, ".") {
		rest = f.o.DecimalSep + rest[1:]
	}
	return f.group(intPart) + rest
}

// float prints a float or double: exactly by default, or as cqlsh rounds it with a precision.
func (f *Formatter) float(v float64, single bool) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	}
	precision := f.o.DoublePrecision
	bits := 64
	if single {
		precision, bits = f.o.FloatPrecision, 32
	}
	if precision == 0 {
		return f.withSeparators(strconv.FormatFloat(v, 'g', -1, bits))
	}
	return f.withSeparators(render.CqlshFloat(v, precision))
}

// decimal prints a decimal as Cassandra and Python's Decimal do (1.50, 1E+10), with the separators.
func (f *Formatter) decimal(d *inf.Dec) string {
	digits := new(big.Int).Abs(d.UnscaledBig()).String()
	sign := ""
	if d.Sign() < 0 {
		sign = "-"
	}
	scale := int64(d.Scale())
	exponent := int64(len(digits)-1) - scale
	if scale >= 0 && exponent >= -6 {
		if scale == 0 {
			return sign + f.group(digits)
		}
		if pad := scale - int64(len(digits)) + 1; pad > 0 {
			digits = strings.Repeat("0", int(pad)) + digits
		}
		point := int64(len(digits)) - scale
		return sign + f.withSeparators(digits[:point]+"."+digits[point:])
	}
	mantissa := digits[:1]
	if len(digits) > 1 {
		mantissa += f.o.DecimalSep + digits[1:]
	}
	return fmt.Sprintf("%s%sE%+d", sign, mantissa, exponent)
}

var fraction = regexp.MustCompile(`^(.*)\.(\d{1,6})(.*)$`)

// timestamp prints a timestamp in the DATETIMEFORMAT, in UTC, its fraction cut to milliseconds as
// cqlsh's COPY TO cuts it; a year strftime cannot print (before 1 or after 9999) as milliseconds
// since the epoch, as cqlsh prints it.
func (f *Formatter) timestamp(t time.Time) string {
	t = t.UTC()
	if t.Year() < 1 || t.Year() > 9999 {
		return strconv.FormatInt(t.UnixMilli(), 10)
	}
	s := strftime.Format(f.layout, t)
	if m := fraction.FindStringSubmatch(s); m != nil {
		ms := m[2] + "000"
		s = m[1] + "." + ms[:3] + m[3]
	}
	return s
}

// dateText prints a date as cqlsh does: YYYY-MM-DD, or days since the epoch outside years 1 to 9999.
func dateText(t time.Time) string {
	t = t.UTC()
	if t.Year() < 1 || t.Year() > 9999 {
		return strconv.FormatInt(int64(math.Floor(float64(t.Unix())/86400)), 10)
	}
	return t.Format("2006-01-02")
}

// timeOfDay prints nanoseconds since midnight as hh:mm:ss.nnnnnnnnn.
func timeOfDay(d time.Duration) string {
	ns := int64(d)
	return fmt.Sprintf("%02d:%02d:%02d.%09d", ns/int64(time.Hour), ns/int64(time.Minute)%60,
		ns/int64(time.Second)%60, ns%int64(time.Second))
}
