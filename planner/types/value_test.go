package types

import (
	"fmt"
	"testing"
	"time"
)

// TestNormalizeDecoded: the forms the cluster package's decoder gives come out canonical, NULL kept
// at every depth.
func TestNormalizeDecoded(t *testing.T) {
	pt := Type{Kind: UDT, Name: "pt", Field: []string{"x", "y"}, Elems: []Type{Of(Int), Of(Text)}}
	cases := []struct {
		t    Type
		v    any
		want string
	}{
		// Maps arrive as entries in any order and leave sorted by key, values normalized.
		{Type{Kind: Map, Elems: []Type{Of(Int), pt}},
			[]MapEntry{{int64(2), map[string]any{"x": int64(1), "y": nil}}, {int64(-1), nil}},
			"[{-1 <nil>} {2 [1 <nil>]}]"},
		// Sets of tuples with NULL elements sort with NULL first.
		{Type{Kind: Set, Elems: []Type{{Kind: Tuple, Elems: []Type{Of(Int), Of(Text)}}}},
			[]any{[]any{int64(1), nil}, []any{nil, "a"}},
			"[[<nil> a] [1 <nil>]]"},
		// A user type whose fields the schema does not name is kept by field name, nested ones too.
		{Type{Kind: UDT, Name: "outer"}, map[string]any{"b": map[string]any{"y": nil}, "a": []any{int64(1)}},
			"[{a [1]} {b [{y <nil>}]}]"},
		{Type{Kind: List, Elems: []Type{pt}}, []any{map[string]any{"x": nil}}, "[[<nil> <nil>]]"},
		{Type{Kind: Vector, Elems: []Type{Of(Float)}, Name: "2"}, []any{float32(1.5), float64(2)}, "[1.5 2]"},
		{Of(Duration), DurationValue{Months: 1}, "1mo"}, // kept as a DurationValue, printed by its String
		{Of(Timestamp), time.Unix(0, 0).In(time.FixedZone("x", 3600)), "1970-01-01 00:00:00 +0000 UTC"},
	}
	for _, c := range cases {
		got, err := Normalize(c.t, c.v)
		if err != nil {
			t.Errorf("Normalize(%s, %v): %v", c.t, c.v, err)
			continue
		}
		if s := fmt.Sprint(got); s != c.want {
			t.Errorf("Normalize(%s, %v) = %s, want %s", c.t, c.v, s, c.want)
		}
	}
}
