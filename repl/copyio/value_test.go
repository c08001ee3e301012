package copyio

import (
	"math"
	"math/big"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/planner/types"
	"github.com/cqlscan/cqlscan/repl/render"
)

func typ(t *testing.T, s string) types.Type {
	t.Helper()
	ty, err := types.ParseWith(s, map[string]types.UserType{"addr": {Fields: []string{"zip", "city"}, Types: []string{"int", "text"}}})
	if err != nil {
		t.Fatal(err)
	}
	return ty
}

func dec(s string) *inf.Dec { d, _ := new(inf.Dec).SetString(s); return d }

// TestFormatAndParse formats each type's values as cqlsh's COPY TO writes them (the texts are
// cqlsh 6's, except where the comment says why cqlscan differs) and parses the text back to the
// same value.
func TestFormatAndParse(t *testing.T) {
	ts := time.Date(2026, 11, 21, 13, 14, 15, 123000000, time.UTC)
	u := types.UUIDValue{0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00}
	big20, _ := new(big.Int).SetString("12345678901234567890", 10)
	for _, c := range []struct {
		typ  string
		v    any
		want string
	}{
		{"text", "a,b \"q\" é中", `a,b "q" é中`},
		{"text", `back\slash`, `back\\slash`},    // cqlsh doubles backslashes
		{"text", "nl\nand\ttab", "nl\nand\ttab"}, // cqlsh writes \n: its COPY FROM would keep the escape
		{"ascii", "plain", "plain"},
		{"int", int64(-42), "-42"},
		{"bigint", int64(math.MaxInt64), "9223372036854775807"},
		{"tinyint", int64(-128), "-128"},
		{"varint", big20, "12345678901234567890"},
		{"decimal", dec("1.50"), "1.50"},
		{"decimal", new(inf.Dec).SetUnscaled(1).SetScale(-10), "1E+10"},
		{"double", 3.14159265358979, "3.14159265358979"}, // cqlsh rounds to 12 digits unless DOUBLEPRECISION
		{"double", 1e300, "1e+300"},
		{"double", math.Inf(-1), "-Infinity"},
		{"float", float64(float32(1.1)), "1.1"},
		{"boolean", true, "True"},
		{"boolean", false, "False"},
		{"blob", []byte{0xca, 0xfe}, "0xcafe"},
		{"uuid", u, "123e4567-e89b-12d3-a456-426614174000"},
		{"timestamp", ts, "2026-11-21 13:14:15.123+0000"},
		{"date", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), "2026-01-02"},
		{"time", 13*time.Hour + 14*time.Minute + 15*time.Second + 123456789, "13:14:15.123456789"},
		{"duration", types.DurationValue{Months: 14, Days: 3, Nanos: int64(4 * time.Hour)}, "1y2mo3d4h"},
		{"duration", types.DurationValue{Nanos: -int64(time.Millisecond)}, "-1ms"},
		{"inet", net.ParseIP("::1"), "::1"},
		{"inet", net.IP{10, 0, 0, 1}, "10.0.0.1"},
		{"list<text>", []any{"x'y", "a,b", "n\nl"}, "['x''y', 'a,b', 'n\nl']"},
		{"set<int>", []any{int64(1), int64(2), int64(3)}, "{1, 2, 3}"},
		{"map<text, int>", []types.MapEntry{{Key: "k", Value: int64(1)}, {Key: "z", Value: int64(2)}}, "{'k': 1, 'z': 2}"},
		{"map<int, time>", []types.MapEntry{{Key: int64(1), Value: 8 * time.Hour}}, "{1: 08:00:00.000000000}"},
		{"tuple<int, text>", []any{int64(1), "it's"}, "(1, 'it''s')"},
		{"tuple<int, text>", []any{int64(1), nil}, "(1, null)"}, // cqlsh writes None, which it cannot read back
		{"frozen<addr>", []any{int64(75001), "Paris"}, "{zip: 75001, city: 'Paris'}"},
		{"frozen<addr>", []any{nil, "Paris"}, "{zip: null, city: 'Paris'}"},
		{"list<timestamp>", []any{ts}, "['2026-11-21 13:14:15.123+0000']"},
		{"vector<float, 2>", []any{1.5, -2.0}, "[1.5, -2]"},
		{"frozen<list<frozen<set<int>>>>", []any{[]any{int64(1)}, []any{}}, "[{1}, {}]"},
	} {
		o := dialect(t)
		ty := typ(t, c.typ)
		got := NewFormatter(o).Field(ty, c.v)
		if got.Text != c.want {
			t.Errorf("%s %v: wrote %q, want %q", c.typ, c.v, got.Text, c.want)
			continue
		}
		back, err := NewParser(o).Field(ty, got.Text, got.Quoted)
		if err != nil {
			t.Errorf("%s %q: reading it back: %v", c.typ, got.Text, err)
			continue
		}
		if want, _ := types.Normalize(ty, c.v); !reflect.DeepEqual(back, want) {
			t.Errorf("%s %q: read back %#v, want %#v", c.typ, got.Text, back, want)
		}
	}
}

