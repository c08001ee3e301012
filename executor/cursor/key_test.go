package cursor

import (
	"bytes"
	"math"
	"math/big"
	"net"
	"testing"
	"time"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/planner/types"
)

// TestKeysDistinct: pairs of keys that a careless encoding would confuse encode differently.
func TestKeysDistinct(t *testing.T) {
	nan2 := math.Float64frombits(math.Float64bits(math.NaN()) ^ 1) // another NaN payload
	cases := []struct {
		name string
		a, b []any
	}{
		{"split text", []any{"ab", "c"}, []any{"a", "bc"}},
		{"split blobs", []any{[]byte("ab"), []byte("c")}, []any{[]byte("a"), []byte("bc")}},
		{"int and text", []any{int64(1)}, []any{"1"}},
		{"text and blob", []any{"a"}, []any{[]byte("a")}},
		{"NULL and empty text", []any{nil}, []any{""}},
		{"NULL and empty blob", []any{nil}, []any{[]byte{}}},
		{"NULL and Empty", []any{nil}, []any{types.Empty{}}},
		{"Empty and empty text", []any{types.Empty{}}, []any{""}},
		{"NULL and empty list", []any{nil}, []any{[]any{}}},
		{"empty list and empty map", []any{[]any{}}, []any{[]types.MapEntry{}}},
		{"NaN and a number", []any{math.NaN()}, []any{0.0}},
		{"NaN payloads", []any{math.NaN()}, []any{nan2}},
		{"zero and minus zero", []any{0.0}, []any{math.Copysign(0, -1)}},
		{"int and float", []any{int64(1)}, []any{1.0}},
		{"int and varint", []any{int64(1)}, []any{big.NewInt(1)}},
		{"varint signs", []any{big.NewInt(5)}, []any{big.NewInt(-5)}},
		{"decimal scales", []any{inf.NewDec(10, 1)}, []any{inf.NewDec(100, 2)}},
		{"decimal and varint", []any{inf.NewDec(1, 0)}, []any{big.NewInt(1)}},
		{"true and 1", []any{true}, []any{int64(1)}},
		{"fewer columns", []any{"a"}, []any{"a", nil}},
		{"nested split", []any{[]any{"a", "b"}, "c"}, []any{[]any{"a"}, "b", "c"}},
		{"list nesting", []any{[]any{[]any{"a"}}}, []any{[]any{"a"}}},
		{"map and list of pairs", []any{[]types.MapEntry{{Key: "k", Value: "v"}}}, []any{[]any{"k", "v"}}},
		{"map entry order", []any{[]types.MapEntry{{Key: "a", Value: int64(1)}, {Key: "b", Value: int64(2)}}}, []any{[]types.MapEntry{{Key: "b", Value: int64(2)}, {Key: "a", Value: int64(1)}}}},
		{"map key and value swapped", []any{[]types.MapEntry{{Key: "a", Value: "b"}}}, []any{[]types.MapEntry{{Key: "b", Value: "a"}}}},
		{"timestamp nanoseconds", []any{time.Unix(5, 1)}, []any{time.Unix(5, 0)}},
		{"timestamp and time of day", []any{time.Unix(0, 5)}, []any{time.Duration(5)}},
		{"uuid and blob", []any{types.UUIDValue{1}}, []any{append([]byte{1}, make([]byte, 15)...)}},
		{"durations", []any{types.DurationValue{Months: 1}}, []any{types.DurationValue{Days: 1}}},
		{"inet and blob", []any{net.IP{10, 0, 0, 1}}, []any{[]byte{10, 0, 0, 1}}},
		{"inet forms", []any{net.IP{10, 0, 0, 1}}, []any{net.IP{10, 0, 0, 1}.To16()}},
		{"user type fields", []any{map[string]any{"a": int64(1)}}, []any{map[string]any{"b": int64(1)}}},
		{"negative and large", []any{int64(-1)}, []any{uint64(math.MaxUint64)}},
	}
	for _, c := range cases {
		a, errA := encodeKey(c.a)
		b, errB := encodeKey(c.b)
		if errA != nil || errB != nil {
			t.Errorf("%s: %v, %v", c.name, errA, errB)
			continue
		}
		if bytes.Equal(a, b) {
			t.Errorf("%s: %v and %v encode alike: %x", c.name, c.a, c.b, a)
		}
		ka, _ := KeyOf(c.a)
		kb, _ := KeyOf(c.b)
		if ka == kb || !isKey(ka) {
			t.Errorf("%s: identities %s and %s", c.name, ka, kb)
		}
	}
}

// TestKeysSame: equal keys encode alike, whatever Go form the executor happens to give them.
func TestKeysSame(t *testing.T) {
	type myString string
	cases := []struct {
		name string
		a, b []any
	}{
		{"NaN is itself", []any{math.NaN()}, []any{math.NaN()}},
		{"integer widths", []any{int32(7), 7}, []any{int64(7), int64(7)}},
		{"float widths", []any{float32(0.5)}, []any{0.5}},
		{"time zones", []any{time.Date(2026, 1, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600))}, []any{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"user type by name, in any order", []any{map[string]any{"a": int64(1), "b": "x", "c": nil}}, []any{map[string]any{"c": nil, "b": "x", "a": int64(1)}}},
		{"named string type", []any{myString("a")}, []any{"a"}},
		{"typed slice", []any{[]int64{1, 2}}, []any{[]any{int64(1), int64(2)}}},
		{"pointer", []any{new(int64)}, []any{int64(0)}},
		{"equal big numbers", []any{big.NewInt(1 << 40), inf.NewDec(15, 1)}, []any{new(big.Int).Lsh(big.NewInt(1), 40), inf.NewDec(15, 1)}},
	}
	for _, c := range cases {
		a, errA := encodeKey(c.a)
		b, errB := encodeKey(c.b)
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: %x (%v) and %x (%v) differ", c.name, a, errA, b, errB)
		}
	}
}

// TestKeysRefused: values no CQL type decodes to are errors, not panics or guesses.
func TestKeysRefused(t *testing.T) {
	loop := []any{nil}
	loop[0] = loop
	type hidden struct{ x int }
	for name, v := range map[string]any{
		"channel":             make(chan int),
		"function":            func() {},
		"a value in itself":   loop,
		"an unexported field": hidden{1},
	} {
		if _, err := KeyOf([]any{"a", v}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestKeyStable pins one identity, so that a change of encoding (which would make every cursor
// file re-deliver its overlap) cannot pass unnoticed.
func TestKeyStable(t *testing.T) {
	key, err := KeyOf([]any{"esb12", int64(8), time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	const want = "d2cf62062dc47b5972881a2ffa8dd3bc"
	if key != want {
		t.Errorf("identity %s, want %s: the encoding changed; bump the cursor file version", key, want)
	}
}

// FuzzKeyOf: no text or blob key panics, and a key's identity depends only on its value.
func FuzzKeyOf(f *testing.F) {
	f.Add("ab", []byte("c"), int64(1), 0.5)
	f.Fuzz(func(t *testing.T, s string, b []byte, n int64, x float64) {
		key := []any{s, b, n, x, []any{s, []types.MapEntry{{Key: b, Value: n}}}}
		k1, err1 := KeyOf(key)
		k2, err2 := KeyOf(key)
		if err1 != nil || err2 != nil || k1 != k2 {
			t.Fatalf("%v: %s (%v), %s (%v)", key, k1, err1, k2, err2)
		}
	})
}
