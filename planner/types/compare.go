package types

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"math"
	"math/big"
	"net"
	"strings"
	"time"

	"gopkg.in/inf.v0"
)

// Compare orders two non-NULL values of type t as Cassandra does: numbers by value (across number
// types; NaN above +Infinity, -0.0 below 0.0), text by its UTF-8 bytes, blobs and inet addresses by
// unsigned bytes, booleans false before true, timeuuids by their time, uuids by version then time
// then bytes, collections element by element. Durations, which Cassandra does not order, compare by
// their fields so that sorting is still deterministic. An Empty value comes before every other.
func Compare(t Type, a, b any) int {
	if ea, eb := IsEmpty(a), IsEmpty(b); ea || eb {
		return boolInt(eb) - boolInt(ea)
	}
	if na, ok := numeric(a); ok {
		if nb, ok := numeric(b); ok {
			return compareNumbers(na, nb)
		}
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	case bool:
		if y, ok := b.(bool); ok {
			return boolInt(x) - boolInt(y)
		}
	case []byte:
		if y, ok := b.([]byte); ok {
			return bytes.Compare(x, y)
		}
	case net.IP:
		if y, ok := b.(net.IP); ok {
			return bytes.Compare(x, y)
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y)
		}
	case time.Duration:
		if y, ok := b.(time.Duration); ok {
			return cmp.Compare(int64(x), int64(y))
		}
	case UUIDValue:
		if y, ok := b.(UUIDValue); ok {
			return compareUUID(t.Kind == TimeUUID, x, y)
		}
	case DurationValue:
		if y, ok := b.(DurationValue); ok {
			if c := cmp.Compare(int64(x.Months), int64(y.Months)); c != 0 {
				return c
			}
			if c := cmp.Compare(int64(x.Days), int64(y.Days)); c != 0 {
				return c
			}
			return cmp.Compare(x.Nanos, y.Nanos)
		}
	case []any:
		if y, ok := b.([]any); ok {
			return compareSeq(t, x, y)
		}
	case []MapEntry:
		if y, ok := b.([]MapEntry); ok {
			kt, vt := elem(t, 0), elem(t, 1)
			for i := 0; i < len(x) && i < len(y); i++ {
				if c := compareNullable(kt, x[i].Key, y[i].Key); c != 0 {
					return c
				}
				if c := compareNullable(vt, x[i].Value, y[i].Value); c != 0 {
					return c
				}
			}
			return cmp.Compare(int64(len(x)), int64(len(y)))
		}
	}
	// Values of different classes (which a typed plan does not produce): order by class.
	return cmp.Compare(int64(class(a)), int64(class(b)))
}

// CompareNullable is Compare with NULL ordered before every value.
func CompareNullable(t Type, a, b any) int { return compareNullable(t, a, b) }

func compareNullable(t Type, a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return Compare(t, a, b)
}

func elem(t Type, i int) Type {
	if i < len(t.Elems) {
		return t.Elems[i]
	}
	return Type{}
}

func compareSeq(t Type, x, y []any) int {
	for i := 0; i < len(x) && i < len(y); i++ {
		et := elem(t, 0)
		if t.Kind == Tuple || t.Kind == UDT {
			et = elem(t, i)
		}
		if c := compareNullable(et, x[i], y[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(int64(len(x)), int64(len(y)))
}

func compareUUID(timeFirst bool, x, y UUIDValue) int {
	vx, vy := x[6]>>4, y[6]>>4
	if !timeFirst && vx != vy {
		return int(vx) - int(vy)
	}
	if timeFirst || vx == 1 {
		if c := cmp.Compare(uuidTime(x), uuidTime(y)); c != 0 {
			return c
		}
	}
	if timeFirst {
		return cmp.Compare(int64(binary.BigEndian.Uint64(x[8:])), int64(binary.BigEndian.Uint64(y[8:])))
	}
	return bytes.Compare(x[:], y[:])
}

// uuidTime is the 60-bit timestamp of a version 1 uuid.
func uuidTime(u UUIDValue) uint64 {
	low := uint64(binary.BigEndian.Uint32(u[0:4]))
	mid := uint64(binary.BigEndian.Uint16(u[4:6]))
	hi := uint64(binary.BigEndian.Uint16(u[6:8]) & 0x0fff)
	return hi<<48 | mid<<32 | low
}

// number is a numeric value in the widest form needed to compare it exactly.
type number struct {
	isFloat bool
	f       float64
	r       *big.Rat // exact value when !isFloat
}

func numeric(v any) (number, bool) {
	switch x := v.(type) {
	case int64:
		return number{r: new(big.Rat).SetInt64(x)}, true
	case float64:
		return number{isFloat: true, f: x}, true
	case *big.Int:
		return number{r: new(big.Rat).SetInt(x)}, true
	case *inf.Dec:
		r, ok := new(big.Rat).SetString(x.String())
		return number{r: r}, ok
	}
	return number{}, false
}

func compareNumbers(a, b number) int {
	if a.isFloat || b.isFloat {
		fa, fb := a.f, b.f
		if !a.isFloat {
			fa, _ = a.r.Float64()
		}
		if !b.isFloat {
			fb, _ = b.r.Float64()
		}
		return compareFloat(fa, fb)
	}
	return a.r.Cmp(b.r)
}

// compareFloat is Java's Double.compare: NaN equals itself and sorts above +Infinity, -0.0 < 0.0.
func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	ba, bb := int64(math.Float64bits(canonNaN(a))), int64(math.Float64bits(canonNaN(b)))
	return cmp.Compare(ba, bb)
}

func canonNaN(f float64) float64 {
	if math.IsNaN(f) {
		return math.NaN()
	}
	return f
}

func class(v any) int {
	switch v.(type) {
	case nil:
		return 0
	case bool:
		return 1
	case int64, float64, *big.Int, *inf.Dec:
		return 2
	case string:
		return 3
	case []byte:
		return 4
	}
	return 5
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
