package types

import (
	"encoding/binary"
	"math"
	"math/big"
	"net"
	"strconv"
	"time"

	"gopkg.in/inf.v0"
)

// AppendKey appends an encoding of v to b such that two values have the same encoding exactly when
// Compare says they are equal (NaNs are one value; -0.0 and 0.0 are two; 1 and 1.0 are one). GROUP BY,
// DISTINCT and COUNT(DISTINCT) use it as a hash key; NULL has an encoding of its own.
func AppendKey(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, 0)
	case bool:
		if x {
			return append(b, 1, 1)
		}
		return append(b, 1, 0)
	case int64:
		return appendInteger(b, x)
	case *big.Int:
		if x.IsInt64() {
			return appendInteger(b, x.Int64())
		}
		return appendNumber(b, new(big.Rat).SetInt(x))
	case *inf.Dec:
		r, _ := new(big.Rat).SetString(x.String())
		return appendNumber(b, r)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) || (x == 0 && math.Signbit(x)) {
			b = append(b, 3)
			return binary.BigEndian.AppendUint64(b, math.Float64bits(canonNaN(x)))
		}
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return appendInteger(b, int64(x)) // an integral double: the integer's encoding, cheaply
		}
		r, _ := new(big.Rat).SetString(big.NewFloat(x).Text('g', -1))
		return appendNumber(b, r)
	case string:
		b = binary.BigEndian.AppendUint32(append(b, 4), uint32(len(x)))
		return append(b, x...) // as appendBytes, without copying x to a []byte first
	case []byte:
		return appendBytes(append(b, 5), x)
	case net.IP:
		return appendBytes(append(b, 6), x)
	case time.Time:
		return binary.BigEndian.AppendUint64(append(b, 7), uint64(x.UnixNano()))
	case time.Duration:
		return binary.BigEndian.AppendUint64(append(b, 8), uint64(x))
	case UUIDValue:
		return append(append(b, 9), x[:]...)
	case DurationValue:
		b = binary.BigEndian.AppendUint32(append(b, 10), uint32(x.Months))
		b = binary.BigEndian.AppendUint32(b, uint32(x.Days))
		return binary.BigEndian.AppendUint64(b, uint64(x.Nanos))
	case []any:
		b = binary.BigEndian.AppendUint32(append(b, 11), uint32(len(x)))
		for _, e := range x {
			b = AppendKey(b, e)
		}
		return b
	case []MapEntry:
		b = binary.BigEndian.AppendUint32(append(b, 12), uint32(len(x)))
		for _, e := range x {
			b = AppendKey(AppendKey(b, e.Key), e.Value)
		}
		return b
	case Empty:
		return append(b, 14)
	}
	return append(b, 13)
}

func appendNumber(b []byte, r *big.Rat) []byte {
	return appendBytes(append(b, 2), []byte(r.RatString()))
}

// appendInteger appends what appendNumber appends for the integer x (whose RatString is its decimal
// digits) without building a big.Rat: GROUP BY an int column keys every row this way.
func appendInteger(b []byte, x int64) []byte {
	b = append(b, 2, 0, 0, 0, 0)
	n := len(b)
	b = strconv.AppendInt(b, x, 10)
	binary.BigEndian.PutUint32(b[n-4:n], uint32(len(b)-n))
	return b
}

func appendBytes(b, x []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(x)))
	return append(b, x...)
}

// AppendKeys appends AppendKey's encoding of each of vals to b: the key of a row of values.
func AppendKeys(b []byte, vals ...any) []byte {
	for _, v := range vals {
		b = AppendKey(b, v)
	}
	return b
}

// Key returns AppendKeys' encoding of a row of values as a string, for use as a map key. A caller
// keying every row of a scan should rather append into a buffer of its own and look the map up with
// m[string(buf)], which Go does without copying.
func Key(vals ...any) string {
	var buf [64]byte
	return string(AppendKeys(buf[:0], vals...))
}