// TestNullAndEmpty: NULL is the NULL option; an empty text is "" in quotes, so it is not read as NULL.
func TestNullAndEmpty(t *testing.T) {
	o := dialect(t)
	f, p := NewFormatter(o), NewParser(o)
	text := typ(t, "text")
	if got := f.Field(text, nil); got != (Field{}) {
		t.Errorf("NULL written as %+v", got)
	}
	if got := f.Field(typ(t, "int"), types.Empty{}); got != (Field{}) {
		t.Errorf("a zero-byte int written as %+v, want as NULL", got)
	}
	if got := f.Field(text, ""); got != (Field{Quoted: true}) {
		t.Errorf("an empty text written as %+v, want a quoted empty field", got)
	}
	for _, c := range []struct {
		typ    string
		text   string
		quoted bool
		want   any
	}{
		{"text", "", false, nil}, {"text", "", true, ""}, {"int", "", true, nil}, {"int", "", false, nil},
	} {
		if v, err := p.Field(typ(t, c.typ), c.text, c.quoted); err != nil || v != c.want {
			t.Errorf("%s %q quoted=%v: read %#v, %v; want %#v", c.typ, c.text, c.quoted, v, err, c.want)
		}
	}
	o = dialect(t, Option{"null", "NULL"})
	if got := NewFormatter(o).Field(text, nil); got.Text != "NULL" {
		t.Errorf("NULL with NULL='NULL' written as %q", got.Text)
	}
	if got := NewFormatter(o).Field(text, "NULL"); !got.Quoted {
		t.Errorf("the text NULL with NULL='NULL' is not quoted, so it would read back as NULL")
	}
	if v, _ := NewParser(o).Field(text, "", false); v != "" {
		t.Errorf("with NULL='NULL' an empty field is the empty text, read %#v", v)
	}
}

