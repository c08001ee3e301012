package planner

import (
	"math/big"
	"slices"
	"testing"

	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/types"
)

// TestKeyToken: tokens of int and text keys as Cassandra 5.0.9 computed them (token(k) via cqlsh),
// for keys whose serialized form ends in every kind of tail (none, under 8 bytes, over 8, bytes
// above 0x7f, which Cassandra's hash sign-extends). Composite keys of every scalar type are checked
// against Cassandra in executor/cluster's TestBoundValuesOnCassandra.
func TestKeyToken(t *testing.T) {
	cases := []struct {
		v    any
		typ  types.Kind
		want int64
	}{
		{int64(1), types.Int, -4069959284402364209},
		{int64(3), types.Int, 9010454139840013625},
		{int64(7), types.Int, 1634052884888577606},
		{int64(20), types.Int, 1388667306199997068},
		{int64(30), types.Int, -4944298994521308347},
		{"a", types.Text, -8839064797231613815},
		{"abcdefghi", types.Text, 380484692874131812},
		{"abcdefghijklmnop", types.Text, -4266531025627334877},
		{"abcdefghijklmnopqé", types.Text, 3146887524549300245},
		{"éééééééé", types.Text, 3176951534295895533},
	}
	for _, c := range cases {
		got, ok := KeyToken(PartitionKey{{Value: c.v, T: types.Of(c.typ)}})
		if !ok || got != c.want {
			t.Errorf("token(%v) = %d, %v; want %d", c.v, got, ok, c.want)
		}
	}
	if _, ok := KeyToken(PartitionKey{{Value: []any{int64(1)}, T: types.Type{Kind: types.List, Elems: []types.Type{types.Of(types.Int)}}}}); ok {
		t.Error("a frozen list key has a token; its serialization is not written here")
	}
}

// TestVarintBytes: varints in as few two's-complement bytes as hold their sign.
func TestVarintBytes(t *testing.T) {
	for v, want := range map[int64][]byte{0: {0}, 1: {1}, 127: {0x7f}, 128: {0, 0x80}, -1: {0xff}, -128: {0x80},
		-129: {0xff, 0x7f}, 256: {1, 0}, -256: {0xff, 0}} {
		if got := varintBytes(big.NewInt(v)); !slices.Equal(got, want) {
			t.Errorf("varint %d = % x, want % x", v, got, want)
		}
	}
}

// TestKeyReplicas: a partition is read from the replicas of the range holding its token.
func TestKeyReplicas(t *testing.T) {
	ranges := []ring.Range{
		{Start: ring.Murmur3.Min, End: big.NewInt(0), Replicas: []string{"a"}},
		{Start: big.NewInt(0), End: ring.Murmur3.Max, Replicas: []string{"b"}},
	}
	key := func(v int64) PartitionKey { return PartitionKey{&expr.Const{Value: v, T: types.Of(types.Int)}} }
	got := keyReplicas([]PartitionKey{key(1), key(3)}, ring.Murmur3, ranges) // tokens < 0 and > 0
	if len(got) != 2 || !slices.Equal(got[0], []string{"a"}) || !slices.Equal(got[1], []string{"b"}) {
		t.Errorf("replicas %v, want [[a] [b]]", got)
	}
	if got := keyReplicas([]PartitionKey{key(1)}, ring.Random, ranges); got != nil {
		t.Errorf("RandomPartitioner keys routed to %v", got)
	}
}
