package planner

import (
	"encoding/binary"
	"math"
	"math/big"
	"net"
	"time"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/types"
)

// Partition reads are routed as range reads are: to a replica of the partition, found from its
// token. Cassandra's Murmur3Partitioner hashes the partition key as it is serialized (each value as
// the native protocol sends it; several columns as a CompositeType), so the planner can compute the
// token of a key whose values are all of scalar types. For other keys, and other partitioners, the
// driver picks a coordinator.

// KeyToken returns the Murmur3Partitioner token of a partition key; false if a value of the key is
// not of a scalar type (see serializeValue).
func KeyToken(key PartitionKey) (int64, bool) {
	b, ok := serializeKey(key)
	if !ok {
		return 0, false
	}
	return ring.Murmur3Token(b), true
}

// serializeKey returns a partition key as Cassandra hashes it: one column's value alone; several as
// a CompositeType (each value's length in two bytes, the value, a zero byte). false if a value is of
// a type serializeValue does not write.
func serializeKey(key PartitionKey) ([]byte, bool) {
	if len(key) == 1 {
		return serializeValue(key[0].T, key[0].Value)
	}
	var out []byte
	for _, k := range key {
		b, ok := serializeValue(k.T, k.Value)
		if !ok || len(b) > math.MaxUint16 {
			return nil, false
		}
		out = binary.BigEndian.AppendUint16(out, uint16(len(b)))
		out = append(append(out, b...), 0)
	}
	return out, true
}

// serializeValue returns a scalar value (in the canonical form of package types) as the native
// protocol sends it; false for the types it does not write (collections, tuples, user types,
// vectors, durations, Empty).
func serializeValue(t types.Type, v any) ([]byte, bool) {
	be := binary.BigEndian
	switch x := v.(type) {
	case string:
		return []byte(x), t.IsText()
	case int64:
		switch t.Kind {
		case types.TinyInt:
			return []byte{byte(x)}, true
		case types.SmallInt:
			return be.AppendUint16(nil, uint16(x)), true
		case types.Int:
			return be.AppendUint32(nil, uint32(x)), true
		case types.BigInt:
			return be.AppendUint64(nil, uint64(x)), true
		}
	case *big.Int:
		return varintBytes(x), t.Kind == types.Varint
	case *inf.Dec:
		return append(be.AppendUint32(nil, uint32(x.Scale())), varintBytes(x.UnscaledBig())...), t.Kind == types.Decimal
	case float64:
		switch t.Kind {
		case types.Float:
			return be.AppendUint32(nil, math.Float32bits(float32(x))), true
		case types.Double:
			return be.AppendUint64(nil, math.Float64bits(x)), true
		}
	case bool:
		if t.Kind == types.Boolean {
			return []byte{map[bool]byte{false: 0, true: 1}[x]}, true
		}
	case []byte:
		return x, t.Kind == types.Blob
	case types.UUIDValue:
		return x[:], t.Kind == types.UUID || t.Kind == types.TimeUUID
	case time.Time:
		switch t.Kind {
		case types.Timestamp:
			return be.AppendUint64(nil, uint64(x.UnixMilli())), true
		case types.Date:
			days := x.Unix() / 86400
			if x.Unix()%86400 < 0 {
				days--
			}
			return be.AppendUint32(nil, uint32(days+1<<31)), true
		}
	case time.Duration:
		return be.AppendUint64(nil, uint64(x)), t.Kind == types.Time
	case net.IP:
		if v4 := x.To4(); v4 != nil {
			return v4, t.Kind == types.Inet
		}
		return x.To16(), t.Kind == types.Inet
	}
	return nil, false
}

// varintBytes is x in two's complement, big-endian, in as few bytes as hold its sign.
func varintBytes(x *big.Int) []byte {
	if x.Sign() >= 0 {
		b := x.Bytes()
		if len(b) == 0 || b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	// -x - 1 has the complement's bits of x, inverted.
	m := new(big.Int).Not(x).Bytes()
	b := make([]byte, len(m)+1)
	for i := range b {
		b[i] = 0xff
	}
	for i, c := range m {
		b[i+1] = ^c
	}
	for len(b) > 1 && b[0] == 0xff && b[1]&0x80 != 0 {
		b = b[1:]
	}
	return b
}

// keyReplicas returns the replicas of each key's partition, from ranges (the ring's ranges, in
// token order, covering it); nil when the partitioner is not Murmur3. A key whose token cannot be
// computed gets none: the driver picks its coordinator.
func keyReplicas(keys []PartitionKey, p *ring.Partitioner, ranges []ring.Range) [][]string {
	if p != ring.Murmur3 || len(ranges) == 0 {
		return nil
	}
	out := make([][]string, len(keys))
	for i, k := range keys {
		tok, ok := KeyToken(k)
		if !ok {
			continue
		}
		out[i] = ring.ReplicasOf(ranges, tok)
	}
	return out
}
