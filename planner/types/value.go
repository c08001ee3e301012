package types

import (
	"fmt"
	"math"
	"math/big"
	"net"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/inf.v0"
)

// Values are held in one canonical Go form per CQL type, nil being NULL:
//
//	ascii, text                        string
//	tinyint, smallint, int, bigint,    int64
//	counter
//	varint                             *big.Int
//	decimal                            *inf.Dec
//	float, double                      float64
//	boolean                            bool
//	blob                               []byte
//	uuid, timeuuid                     UUIDValue
//	timestamp, date                    time.Time (UTC)
//	time                               time.Duration
//	duration                           DurationValue
//	inet                               net.IP (4 bytes for IPv4)
//	list, set, vector, tuple, udt      []any
//	map                                []MapEntry, sorted by key
//
// A value of any type but text, ascii and blob may also be Empty: zero bytes, which Cassandra
// stores apart from NULL (blobAsInt(0x), or rows written by old Thrift clients).

// UUIDValue is a uuid or timeuuid.
type UUIDValue [16]byte

// String prints the uuid in its canonical form.
func (u UUIDValue) String() string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// DurationValue is a CQL duration.
type DurationValue struct {
	Months, Days int32
	Nanos        int64
}

// Empty is a value of zero bytes in a type whose values otherwise have some (an int, a uuid, a
// boolean, …). Cassandra keeps it apart from NULL and orders it before every other value of the
// type: min() returns it, count(x) counts it, sum() and avg() skip it. cqlsh shows it as an empty
// cell. In arithmetic and conditions cqlscan treats it as NULL (unknown), except in comparisons.
type Empty struct{}

// IsEmpty reports whether v is the Empty value.
func IsEmpty(v any) bool {
	_, ok := v.(Empty)
	return ok
}

// String writes a duration in Cassandra's own notation, e.g. 1y2mo3d4h5m6s7ms8us9ns, or 0s; a
// negative one starts with '-'.
func (d DurationValue) String() string {
	var b strings.Builder
	months, days, nanos := int64(d.Months), int64(d.Days), d.Nanos
	if months < 0 || days < 0 || nanos < 0 {
		b.WriteByte('-')
		months, days, nanos = -months, -days, -nanos
	}
	part := func(n int64, unit string) {
		if n != 0 {
			b.WriteString(strconv.FormatInt(n, 10) + unit)
		}
	}
	part(months/12, "y")
	part(months%12, "mo")
	part(days, "d")
	for _, u := range []struct {
		size int64
		unit string
	}{{int64(time.Hour), "h"}, {int64(time.Minute), "m"}, {int64(time.Second), "s"},
		{int64(time.Millisecond), "ms"}, {int64(time.Microsecond), "us"}, {1, "ns"}} {
		part(nanos/u.size, u.unit)
		nanos %= u.size
	}
	if s := b.String(); s != "" && s != "-" {
		return s
	}
	return "0s"
}

// MapEntry is one key/value pair of a map value.
type MapEntry struct{ Key, Value any }

// Normalize converts a decoded value into the canonical form for type t. Go zero values are kept as
// values: the caller passes nil for NULL, at any depth. Besides the driver's Go types it takes the
// forms the cluster package's decoder gives: []MapEntry for a map (in any order), map[string]any for
// a user type (field name to value), []any for the other composite types.
func Normalize(t Type, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, nil
		}
		if _, isBig := v.(*big.Int); !isBig {
			if _, isDec := v.(*inf.Dec); !isDec {
				return Normalize(t, rv.Elem().Interface())
			}
		}
	}
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		if t.Kind == Time {
			return time.Duration(x), nil
		}
		return x, nil
	case float32:
		return float64(x), nil
	case float64, string, bool, *big.Int, *inf.Dec, time.Duration, UUIDValue, DurationValue, Empty:
		return x, nil
	case []byte:
		if t.Kind == Blob || t.Kind == Unknown {
			return x, nil
		}
	case time.Time:
		return x.UTC(), nil
	case net.IP:
		if v4 := x.To4(); v4 != nil {
			return v4, nil
		}
		return x, nil
	}
	if rv.Kind() == reflect.Array && rv.Len() == 16 && rv.Type().Elem().Kind() == reflect.Uint8 {
		var u UUIDValue
		reflect.Copy(reflect.ValueOf(&u).Elem(), rv)
		return u, nil
	}
	if es, ok := v.([]MapEntry); ok {
		return normalizeEntries(t, es)
	}
	switch t.Kind {
	case List, Set, Vector:
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			break
		}
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return nil, nil
		}
		out := make([]any, rv.Len())
		for i := range out {
			e, err := Normalize(t.Elems[0], rv.Index(i).Interface())
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		if t.Kind == Set {
			sort.SliceStable(out, func(i, j int) bool { return compareNullable(t.Elems[0], out[i], out[j]) < 0 })
		}
		return out, nil
	case Map:
		if rv.Kind() != reflect.Map {
			break
		}
		if rv.IsNil() {
			return nil, nil
		}
		out := make([]MapEntry, 0, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			k, err := Normalize(t.Elems[0], it.Key().Interface())
			if err != nil {
				return nil, err
			}
			val, err := Normalize(t.Elems[1], it.Value().Interface())
			if err != nil {
				return nil, err
			}
			out = append(out, MapEntry{k, val})
		}
		sort.Slice(out, func(i, j int) bool { return compareNullable(t.Elems[0], out[i].Key, out[j].Key) < 0 })
		return out, nil
	case Tuple:
		if x, ok := v.([]any); ok && len(x) == len(t.Elems) {
			out := make([]any, len(x))
			for i, e := range x {
				n, err := Normalize(t.Elems[i], e)
				if err != nil {
					return nil, err
				}
				out[i] = n
			}
			return out, nil
		}
	case UDT:
		if m, ok := v.(map[string]any); ok && len(t.Field) > 0 {
			out := make([]any, len(t.Field))
			for i, f := range t.Field {
				e, err := Normalize(t.Elems[i], m[f])
				if err != nil {
					return nil, err
				}
				out[i] = e
			}
			return out, nil
		}
	}
	if m, ok := v.(map[string]any); ok {
		// A user type whose fields the schema does not name: keep every field, by name.
		out := make([]MapEntry, 0, len(m))
		for k, fv := range m {
			n, err := Normalize(Type{}, fv)
			if err != nil {
				return nil, err
			}
			out = append(out, MapEntry{k, n})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Key.(string) < out[j].Key.(string) })
		return out, nil
	}
	if x, ok := v.([]any); ok {
		return x, nil
	}
	return nil, fmt.Errorf("cannot hold a Go %T as CQL %s", v, t)
}

// normalizeEntries normalizes a map held as key/value pairs, sorting them by key. A user type
// whose fields the schema does not name is held the same way, keyed by field name.
func normalizeEntries(t Type, es []MapEntry) (any, error) {
	out := make([]MapEntry, len(es))
	for i, e := range es {
		var err error
		if out[i].Key, err = Normalize(elem(t, 0), e.Key); err != nil {
			return nil, err
		}
		vt := elem(t, 1)
		if t.Kind != Map {
			vt = Type{}
		}
		if out[i].Value, err = Normalize(vt, e.Value); err != nil {
			return nil, err
		}
	}
	if t.Kind == Map {
		sort.SliceStable(out, func(i, j int) bool { return compareNullable(t.Elems[0], out[i].Key, out[j].Key) < 0 })
	}
	return out, nil
}

// IsNaN reports whether v is a floating-point NaN.
func IsNaN(v any) bool {
	f, ok := v.(float64)
	return ok && math.IsNaN(f)
}
