package render

import (
	"bytes"
	"flag"
	"math"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/types"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func mustType(t *testing.T, s string) types.Type {
	t.Helper()
	ty, err := types.ParseWith(s, map[string]types.UserType{
		"addr": {Fields: []string{"zip", "City name"}, Types: []string{"int", "text"}}})
	if err != nil {
		t.Fatal(err)
	}
	return ty
}

// everyType is one column of each CQL type, with two rows of values (edge cases: unicode, empty
// strings, quotes, control characters, huge varints, nested collections) and a row of NULLs.
func everyType(t *testing.T) *Result {
	huge, _ := new(big.Int).SetString("-123456789012345678901234567890123456789012345678901234567890", 10)
	dec, _ := new(inf.Dec).SetString("1234567890.0987654321")
	cols := []struct {
		name, typ string
		a, b      any
	}{
		{"ascii", "ascii", "plain", ""},
		{"text", "text", "héllo wörld 日本語 'quoted' <&>", "line1\nline2\ttab"},
		{"tinyint", "tinyint", int64(-128), int64(127)},
		{"smallint", "smallint", int64(-32768), int64(0)},
		{"int", "int", int64(2147483647), int64(-1)},
		{"bigint", "bigint", int64(math.MinInt64), int64(42)},
		{"counter", "counter", int64(7), int64(0)},
		{"varint", "varint", huge, big.NewInt(0)},
		{"decimal", "decimal", dec, inf.NewDec(150, 2)},
		{"float", "float", float64(float32(0.1)), math.Inf(-1)},
		{"double", "double", 3.141592653589793, math.NaN()},
		{"boolean", "boolean", true, false},
		{"blob", "blob", []byte{0xde, 0xad, 0xbe, 0xef}, []byte{}},
		{"uuid", "uuid", types.UUIDValue{0x55, 0x0e, 0x84, 0x00, 0xe2, 0x9b, 0x41, 0xd4, 0xa7, 0x16, 0x44, 0x66, 0x55, 0x44, 0x00, 0x00}, types.UUIDValue{}},
		{"timeuuid", "timeuuid", types.UUIDValue{0xd2, 0x17, 0x7d, 0xd0, 0xea, 0xa2, 0x11, 0xde, 0xa5, 0x72, 0x00, 0x1b, 0x77, 0x9c, 0x76, 0xe3}, nil},
		{"timestamp", "timestamp", time.Date(2026, 11, 21, 13, 14, 15, 123000000, time.UTC), time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC)},
		{"date", "date", time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"time", "time", 13*time.Hour + 14*time.Minute + 15*time.Second + 123456789, time.Duration(0)},
		{"duration", "duration", types.DurationValue{Months: 14, Days: 3, Nanos: int64(4*time.Hour + 5*time.Millisecond)}, types.DurationValue{Days: -2}},
		{"inet", "inet", net.IP{10, 0, 0, 1}, net.ParseIP("2001:db8::1")},
		{"list", "list<text>", []any{"a", "it's", ""}, []any{}},
		{"set", "set<int>", []any{int64(1), int64(2), int64(3)}, []any{}},
		{"map", "map<text, frozen<list<int>>>", []types.MapEntry{{Key: "k", Value: []any{int64(1), nil}}, {Key: "ü", Value: []any{}}}, []types.MapEntry{}},
		{"tuple", "tuple<int, text, blob>", []any{int64(1), "x", nil}, []any{nil, nil, nil}},
		{"udt", "frozen<addr>", []any{int64(75001), "Paris"}, []any{nil, "Zürich"}},
		{"vector", "vector<float, 3>", []any{0.5, -1.0, float64(float32(0.1))}, []any{0.0, 0.0, 0.0}},
		{"nested", "map<int, frozen<set<frozen<tuple<text, date>>>>>", []types.MapEntry{{Key: int64(1), Value: []any{[]any{"a", time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)}}}}, nil},
	}
	r := &Result{}
	rows := []executor.Row{{}, {}, {}}
	for _, c := range cols {
		r.Columns = append(r.Columns, planner.OutputColumn{Name: c.name, Type: mustType(t, c.typ)})
		rows[0] = append(rows[0], c.a)
		rows[1] = append(rows[1], c.b)
		rows[2] = append(rows[2], nil)
	}
	r.Rows = rows
	return r
}

