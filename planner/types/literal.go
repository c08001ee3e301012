package types

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/parser"
)

// ErrType marks a literal that does not fit the type it is compared with or assigned to.
var ErrType = fmt.Errorf("type mismatch")

// FromLiteral converts a literal to a value of type t, as Cassandra would accept it for a column of
// that type: 5 for an int, 'abc' for text, '2026-01-02' for a date, 0xCAFE for a blob.
func FromLiteral(t Type, lit *parser.Literal) (any, error) {
	if lit.Kind == parser.LitNull {
		return nil, nil
	}
	v, err := fromLiteral(t, lit)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not a valid %s value (%v)", ErrType, lit, t, err)
	}
	return v, nil
}

func fromLiteral(t Type, lit *parser.Literal) (any, error) {
	text := lit.Text
	switch t.Kind {
	case Ascii, Text:
		if lit.Kind == parser.LitString {
			return text, nil
		}
	case TinyInt, SmallInt, Int, BigInt, Counter:
		if lit.Kind == parser.LitInt {
			bits := map[Kind]int{TinyInt: 8, SmallInt: 16, Int: 32}[t.Kind]
			if bits == 0 {
				bits = 64
			}
			return strconv.ParseInt(text, 10, bits)
		}
	case Varint:
		if lit.Kind == parser.LitInt {
			if v, ok := new(big.Int).SetString(text, 10); ok {
				return v, nil
			}
		}
	case Decimal:
		if lit.Kind == parser.LitInt || (lit.Kind == parser.LitFloat && isFinite(text)) {
			if v, ok := new(inf.Dec).SetString(strings.ToLower(text)); ok {
				return v, nil
			}
		}
	case Float, Double:
		if lit.Kind == parser.LitInt || lit.Kind == parser.LitFloat {
			f, err := strconv.ParseFloat(strings.Replace(text, "Infinity", "Inf", 1), 64)
			if t.Kind == Float && err == nil {
				f = float64(float32(f))
			}
			return f, err
		}
	case Boolean:
		if lit.Kind == parser.LitBool {
			return text == "true", nil
		}
	case Blob:
		if lit.Kind == parser.LitBlob {
			return hex.DecodeString(padHex(text[2:]))
		}
	case UUID, TimeUUID:
		if lit.Kind == parser.LitUUID {
			b, err := hex.DecodeString(strings.ReplaceAll(text, "-", ""))
			if err != nil {
				return nil, err
			}
			var u UUIDValue
			copy(u[:], b)
			if t.Kind == TimeUUID && u[6]>>4 != 1 {
				return nil, fmt.Errorf("not a version 1 (time-based) uuid")
			}
			return u, nil
		}
	case Timestamp:
		switch lit.Kind {
		case parser.LitInt:
			ms, err := strconv.ParseInt(text, 10, 64)
			return time.UnixMilli(ms).UTC(), err
		case parser.LitString:
			return parseTimestamp(text)
		}
	case Date:
		if lit.Kind == parser.LitString {
			d, err := time.Parse("2006-01-02", text)
			return d.UTC(), err
		}
	case Time:
		if lit.Kind == parser.LitString {
			return parseTimeOfDay(text)
		}
		if lit.Kind == parser.LitInt {
			n, err := strconv.ParseInt(text, 10, 64)
			return time.Duration(n), err
		}
	case Inet:
		if lit.Kind == parser.LitString {
			ip := net.ParseIP(text)
			if ip == nil {
				return nil, fmt.Errorf("not an IP address")
			}
			if v4 := ip.To4(); v4 != nil {
				return v4, nil
			}
			return ip, nil
		}
	case Duration:
		if lit.Kind == parser.LitDuration {
			return ParseDuration(text)
		}
	}
	return nil, fmt.Errorf("a %s literal cannot be a %s", litKindName(lit.Kind), t)
}

// literalKinds names each kind of literal and gives the type it has on its own.
var literalKinds = map[parser.LitKind]struct {
	name string
	kind Kind
}{
	parser.LitBool: {"boolean", Boolean}, parser.LitInt: {"integer", BigInt}, parser.LitFloat: {"float", Double},
	parser.LitString: {"string", Text}, parser.LitBlob: {"blob", Blob}, parser.LitUUID: {"uuid", UUID},
	parser.LitDuration: {"duration", Duration},
}

func litKindName(k parser.LitKind) string { return literalKinds[k].name }

