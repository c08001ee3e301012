package copyio

import (
	"encoding/hex"
	"errors"
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
)

// Parser reads field texts back into values of their columns' CQL types, in the canonical forms of
// package types: what cqlsh's COPY TO and cqlscan's write, and what cqlsh's COPY FROM accepts besides
// (a timestamp in any of Cassandra's formats or as milliseconds since the epoch, a date as days since
// the epoch, a set written with brackets). Text undoes the backslash escapes of cqlsh's COPY TO
// (\\, \n, \t, \r, \xNN), so a file cqlsh wrote imports as the table it came from.
type Parser struct {
	o      *Options
	layout string // a Go layout for DATETIMEFORMAT, "" when it has none
}

// NewParser returns a Parser for o.
func NewParser(o *Options) *Parser {
	p := &Parser{o: o}
	if o.DateTimeFormat != "" {
		// Go's parser takes a fraction of a second after the seconds without being told.
		f := strings.ReplaceAll(strings.ReplaceAll(o.DateTimeFormat, ".%f", ""), "%f", "")
		if l, err := strftime.Layout(f); err == nil {
			p.layout = l
		}
	}
	return p
}

// Field parses one field of a column of type t. quoted says the field was in quotes: a quoted
// empty field is an empty text, not NULL.
func (p *Parser) Field(t types.Type, s string, quoted bool) (any, error) {
	if s == p.o.Null && !(quoted && t.IsText()) {
		return nil, nil
	}
	if s == "" && !t.IsText() {
		return nil, nil // as cqlsh: an empty field of a type that has no empty text is NULL
	}
	return p.value(t, s, false)
}

// ParseError is a field that is not a value of its column's type.
type ParseError struct {
	Text string
	Type types.Type
	Err  error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s is not a valid %s (%v)", strconv.Quote(e.Text), e.Type, e.Err)
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

func (p *Parser) value(t types.Type, s string, nested bool) (any, error) {
	v, err := p.parse(t, s, nested)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, &ParseError{Text: strings.TrimSpace(s), Type: t, Err: err}
	}
	return v, nil
}

