package ring

import (
	"encoding/binary"
	"math"
	"math/big"
	"math/bits"
	"sort"
)

// Murmur3Token is the Murmur3Partitioner token of a serialized partition key (one column's bytes,
// or a CompositeType of several): the first half of
// Cassandra's MurmurHash3 x64_128 with seed 0 (whose tail bytes are sign-extended, unlike the
// reference implementation's), with Long.MIN_VALUE, which no row may have, moved to Long.MAX_VALUE.
func Murmur3Token(key []byte) int64 {
	const c1, c2 = 0x87c37b91114253d5, 0x4cf5ad432745937f
	var h1, h2 uint64
	n := len(key)
	for i := 0; i+16 <= n; i += 16 {
		k1 := binary.LittleEndian.Uint64(key[i:])
		k2 := binary.LittleEndian.Uint64(key[i+8:])
		h1 ^= bits.RotateLeft64(k1*c1, 31) * c2
		h1 = (bits.RotateLeft64(h1, 27)+h2)*5 + 0x52dce729
		h2 ^= bits.RotateLeft64(k2*c2, 33) * c1
		h2 = (bits.RotateLeft64(h2, 31)+h1)*5 + 0x38495ab5
	}
	tail := key[n&^15:]
	signed := func(i int) uint64 { return uint64(int64(int8(tail[i]))) }
	var k1, k2 uint64
	for i := len(tail) - 1; i >= 8; i-- {
		k2 ^= signed(i) << (8 * (i - 8))
	}
	if len(tail) > 8 {
		h2 ^= bits.RotateLeft64(k2*c2, 33) * c1
	}
	for i := min(len(tail), 8) - 1; i >= 0; i-- {
		k1 ^= signed(i) << (8 * i)
	}
	if len(tail) > 0 {
		h1 ^= bits.RotateLeft64(k1*c1, 31) * c2
	}
	h1 ^= uint64(n)
	h2 ^= uint64(n)
	h1 += h2
	h2 += h1
	h1, h2 = fmix64(h1), fmix64(h2)
	h1 += h2
	if t := int64(h1); t != math.MinInt64 {
		return t
	}
	return math.MaxInt64
}

func fmix64(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	return k ^ k>>33
}

// ReplicasOf returns the replicas of the range of ranges (in token order, covering the ring) that
// holds token; nil when none does.
func ReplicasOf(ranges []Range, token int64) []string {
	t := big.NewInt(token)
	i := sort.Search(len(ranges), func(i int) bool { return ranges[i].End.Cmp(t) >= 0 })
	if i < len(ranges) && ranges[i].Start.Cmp(t) < 0 {
		return ranges[i].Replicas
	}
	return nil
}