// LiteralType is the type a literal has on its own, without a column to take it from.
func LiteralType(lit *parser.Literal) Type {
	if k, ok := literalKinds[lit.Kind]; ok {
		return Of(k.kind)
	}
	return Of(Null)
}

func isFinite(s string) bool { return !strings.Contains(s, "NaN") && !strings.Contains(s, "Infinity") }

func padHex(s string) string {
	if len(s)%2 == 1 {
		return "0" + s
	}
	return s
}

var timestampLayouts = []string{
	"2006-01-02 15:04:05.999Z07:00", "2006-01-02 15:04:05.999Z0700", "2006-01-02 15:04:05.999",
	"2006-01-02T15:04:05.999Z07:00", "2006-01-02T15:04:05.999Z0700", "2006-01-02T15:04:05.999",
	"2006-01-02 15:04Z07:00", "2006-01-02 15:04Z0700", "2006-01-02 15:04", "2006-01-02T15:04",
	"2006-01-02Z07:00", "2006-01-02Z0700", "2006-01-02",
}

// parseTimestamp reads the timestamp formats Cassandra accepts; without a zone it is UTC.
func parseTimestamp(s string) (time.Time, error) {
	for _, l := range timestampLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC().Truncate(time.Millisecond), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a timestamp such as '2026-01-02 15:04:05+0000'")
}

var timeOfDay = regexp.MustCompile(`^(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$`)

func parseTimeOfDay(s string) (time.Duration, error) {
	m := timeOfDay.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("not a time of day such as '08:30:00'")
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	sec, _ := strconv.Atoi(m[3])
	frac := m[4] + strings.Repeat("0", 9-len(m[4]))
	ns, _ := strconv.Atoi(frac)
	if h > 23 || mi > 59 || sec > 59 {
		return 0, fmt.Errorf("hour, minute or second out of range")
	}
	return time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(sec)*time.Second +
		time.Duration(ns), nil
}

var durationPart = regexp.MustCompile(`(\d+)(mo|ms|us|µs|ns|y|w|d|h|m|s)`)

// durationUnits says what one of each duration unit adds: months, days or nanoseconds.
var durationUnits = map[string]DurationValue{
	"y": {Months: 12}, "mo": {Months: 1}, "w": {Days: 7}, "d": {Days: 1},
	"h": {Nanos: int64(time.Hour)}, "m": {Nanos: int64(time.Minute)}, "s": {Nanos: int64(time.Second)},
	"ms": {Nanos: int64(time.Millisecond)}, "us": {Nanos: int64(time.Microsecond)},
	"µs": {Nanos: int64(time.Microsecond)}, "ns": {Nanos: 1},
}

// add adds n of a unit to d.
func (d *DurationValue) add(n int64, unit string) {
	u := durationUnits[unit]
	d.Months += int32(n) * u.Months
	d.Days += int32(n) * u.Days
	d.Nanos += n * u.Nanos
}

var isoAlternative = regexp.MustCompile(`^p(\d{4})-(\d{2})-(\d{2})t(\d{2}):(\d{2}):(\d{2})$`)

// ParseDuration reads a CQL duration literal in its unit form (1h30m, 2mo3d) or ISO 8601 form (P1DT2H).
func ParseDuration(s string) (DurationValue, error) {
	var d DurationValue
	u := strings.ToLower(s)
	if m := isoAlternative.FindStringSubmatch(u); m != nil {
		// The ISO 8601 alternative format: P0001-02-03T04:05:06.
		for i, unit := range []string{"y", "mo", "d", "h", "m", "s"} {
			n, _ := strconv.ParseInt(m[i+1], 10, 64)
			d.add(n, unit)
		}
		return d, nil
	}
	if strings.HasPrefix(u, "p") {
		inTime := false
		num := ""
		for _, c := range u[1:] {
			switch {
			case c >= '0' && c <= '9':
				num += string(c)
			case c == 't':
				inTime = true
			default:
				n, _ := strconv.ParseInt(num, 10, 64)
				num = ""
				unit := string(c)
				if unit == "m" && !inTime {
					unit = "mo" // before T, M is months; after it, minutes
				}
				d.add(n, unit)
			}
		}
		return d, nil
	}
	for _, m := range durationPart.FindAllStringSubmatch(u, -1) {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		d.add(n, m[2])
	}
	return d, nil
}