func (p *Parser) parse(t types.Type, s string, nested bool) (any, error) {
	if nested {
		s = strings.TrimSpace(s)
		if strings.EqualFold(s, "null") {
			return nil, nil
		}
		if t.IsText() || t.Kind == types.Timestamp || t.Kind == types.Inet || t.Kind == types.Date || t.Kind == types.Time {
			var err error
			if s, err = dequote(s, t.IsText()); err != nil {
				return nil, err
			}
		}
	}
	switch t.Kind {
	case types.Ascii, types.Text:
		return unescape(s), nil
	case types.TinyInt, types.SmallInt, types.Int, types.BigInt, types.Counter:
		bits := map[types.Kind]int{types.TinyInt: 8, types.SmallInt: 16, types.Int: 32}[t.Kind]
		if bits == 0 {
			bits = 64
		}
		return strconv.ParseInt(p.plain(s, false), 10, bits)
	case types.Varint:
		v, ok := new(big.Int).SetString(p.plain(s, false), 10)
		if !ok {
			return nil, errors.New("not a whole number")
		}
		return v, nil
	case types.Float, types.Double:
		return parseFloat(p.plain(s, true), t.Kind == types.Float)
	case types.Decimal:
		return parseDecimal(p.plain(s, true))
	case types.Boolean:
		switch {
		case strings.EqualFold(strings.TrimSpace(s), p.o.BoolStyle[0]):
			return true, nil
		case strings.EqualFold(strings.TrimSpace(s), p.o.BoolStyle[1]):
			return false, nil
		}
		return nil, fmt.Errorf("want %s or %s (BOOLSTYLE)", p.o.BoolStyle[0], p.o.BoolStyle[1])
	case types.Blob:
		if !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
			return nil, errors.New("a blob starts with 0x")
		}
		return hex.DecodeString(s[2:])
	case types.UUID, types.TimeUUID:
		return parseUUID(s, t.Kind == types.TimeUUID)
	case types.Timestamp:
		return p.timestamp(s)
	case types.Date:
		return parseDate(s)
	case types.Time:
		return parseTime(s)
	case types.Duration:
		return parseDuration(s)
	case types.Inet:
		ip := net.ParseIP(strings.TrimSpace(s))
		if ip == nil {
			return nil, errors.New("not an IP address")
		}
		if v4 := ip.To4(); v4 != nil {
			return v4, nil
		}
		return ip, nil
	case types.List, types.Set, types.Vector:
		parts, err := split(s, ',')
		if err != nil {
			return nil, err
		}
		if t.Kind == types.Vector {
			if n, _ := strconv.Atoi(t.Name); n != len(parts) {
				return nil, fmt.Errorf("%d elements for a vector of %s", len(parts), t.Name)
			}
		}
		out := make([]any, len(parts))
		for i, part := range parts {
			if out[i], err = p.value(t.Part(0), part, true); err != nil {
				return nil, err
			}
			if out[i] == nil {
				return nil, errors.New("a collection cannot hold NULL")
			}
		}
		return types.Normalize(t, out)
	case types.Tuple:
		parts, err := split(s, ',')
		if err != nil {
			return nil, err
		}
		if len(parts) > len(t.Elems) {
			return nil, fmt.Errorf("%d fields for a tuple of %d", len(parts), len(t.Elems))
		}
		out := make([]any, len(t.Elems))
		for i, part := range parts {
			if out[i], err = p.value(t.Elems[i], part, true); err != nil {
				return nil, err
			}
		}
		return out, nil
	case types.Map:
		entries, err := p.pairs(s)
		if err != nil {
			return nil, err
		}
		out := make([]types.MapEntry, len(entries))
		for i, e := range entries {
			if out[i].Key, err = p.value(t.Elems[0], e[0], true); err != nil {
				return nil, err
			}
			if out[i].Value, err = p.value(t.Elems[1], e[1], true); err != nil {
				return nil, err
			}
			if out[i].Key == nil || out[i].Value == nil {
				return nil, errors.New("a map cannot hold NULL")
			}
		}
		return types.Normalize(t, out)
	case types.UDT:
		entries, err := p.pairs(s)
		if err != nil {
			return nil, err
		}
		out := make([]any, len(t.Field))
		for _, e := range entries {
			name := strings.TrimSpace(e[0])
			if unq, err := dequoteIdent(name); err == nil {
				name = unq
			}
			i := indexOf(t.Field, name)
			if i < 0 {
				return nil, fmt.Errorf("%s has no field %q", t.Name, name)
			}
			if out[i], err = p.value(t.Elems[i], e[1], true); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("cqlscan cannot read values of type %s", t)
}

func indexOf(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

// plain removes THOUSANDSSEP and makes DECIMALSEP a point (for decimals only).
func (p *Parser) plain(s string, decimals bool) string {
	s = strings.TrimSpace(s)
	if p.o.ThousandsSep != "" {
		s = strings.ReplaceAll(s, p.o.ThousandsSep, "")
	}
	if decimals && p.o.DecimalSep != "." {
		s = strings.ReplaceAll(s, p.o.DecimalSep, ".")
	}
	return s
}

func parseFloat(s string, single bool) (float64, error) {
	switch strings.ToLower(s) {
	case "nan":
		return math.NaN(), nil
	case "infinity", "inf", "+infinity", "+inf":
		return math.Inf(1), nil
	case "-infinity", "-inf":
		return math.Inf(-1), nil
	}
	bits := 64
	if single {
		bits = 32
	}
	f, err := strconv.ParseFloat(s, bits)
	if err != nil {
		return 0, errors.New("not a number")
	}
	return f, nil
}

var decimalText = regexp.MustCompile(`^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$`)

// parseDecimal reads a decimal, keeping its scale: 1.50 stays 1.50, 1E+10 has scale -10.
func parseDecimal(s string) (*inf.Dec, error) {
	m := decimalText.FindStringSubmatch(s)
	if m == nil || m[2]+m[3] == "" {
		return nil, errors.New("not a decimal number")
	}
	unscaled, _ := new(big.Int).SetString(m[2]+m[3], 10)
	scale := int64(len(m[3]))
	if m[4] != "" {
		e, err := strconv.ParseInt(m[4], 10, 32)
		if err != nil {
			return nil, errors.New("exponent out of range")
		}
		scale -= e
	}
	if scale > math.MaxInt32 || scale < math.MinInt32 {
		return nil, errors.New("exponent out of range")
	}
	if m[1] == "-" {
		unscaled.Neg(unscaled)
	}
	return new(inf.Dec).SetUnscaledBig(unscaled).SetScale(inf.Scale(scale)), nil
}

func parseUUID(s string, timeBased bool) (types.UUIDValue, error) {
	s = strings.TrimSpace(s)
	h := strings.ReplaceAll(s, "-", "")
	var u types.UUIDValue
	if len(h) != 32 {
		return u, errors.New("not a uuid")
	}
	if _, err := hex.Decode(u[:], []byte(h)); err != nil {
		return u, errors.New("not a uuid")
	}
	if timeBased && u[6]>>4 != 1 {
		return u, errors.New("not a version 1 (time-based) uuid")
	}
	return u, nil
}

// cqlTimestamp is what cqlsh's COPY FROM accepts when DATETIMEFORMAT does not match: a date, an
// optional time (with up to 6 digits of fraction here, 9 accepted) and an optional zone offset.
var cqlTimestamp = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})(?:(?:\s|T|'T')?(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s?(Z|[+-]\d{2}:?\d{2})?$`)

// timestamp reads a timestamp: in DATETIMEFORMAT, in a CQL form, or as milliseconds since the epoch.
// A time without a zone is local time, as in cqlsh.
func (p *Parser) timestamp(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if p.layout != "" {
		if t, err := time.Parse(p.layout, s); err == nil {
			return t.UTC().Truncate(time.Millisecond), nil
		}
	}
	if m := cqlTimestamp.FindStringSubmatch(s); m != nil {
		n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
		frac := (m[7] + "000000000")[:9]
		ns, _ := strconv.Atoi(frac)
		loc := time.Local
		if z := m[8]; z == "Z" {
			loc = time.UTC
		} else if z != "" {
			z = strings.ReplaceAll(z, ":", "")
			h, _ := strconv.Atoi(z[1:3])
			mi, _ := strconv.Atoi(z[3:5])
			off := h*3600 + mi*60
			if z[0] == '-' {
				off = -off
			}
			loc = time.FixedZone(z, off)
		}
		if n(2) < 1 || n(2) > 12 || n(3) < 1 || n(3) > 31 || n(4) > 23 || n(5) > 59 || n(6) > 59 {
			return time.Time{}, errors.New("a date or time field is out of range")
		}
		t := time.Date(n(1), time.Month(n(2)), n(3), n(4), n(5), n(6), ns, loc)
		if t.Day() != n(3) {
			return time.Time{}, errors.New("no such day")
		}
		return t.UTC().Truncate(time.Millisecond), nil
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("not a timestamp in the format %q, a CQL timestamp or milliseconds since the epoch",
		firstNonEmpty(p.o.DateTimeFormat, DefaultDateTimeFormat))
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if d, err := time.Parse("2006-01-02", s); err == nil {
		return d.UTC(), nil
	}
	if days, err := strconv.ParseInt(s, 10, 32); err == nil {
		return time.Unix(days*86400, 0).UTC(), nil
	}
	return time.Time{}, errors.New("not a date such as 2026-01-02")
}

var timeText = regexp.MustCompile(`^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$`)

func parseTime(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	m := timeText.FindStringSubmatch(s)
	if m == nil {
		if ns, err := strconv.ParseInt(s, 10, 64); err == nil && ns >= 0 && ns < int64(24*time.Hour) {
			return time.Duration(ns), nil
		}
		return 0, errors.New("not a time of day such as 08:30:00.000000000")
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	sec, _ := strconv.Atoi(m[3])
	ns, _ := strconv.Atoi((m[4] + "000000000")[:9])
	if h > 23 || mi > 59 || sec > 59 {
		return 0, errors.New("hour, minute or second out of range")
	}
	return time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(sec)*time.Second + time.Duration(ns), nil
}

var durationPattern = regexp.MustCompile(`^-?(?:\d+(?:mo|ms|us|µs|ns|y|w|d|h|m|s))+$|^-?[pP][0-9tTyYmMwWdDhHsS.-]+$`)

func parseDuration(s string) (types.DurationValue, error) {
	s = strings.TrimSpace(s)
	if !durationPattern.MatchString(strings.ToLower(s)) {
		return types.DurationValue{}, errors.New("not a duration such as 1h30m or P1DT2H")
	}
	neg := strings.HasPrefix(s, "-")
	d, err := types.ParseDuration(strings.TrimPrefix(s, "-"))
	if neg {
		d = types.DurationValue{Months: -d.Months, Days: -d.Days, Nanos: -d.Nanos}
	}
	return d, err
}

// unescape undoes the escapes cqlsh's COPY TO puts in text: a doubled backslash, \n, \r, \t and
// \xNN. A backslash before anything else stays.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		switch s[i+1] {
		case '\\':
			b.WriteByte('\\')
			i++
		case 'n':
			b.WriteByte('\n')
			i++
		case 'r':
			b.WriteByte('\r')
			i++
		case 't':
			b.WriteByte('\t')
			i++
		case 'x':
			if i+3 < len(s)+0 && isHex(s[i+2]) && isHex(s[i+3]) {
				n, _ := strconv.ParseUint(s[i+2:i+4], 16, 8)
				b.WriteRune(rune(n))
				i += 3
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// dequote removes the single quotes around a string inside a collection, undoubling quotes within.
// Values of other types may come unquoted (cqlsh writes dates and times so).
func dequote(s string, required bool) (string, error) {
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'"), nil
	}
	if required {
		return "", errors.New("a string inside a collection is in single quotes")
	}
	return s, nil
}

// dequoteIdent unquotes a "quoted" field name.
func dequoteIdent(s string) (string, error) {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`), nil
	}
	return "", errors.New("not quoted")
}

