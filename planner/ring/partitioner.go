// Package ring models a Cassandra token ring: partitioners and their token spaces, the hosts that own
// tokens, the replica sets of each token range under a keyspace's replication, and the splitting of
// ranges into sub-ranges for parallel scans. It does no I/O.
package ring

import (
	"fmt"
	"math/big"
	"strings"
)

// Partitioner describes a partitioner's token space. Ranges are half-open (Start, End]; the ring's
// full range is (Min, Max], and Min is never the token of a row.
type Partitioner struct {
	// Name is the short class name, e.g. "Murmur3Partitioner".
	Name string
	// Min and Max bound the token space.
	Min, Max *big.Int
	// bigTokens is true when token() values are varints (RandomPartitioner) rather than bigints.
	bigTokens bool
}

// Murmur3 is Cassandra's default partitioner: tokens are signed 64-bit integers.
var Murmur3 = &Partitioner{
	Name: "Murmur3Partitioner",
	Min:  big.NewInt(-1 << 63),
	Max:  big.NewInt(1<<63 - 1),
}

// Random is the legacy RandomPartitioner: tokens are integers in [0, 2^127], its minimum token -1.
var Random = &Partitioner{
	Name:      "RandomPartitioner",
	Min:       big.NewInt(-1),
	Max:       new(big.Int).Lsh(big.NewInt(1), 127),
	bigTokens: true,
}

// ErrUnsupportedPartitioner is returned for partitioners whose token order is not numeric.
var ErrUnsupportedPartitioner = fmt.Errorf("unsupported partitioner")

// PartitionerByName finds a partitioner from its class name as system.local reports it
// ("org.apache.cassandra.dht.Murmur3Partitioner") or its short name.
func PartitionerByName(class string) (*Partitioner, error) {
	short := class[strings.LastIndex(class, ".")+1:]
	switch short {
	case Murmur3.Name:
		return Murmur3, nil
	case Random.Name:
		return Random, nil
	}
	return nil, fmt.Errorf("%w %q: cqlscan scans only Murmur3Partitioner and RandomPartitioner clusters "+
		"(ordered partitioners have no numeric token ring to split)", ErrUnsupportedPartitioner, class)
}

// ParseToken parses a token as system tables print it and checks it lies in the token space.
func (p *Partitioner) ParseToken(s string) (*big.Int, error) {
	t, ok := new(big.Int).SetString(strings.TrimSpace(s), 10)
	if !ok {
		return nil, fmt.Errorf("%s: token %q is not an integer", p.Name, s)
	}
	if t.Cmp(p.Min) < 0 || t.Cmp(p.Max) > 0 {
		return nil, fmt.Errorf("%s: token %s is outside [%s, %s]", p.Name, s, p.Min, p.Max)
	}
	return t, nil
}

// BindValue converts a token to the Go value a driver binds to token(): int64 for Murmur3, a
// *big.Int (varint) for RandomPartitioner.
func (p *Partitioner) BindValue(t *big.Int) any {
	if p.bigTokens {
		return new(big.Int).Set(t)
	}
	return t.Int64()
}

// Size returns the number of tokens in the full ring, Max - Min.
func (p *Partitioner) Size() *big.Int { return new(big.Int).Sub(p.Max, p.Min) }