func TestGolden(t *testing.T) {
	r := everyType(t)
	cases := []struct {
		file string
		opt  Options
		res  *Result
	}{
		{"every_type.table", Options{Format: Table}, r},
		{"every_type.expanded", Options{Format: Table, Expanded: true}, r},
		{"every_type.csv", Options{Format: CSV}, r},
		{"every_type.json", Options{Format: JSON}, r},
		{"every_type.jsonl", Options{Format: JSONL}, r},
		{"empty.table", Options{Format: Table}, &Result{Columns: r.Columns[:3]}},
		{"empty.json", Options{Format: JSON}, &Result{Columns: r.Columns[:3]}},
		{"page2.expanded", Options{Format: Table, Expanded: true, FirstRow: 10, NoFooter: true}, &Result{Columns: r.Columns[:2], Rows: []executor.Row{{"x", "y"}}}},
		{"page2.csv", Options{Format: CSV, FirstRow: 10}, &Result{Columns: r.Columns[:2], Rows: []executor.Row{{"x", nil}}}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, c.res, c.opt); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", c.file)
			if *update {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./repl/render -update to create it)", err)
			}
			if b.String() != string(want) {
				t.Errorf("%s differs from %s:\n%s", c.file, path, b.String())
			}
		})
	}
}

func TestText(t *testing.T) {
	cases := []struct {
		typ  string
		v    any
		want string
	}{
		{"float", float64(float32(3.3)), "3.3"},
		{"double", 1e21, "1e+21"},
		{"double", math.Copysign(0, -1), "-0"},
		{"duration", types.DurationValue{}, "0s"},
		{"duration", types.DurationValue{Months: 12, Nanos: 1}, "1y1ns"},
		{"time", 23*time.Hour + 59*time.Minute + 59*time.Second + 999999999, "23:59:59.999999999"},
		{"list<text>", []any{"a'b"}, "['a''b']"},
		{"int", types.Empty{}, ""}, // zero bytes: an empty cell, as cqlsh shows it
		{"uuid", types.Empty{}, ""},
		{"text", "a'b", "a'b"},
		{"frozen<addr>", []any{nil, nil}, `{zip: null, "City name": null}`},
		{"timestamp", time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600)), "2026-01-02 02:04:05.000000+0000"},
		// Decimals as Cassandra and cqlsh print them: exponent form for a negative scale or more
		// than six zeros after the point.
		{"decimal", inf.NewDec(1, -10), "1E+10"},
		{"decimal", inf.NewDec(-1, 21), "-1E-21"},
		{"decimal", inf.NewDec(-15, 22), "-1.5E-21"},
		{"decimal", inf.NewDec(1, 6), "0.000001"},
		{"decimal", inf.NewDec(1, 7), "1E-7"},
		{"decimal", inf.NewDec(0, 2), "0.00"},
		{"decimal", inf.NewDec(0, -3), "0E+3"},
		{"decimal", inf.NewDec(-15, 3), "-0.015"},
		{"decimal", inf.NewDec(12345, 0), "12345"},
		{"decimal", inf.NewDec(12345, -2), "1.2345E+6"},
		// Inside collections cqlsh quotes timestamps and addresses, not dates and times of day.
		{"list<date>", []any{time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)}, "[2020-01-02]"},
		{"set<time>", []any{time.Hour}, "{01:00:00.000000000}"},
		{"tuple<timestamp, inet, uuid>", []any{time.Unix(0, 0), net.IP{10, 0, 0, 1}, types.UUIDValue{}},
			"('1970-01-01 00:00:00.000000+0000', '10.0.0.1', 00000000-0000-0000-0000-000000000000)"},
		// NULL inside a tuple is null (cqlsh prints Python's None), a zero duration 0s (cqlsh prints nothing).
		{"tuple<int, text>", []any{nil, nil}, "(null, null)"},
		{"map<text, duration>", []types.MapEntry{{Key: "z", Value: types.DurationValue{}}}, "{'z': 0s}"},
	}
	for _, c := range cases {
		if got := Text(mustType(t, c.typ), c.v); got != c.want {
			t.Errorf("Text(%s, %#v) = %q, want %q", c.typ, c.v, got, c.want)
		}
	}
	for in, want := range map[string]string{
		"a\x00b\x7f\u0085": `a\x00b\x7f\x85`,
		"no\u00a0break":    `no\xa0break`,
		`back\slash`:       `back\\slash`,
		"a\\nb\n":          `a\\nb\n`, // a backslash and n, then a newline
		"ÿ 日本":             "ÿ 日本",
	} {
		if got := escapeControls(in); got != want {
			t.Errorf("escapeControls(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"table", "CSV", "json", "JsonL"} {
		if _, err := ParseFormat(s); err != nil {
			t.Errorf("ParseFormat(%q): %v", s, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("ParseFormat accepted xml")
	}
}

// TestJSONMapKeys: a map key that is not text is its JSON value written as a string, as Cassandra's
// SELECT JSON writes it.
func TestJSONMapKeys(t *testing.T) {
	cases := []struct {
		typ  string
		key  any
		want string
	}{
		{"map<text, int>", "k", `{"k": 1}`},
		{"map<double, int>", -2.5, `{"-2.5": 1}`},
		{"map<boolean, int>", true, `{"true": 1}`},
		{"map<timestamp, int>", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), `{"2026-01-01T00:00:00.000Z": 1}`},
		{"map<date, int>", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), `{"2026-01-01": 1}`},
		{"map<frozen<tuple<int, text>>, int>", []any{int64(1), "a"}, `{"[1, \"a\"]": 1}`},
	}
	for _, c := range cases {
		var b bytes.Buffer
		jsonValue(&b, mustType(t, c.typ), []types.MapEntry{{Key: c.key, Value: int64(1)}})
		if b.String() != c.want {
			t.Errorf("%s: %s, want %s", c.typ, b.String(), c.want)
		}
	}
}

// TestColor: with colour on, every value and name is wrapped in cqlsh's colour for its type, and
// taking the colours out leaves exactly the plain table (so the columns still line up).
func TestColor(t *testing.T) {
	r := everyType(t)
	for _, expanded := range []bool{false, true} {
		var plain, colored bytes.Buffer
		if err := Write(&plain, r, Options{Format: Table, Expanded: expanded}); err != nil {
			t.Fatal(err)
		}
		if err := Write(&colored, r, Options{Format: Table, Expanded: expanded, Display: Display{Color: true}}); err != nil {
			t.Fatal(err)
		}
		if got := TrimLines(stripColor(colored.String())); got != plain.String() {
			t.Errorf("expanded %v: without its colours the table differs:\n%s\nwant\n%s", expanded, got, plain.String())
		}
		for _, want := range []string{
			colorName + "ascii" + colorReset,
			colorText + "plain" + colorReset,
			colorValue + "2147483647" + colorReset,
			colorBlob + "0xdeadbeef" + colorReset,
			colorNull + "null" + colorReset,
			colorCollection + "[" + colorReset + colorText + "'a'" + colorReset,
		} {
			if !strings.Contains(colored.String(), want) {
				t.Errorf("expanded %v: no %q in the coloured table", expanded, want)
			}
		}
	}
	var csv bytes.Buffer
	if err := Write(&csv, r, Options{Format: CSV, Display: Display{Color: true}}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(csv.String(), "\x1b[") {
		t.Error("CSV output is coloured")
	}
}
