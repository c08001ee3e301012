package types

import (
	"cmp"
	"errors"
	"math"
	"math/big"
	"math/rand"
	"net"
	"strings"
	"testing"
	"time"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/parser"
)

func TestParseType(t *testing.T) {
	for in, want := range map[string]string{
		"int": "int", "varchar": "text", "frozen<map<text, frozen<list<int>>>>": "map<text, list<int>>",
		"tuple<int, text, boolean>": "tuple<int, text, boolean>", "set<timeuuid>": "set<timeuuid>",
		"vector<float, 3>": "vector<float, 3>", "address": "address",
	} {
		got, err := Parse(in)
		if err != nil || got.String() != want {
			t.Errorf("Parse(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"map<int>", "list<int", "", "frozen<int, int>"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func uuid(s string) UUIDValue {
	v, err := FromLiteral(Of(UUID), &parser.Literal{Kind: parser.LitUUID, Text: s})
	if err != nil {
		panic(err)
	}
	return v.(UUIDValue)
}

// TestCompareOrders lists values in Cassandra's ascending order for each type.
func TestCompareOrders(t *testing.T) {
	cases := []struct {
		t    Type
		vals []any
	}{
		{Of(Double), []any{Empty{}, math.Inf(-1), -1.5, math.Copysign(0, -1), 0.0, 2.0, math.Inf(1), math.NaN()}},
		{Of(BigInt), []any{Empty{}, int64(-3), 0.5, int64(1), big.NewInt(2), inf.NewDec(25, 1), int64(3)}},
		{Of(Text), []any{"", "Z", "a", "ab", "é", "日本"}},
		{Of(Blob), []any{[]byte{}, []byte{0x00}, []byte{0x7f}, []byte{0x80}, []byte{0xff, 0x00}}},
		{Of(Boolean), []any{Empty{}, false, true}},
		// inet compares its serialized bytes, unsigned: ::1 (0x00…) comes first.
		{Of(Inet), []any{net.ParseIP("::1"), net.ParseIP("10.0.0.1").To4(), net.ParseIP("192.168.0.1").To4()}},
		// An Empty value (zero bytes) comes before every other, as in Cassandra (min() returns it).
		{Of(UUID), []any{Empty{}, uuid("00000000-0000-0000-0000-000000000000")}},
		// timeuuids order by their embedded time, not their bytes.
		{Of(TimeUUID), []any{uuid("ffffffff-0000-1000-8000-000000000000"), uuid("00000000-0001-1000-8000-000000000000"),
			uuid("00000000-0000-1001-8000-000000000000")}},
		{Of(Timestamp), []any{Empty{}, time.UnixMilli(-1).UTC(), time.UnixMilli(0).UTC(), time.UnixMilli(5).UTC()}},
		{Type{Kind: List, Elems: []Type{Of(Int)}}, []any{[]any{}, []any{int64(1)}, []any{int64(1), int64(0)}, []any{int64(2)}}},
		{Type{Kind: Map, Elems: []Type{Of(Text), Of(Int)}}, []any{[]MapEntry{{"a", int64(9)}}, []MapEntry{{"b", int64(1)}}}},
	}
	for _, c := range cases {
		for i := range c.vals {
			for j := range c.vals {
				got := Compare(c.t, c.vals[i], c.vals[j])
				want := cmp.Compare(i, j)
				if sign(got) != int64(want) {
					t.Errorf("%s: Compare(%v, %v) = %d, want %d", c.t, c.vals[i], c.vals[j], got, want)
				}
				if (Key(c.vals[i]) == Key(c.vals[j])) != (i == j) {
					t.Errorf("%s: keys of %v and %v equal = %v", c.t, c.vals[i], c.vals[j], i != j)
				}
			}
		}
	}
}

func sign(n int) int64 {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// TestKeyAgreesWithCompare: equal keys exactly when Compare says equal, across number forms.
func TestKeyAgreesWithCompare(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	gen := func() any {
		n := int64(rng.Intn(7) - 3)
		switch rng.Intn(5) {
		case 0:
			return n
		case 1:
			return float64(n) / float64(1+rng.Intn(2))
		case 2:
			return big.NewInt(n)
		case 3:
			return inf.NewDec(n*10, 1)
		}
		return []float64{math.NaN(), math.Copysign(0, -1), math.Inf(1)}[rng.Intn(3)]
	}
	for i := 0; i < 5000; i++ {
		a, b := gen(), gen()
		if (Compare(Of(Double), a, b) == 0) != (Key(a) == Key(b)) {
			t.Fatalf("%v (%T) vs %v (%T): Compare %d but keys equal %v", a, a, b, b, Compare(Of(Double), a, b), Key(a) == Key(b))
		}
	}
	if Key(nil) == Key(int64(0)) || Key("") == Key(nil) {
		t.Fatal("NULL shares a key with a value")
	}
	if Key(Empty{}) == Key(nil) || Key(Empty{}) == Key(int64(0)) || Key(Empty{}) == Key("") {
		t.Fatal("Empty shares a key with NULL or a value")
	}
}

// TestKeyIntegersAsRationals: the integer fast paths of AppendKey encode a number as its big.Rat
// would, over the whole int64 range and past it, so an int, a varint, a decimal and a double of
// the same value still share one key.
func TestKeyIntegersAsRationals(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	ints := []int64{0, 1, -1, 9, 10, -10, 1 << 53, 1<<53 - 1, -(1 << 53), math.MaxInt64, math.MinInt64}
	for i := 0; i < 2000; i++ {
		ints = append(ints, rng.Int63()>>rng.Intn(63)*int64(1-2*rng.Intn(2)))
	}
	for _, n := range ints {
		want := string(appendNumber(nil, new(big.Rat).SetInt64(n)))
		if got := Key(n); got != want {
			t.Fatalf("int64 %d: key %q, want the rational's %q", n, got, want)
		}
		if got := Key(big.NewInt(n)); got != want {
			t.Fatalf("varint %d: key %q, want %q", n, got, want)
		}
		if got := Key(inf.NewDec(n, 0)); got != want {
			t.Fatalf("decimal %d: key %q, want %q", n, got, want)
		}
		if f := float64(n); float64(int64(f)) == f && f != 1<<63 {
			r, _ := new(big.Rat).SetString(big.NewFloat(f).Text('g', -1))
			if got, want := Key(f), string(appendNumber(nil, r)); got != want {
				t.Fatalf("double %v: key %q, want %q", f, got, want)
			}
		}
	}
	huge := new(big.Int).Lsh(big.NewInt(3), 70)
	if got, want := Key(huge), string(appendNumber(nil, new(big.Rat).SetInt(huge))); got != want {
		t.Fatalf("a varint beyond int64 keys %q, want %q", got, want)
	}
	if Key(2.5) == Key(int64(2)) || Key(2.5) != Key(inf.NewDec(25, 1)) {
		t.Fatal("a fraction shares a key with an integer, or not with its decimal")
	}
}

func TestFromLiteral(t *testing.T) {
	lit := func(k parser.LitKind, s string) *parser.Literal { return &parser.Literal{Kind: k, Text: s} }
	ok := []struct {
		t    Type
		l    *parser.Literal
		want any
	}{
		{Of(Int), lit(parser.LitInt, "-12"), int64(-12)},
		{Of(Double), lit(parser.LitInt, "3"), 3.0},
		{Of(Double), lit(parser.LitFloat, "-Infinity"), math.Inf(-1)},
		{Of(Text), lit(parser.LitString, "it's"), "it's"},
		{Of(Timestamp), lit(parser.LitString, "2026-01-02 03:04:05+0100"), time.Date(2026, 1, 2, 2, 4, 5, 0, time.UTC)},
		{Of(Timestamp), lit(parser.LitInt, "1000"), time.Unix(1, 0).UTC()},
		{Of(Date), lit(parser.LitString, "2026-02-03"), time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC)},
		{Of(Time), lit(parser.LitString, "08:30:00.5"), 8*time.Hour + 30*time.Minute + 500*time.Millisecond},
		{Of(Duration), lit(parser.LitDuration, "1h30m"), DurationValue{Nanos: int64(90 * time.Minute)}},
		{Of(Duration), lit(parser.LitDuration, "P1Y2DT3H"), DurationValue{Months: 12, Days: 2, Nanos: int64(3 * time.Hour)}},
		{Of(Duration), lit(parser.LitDuration, "P0001-02-03T04:05:06"), DurationValue{Months: 14, Days: 3, Nanos: int64(4*time.Hour + 5*time.Minute + 6*time.Second)}},
		{Of(Duration), lit(parser.LitDuration, "P2W"), DurationValue{Days: 14}},
		{Of(Boolean), lit(parser.LitBool, "true"), true},
	}
	for _, c := range ok {
		got, err := FromLiteral(c.t, c.l)
		if err != nil || Compare(c.t, got, c.want) != 0 {
			t.Errorf("FromLiteral(%s, %s) = %v, %v; want %v", c.t, c.l, got, err, c.want)
		}
	}
	bad := []struct {
		t Type
		l *parser.Literal
	}{
		{Of(Int), lit(parser.LitString, "abc")},
		{Of(Int), lit(parser.LitInt, "3000000000")},
		{Of(Text), lit(parser.LitInt, "1")},
		{Of(TimeUUID), lit(parser.LitUUID, "123e4567-e89b-42d3-a456-426614174000")},
		{Of(Timestamp), lit(parser.LitString, "yesterday")},
		{Of(Inet), lit(parser.LitString, "300.1.1.1")},
	}
	for _, c := range bad {
		if _, err := FromLiteral(c.t, c.l); !errors.Is(err, ErrType) {
			t.Errorf("FromLiteral(%s, %s) error = %v, want ErrType", c.t, c.l, err)
		}
	}
}

func TestNormalize(t *testing.T) {
	tuple, _ := Parse("tuple<int, text, double>")
	got, err := Normalize(tuple, []any{int(3), "x", float32(1.5)})
	if err != nil || Key(got) != Key([]any{int64(3), "x", 1.5}) {
		t.Errorf("tuple: %#v, %v", got, err)
	}
	set, _ := Parse("set<int>")
	got, _ = Normalize(set, []int{3, 1, 2})
	if Key(got) != Key([]any{int64(1), int64(2), int64(3)}) {
		t.Errorf("set not in order: %#v", got)
	}
	m, _ := Parse("map<text, smallint>")
	got, _ = Normalize(m, map[string]int16{"b": 2, "a": 1})
	if Key(got) != Key([]MapEntry{{"a", int64(1)}, {"b", int64(2)}}) {
		t.Errorf("map: %#v", got)
	}
	// A user type whose fields the schema string does not list keeps every field, by name.
	udt, _ := Parse("address")
	got, _ = Normalize(udt, map[string]any{"zip": int(75001), "city": "Paris"})
	if Key(got) != Key([]MapEntry{{"city", "Paris"}, {"zip", int64(75001)}}) {
		t.Errorf("udt: %#v", got)
	}
	for _, c := range []struct {
		t Type
		v any
	}{{set, nil}, {Of(Int), (*int)(nil)}, {set, []int(nil)}, {m, map[string]int16(nil)}} {
		if got, err := Normalize(c.t, c.v); got != nil || err != nil {
			t.Errorf("Normalize(%s, %#v) = %#v, %v; want NULL", c.t, c.v, got, err)
		}
	}
}

// TestUserTypes checks that a user type's fields come out in declaration order, nested user types
// resolve, quoted names keep their case, and values order field by field as Cassandra does.
func TestUserTypes(t *testing.T) {
	user := map[string]UserType{
		"address": {Fields: []string{"zip", "city", "geo"}, Types: []string{"int", "text", "frozen<point>"}},
		"point":   {Fields: []string{"lat", "lon"}, Types: []string{"double", "double"}},
		"Mixed":   {Fields: []string{"b", "a"}, Types: []string{"int", "int"}},
		"loop":    {Fields: []string{"me"}, Types: []string{"frozen<loop>"}},
		"bad":     {Fields: []string{"x", "y"}, Types: []string{"int"}},
	}
	addr, err := ParseWith("frozen<address>", user)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(addr.Field, ",") != "zip,city,geo" || addr.Elems[1].Kind != Text ||
		addr.Elems[2].Kind != UDT || strings.Join(addr.Elems[2].Field, ",") != "lat,lon" {
		t.Fatalf("address = %#v", addr)
	}
	got, err := Normalize(addr, map[string]any{"city": "Paris", "zip": int32(75001),
		"geo": map[string]any{"lon": 2.35, "lat": 48.85}})
	want := []any{int64(75001), "Paris", []any{48.85, 2.35}}
	if err != nil || Key(got) != Key(want) {
		t.Errorf("Normalize(address) = %#v, %v; want %#v", got, err, want)
	}
	// zip is the first field, so it decides before city does.
	a, _ := Normalize(addr, map[string]any{"zip": 1, "city": "Zürich"})
	b, _ := Normalize(addr, map[string]any{"zip": 2, "city": "Aachen"})
	if Compare(addr, a, b) >= 0 {
		t.Errorf("UDT order not by declaration: %v vs %v", a, b)
	}
	if m, err := ParseWith(`"Mixed"`, user); err != nil || strings.Join(m.Field, ",") != "b,a" {
		t.Errorf(`"Mixed" = %#v, %v`, m, err)
	}
	for _, bad := range []string{"loop", "bad"} {
		if _, err := ParseWith(bad, user); err == nil {
			t.Errorf("ParseWith(%q) accepted", bad)
		}
	}
}