// TestParseCqlshForms reads what cqlsh's COPY TO writes where cqlscan writes otherwise, and the
// other forms its COPY FROM accepts.
func TestParseCqlshForms(t *testing.T) {
	o := dialect(t)
	p := NewParser(o)
	ms := time.Date(2026, 11, 21, 13, 14, 15, 123000000, time.UTC)
	for _, c := range []struct {
		typ, text string
		want      any
	}{
		{"text", `back\\slash\nnl\ttab\x01`, "back\\slash\nnl\ttab\x01"}, // cqlsh's escapes undone
		{"text", `a\qb\`, `a\qb\`},                                       // backslashes before what cqlsh never escapes are kept
		{"timestamp", "2026-11-21 13:14:15.123000+0000", ms},
		{"timestamp", "2026-11-21T13:14:15.123Z", ms},
		{"timestamp", "2026-11-21 14:14:15.123+01:00", ms},
		{"timestamp", "1795266855123", ms},
		{"date", "20443", time.Date(2025, 12, 21, 0, 0, 0, 0, time.UTC)},
		{"double", "3.14159265359", 3.14159265359},
		{"double", "1.2346e+05", 123460.0},
		{"double", "nan", math.NaN()},
		{"boolean", "true", true},
		{"set<int>", "[3, 1]", []any{int64(1), int64(3)}},
		{"uuid", "123e4567e89b12d3a456426614174000", types.UUIDValue{0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00}},
		{"frozen<addr>", `{city: 'Lyon'}`, []any{nil, "Lyon"}},
		{"frozen<addr>", `{"zip": 1, city: 'Lyon'}`, []any{int64(1), "Lyon"}},
		{"time", "08:30:00", 8*time.Hour + 30*time.Minute},
	} {
		got, err := p.Field(typ(t, c.typ), c.text, false)
		if f, ok := c.want.(float64); ok && math.IsNaN(f) {
			if g, ok := got.(float64); !ok || !math.IsNaN(g) || err != nil {
				t.Errorf("%s %q: read %#v, %v; want NaN", c.typ, c.text, got, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s %q: read %#v, %v; want %#v", c.typ, c.text, got, err, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	p := NewParser(dialect(t))
	for _, c := range []struct{ typ, text, why string }{
		{"int", "abc", "invalid syntax"},
		{"int", "3000000000", "out of range"},
		{"tinyint", "200", "out of range"},
		{"boolean", "maybe", "BOOLSTYLE"},
		{"blob", "cafe", "0x"},
		{"blob", "0xzz", "invalid byte"},
		{"uuid", "not-a-uuid", "not a uuid"},
		{"timeuuid", "123e4567-e89b-42d3-a456-426614174000", "version 1"},
		{"timestamp", "yesterday", "not a timestamp"},
		{"timestamp", "2026-02-30 00:00:00", "no such day"},
		{"date", "2026-13-01", "not a date"},
		{"time", "25:00:00", "out of range"},
		{"duration", "3 days", "not a duration"},
		{"inet", "300.1.1.1", "not an IP"},
		{"list<int>", "[1, x]", `"x" is not a valid int`},
		{"list<int>", "1, 2", "matching brackets"},
		{"list<text>", "['a', b]", "single quotes"},
		{"map<text, int>", "{'a' 1}", "key: value"},
		{"frozen<addr>", "{street: 'x'}", "no field"},
		{"tuple<int, text>", "(1, 'a', 2)", "3 fields"},
		{"vector<float, 2>", "[1]", "1 elements for a vector of 2"},
		{"decimal", "1.2.3", "not a decimal"},
	} {
		_, err := p.Field(typ(t, c.typ), c.text, false)
		if err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("%s %q: error %v, want one saying %q", c.typ, c.text, err, c.why)
		}
	}
}

// TestPrecisionAndSeparators: FLOATPRECISION and DOUBLEPRECISION round as cqlsh does (the texts are
// cqlsh's), DECIMALSEP, THOUSANDSSEP and BOOLSTYLE apply both ways.
func TestPrecisionAndSeparators(t *testing.T) {
	for _, c := range []struct {
		v         float64
		precision int
		want      string
	}{
		{1.1, 5, "1.1"}, {123456.789, 5, "1.2346e+05"}, {3.14159265358979, 12, "3.14159265359"}, {1e300, 12, "1e+300"},
		{0.000012345, 5, "1.2e-05"}, {-2.5, 5, "-2.5"}, {100, 5, "100"}, {12345, 5, "12345"}, {0.5, 12, "0.5"},
	} {
		if got := render.CqlshFloat(c.v, c.precision); got != c.want {
			t.Errorf("%v with precision %d: %q, cqlsh writes %q", c.v, c.precision, got, c.want)
		}
	}
	o := dialect(t, Option{"decimalsep", ","}, Option{"thousandssep", "."}, Option{"boolstyle", "yes, no"}, Option{"doubleprecision", "5"})
	f, p := NewFormatter(o), NewParser(o)
	for _, c := range []struct {
		typ  string
		v    any
		want string
	}{
		{"int", int64(1234567), "1.234.567"}, {"int", int64(-1234), "-1.234"}, {"decimal", dec("12345.678"), "12.345,678"},
		{"double", 1234.5, "1.234,5"}, {"boolean", true, "yes"}, {"boolean", false, "no"},
	} {
		ty := typ(t, c.typ)
		got := f.Field(ty, c.v).Text
		if got != c.want {
			t.Errorf("%s %v: %q, want %q", c.typ, c.v, got, c.want)
		}
		if back, err := p.Field(ty, got, false); err != nil || !reflect.DeepEqual(back, c.v) {
			t.Errorf("%s %q: read back %#v, %v; want %#v", c.typ, got, back, err, c.v)
		}
	}
}

func TestDateTimeFormat(t *testing.T) {
	o := dialect(t, Option{"datetimeformat", "%d/%m/%Y %H:%M"})
	ts := time.Date(2026, 11, 21, 13, 14, 0, 0, time.UTC)
	got := NewFormatter(o).Field(typ(t, "timestamp"), ts).Text
	if got != "21/11/2026 13:14" {
		t.Errorf("DATETIMEFORMAT: %q", got)
	}
	if back, err := NewParser(o).Field(typ(t, "timestamp"), got, false); err != nil || !back.(time.Time).Equal(ts) {
		t.Errorf("read back %v, %v", back, err)
	}
	if got := NewFormatter(dialect(t)).Field(typ(t, "timestamp"), time.UnixMilli(-62167219200001).UTC()).Text; got != "-62167219200001" {
		t.Errorf("a timestamp before year 1: %q, want milliseconds as cqlsh writes", got)
	}
}
