package ring

import (
	"encoding/binary"
	"testing"
)

// TestMurmur3Token checks tokens against the ones Cassandra 5.0 computed (SELECT token(…)) for
// int keys, and composite (text, int) keys of 0, 1 and 2 sixteen-byte blocks with bytes above 0x7f
// in the tail, where Java's signed bytes matter.
func TestMurmur3Token(t *testing.T) {
	intKey := func(v int32) []byte { return binary.BigEndian.AppendUint32(nil, uint32(v)) }
	composite := func(a string, b int32) []byte {
		var key []byte
		for _, part := range [][]byte{[]byte(a), intKey(b)} {
			key = append(key, byte(len(part)>>8), byte(len(part)))
			key = append(key, part...)
			key = append(key, 0)
		}
		return key
	}
	for _, c := range []struct {
		name string
		key  []byte
		want int64
	}{
		{"int 1", intKey(1), -4069959284402364209},
		{"int 2", intKey(2), -3248873570005575792},
		{"int 3", intKey(3), 9010454139840013625},
		{"int 4", intKey(4), -2729420104000364805},
		{"('', 0)", composite("", 0), -150644895381498316},
		{"(long unicode, -7)", composite("héllo wörld, a longer key over 16", -7), -5214980328294694197},
	} {
		if got := Murmur3Token(c.key); got != c.want {
			t.Errorf("%s: token %d, Cassandra's %d", c.name, got, c.want)
		}
	}
}