// split cuts a composite's text, [a, b] or {a, b} or (a, b), at each sep that is not inside quotes
// or nested brackets, as cqlsh's COPY FROM does. An empty composite has no parts.
func split(s string, sep byte) ([]string, error) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || !matching(s[0], s[len(s)-1]) {
		return nil, fmt.Errorf("a collection, tuple or user type is in matching brackets: %s", s)
	}
	inner := s[1 : len(s)-1]
	if strings.TrimSpace(inner) == "" {
		return nil, nil
	}
	var parts []string
	last := 0
	balanced := eachTopLevel(inner, func(i int) bool {
		if inner[i] == sep {
			parts = append(parts, inner[last:i])
			last = i + 1
		}
		return true
	})
	if !balanced {
		return nil, fmt.Errorf("unbalanced quotes or brackets in %s", s)
	}
	return append(parts, inner[last:]), nil
}

// eachTopLevel calls fn with the index of each byte of s that stands outside quotes and brackets,
// in order, until fn returns false. It reports whether the quotes and brackets of what it read
// balance.
func eachTopLevel(s string, fn func(i int) bool) bool {
	level, quote := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			quote = !quote
		case quote:
		case c == '{' || c == '[' || c == '(':
			level++
		case c == '}' || c == ']' || c == ')':
			level--
		case level == 0 && !fn(i):
			return true
		}
	}
	return !quote && level == 0
}

func matching(a, b byte) bool {
	return a == '{' && b == '}' || a == '[' && b == ']' || a == '(' && b == ')'
}

// pairs cuts a map's or user type's text {k: v, …} into its key/value pairs. The key ends at the
// first colon outside quotes and brackets that a space follows (cqlsh writes "k: v"; a time of day
// has colons too), or else at the first such colon.
func (p *Parser) pairs(s string) ([][2]string, error) {
	parts, err := split(s, ',')
	if err != nil {
		return nil, err
	}
	out := make([][2]string, len(parts))
	for i, part := range parts {
		at := keyEnd(part)
		if at < 0 {
			return nil, fmt.Errorf("want key: value, not %s", strings.TrimSpace(part))
		}
		out[i] = [2]string{part[:at], part[at+1:]}
	}
	return out, nil
}

func keyEnd(s string) int {
	at, first := -1, -1
	eachTopLevel(s, func(i int) bool {
		switch {
		case s[i] != ':':
		case i+1 < len(s) && s[i+1] == ' ':
			at = i
			return false
		case first < 0:
			first = i
		}
		return true
	})
	if at >= 0 {
		return at
	}
	return first
}
