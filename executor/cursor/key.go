package cursor

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"math"
	"math/big"
	"net"
	"reflect"
	"slices"
	"time"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/planner/types"
)

// KeyOf is the identity of a row's primary key in a cursor file: the first 16 bytes, in hex, of the
// SHA-256 of an exact encoding of the key's values (see appendValue), so that two different keys
// never share one (but for a hash collision, about one chance in 2^64 among four billion keys).
func KeyOf(values []any) (string, error) {
	b, err := encodeKey(values)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16]), nil
}

// encodeKey encodes a key's values: their count, then each value.
func encodeKey(values []any) ([]byte, error) {
	b := binary.AppendUvarint(make([]byte, 0, 64), uint64(len(values)))
	for i, v := range values {
		var err error
		if b, err = appendValue(b, v, 0); err != nil {
			return nil, fmt.Errorf("cursor: key column %d: %w", i+1, err)
		}
	}
	return b, nil
}

// Tags of the encoding: each value starts with the tag of its kind, so that values of different
// kinds (the int 1 and the text '1') never encode alike.
const (
	tagNull     = 'N'
	tagEmpty    = 'E' // types.Empty: zero bytes, not NULL
	tagBool     = 'b'
	tagInt      = 'i' // every signed integer width: the executor holds them all as int64
	tagUint     = 'u'
	tagFloat    = 'f' // float and double, by their bits: NaN is itself, -0 is not 0
	tagComplex  = 'c'
	tagText     = 's'
	tagBlob     = 'x'
	tagVarint   = 'v'
	tagDecimal  = 'd' // scale and unscaled value: 1.0 and 1.00 are two values, as Cassandra stores them
	tagTime     = 't' // timestamp or date: seconds and nanoseconds of the instant
	tagTimeDay  = 'T' // time of day, ns
	tagUUID     = 'U'
	tagDuration = 'D'
	tagInet     = 'n'
	tagList     = 'l' // list, set, vector, tuple, user type: count, then each element
	tagMap      = 'm' // map entries in the order given: count, then key and value
	tagFields   = 'F' // a user type held as field name → value, by field name
	tagStruct   = 'S'
)

// maxDepth bounds nesting, so that a value that contains itself is an error, not a crash.
const maxDepth = 256

// appendValue appends an exact, self-delimiting encoding of v: a tag, then a fixed-size payload or a
// length-prefixed one, recursively for composite values. The forms are those the executor decodes
// (see package types), with a reflection fallback for other Go values of the same shapes.
func appendValue(b []byte, v any, depth int) ([]byte, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("a value nested more than %d deep", maxDepth)
	}
	switch x := v.(type) {
	case nil:
		return append(b, tagNull), nil
	case types.Empty:
		return append(b, tagEmpty), nil
	case bool:
		if x {
			return append(b, tagBool, 1), nil
		}
		return append(b, tagBool, 0), nil
	case int64:
		return appendInt(b, x), nil
	case int32:
		return appendInt(b, int64(x)), nil
	case int:
		return appendInt(b, int64(x)), nil
	case float64:
		return binary.BigEndian.AppendUint64(append(b, tagFloat), math.Float64bits(x)), nil
	case float32:
		return binary.BigEndian.AppendUint64(append(b, tagFloat), math.Float64bits(float64(x))), nil
	case string:
		return appendBytes(append(b, tagText), []byte(x)), nil
	case []byte:
		return appendBytes(append(b, tagBlob), x), nil
	case *big.Int:
		if x == nil {
			return append(b, tagNull), nil
		}
		return appendBig(append(b, tagVarint), x), nil
	case *inf.Dec:
		if x == nil {
			return append(b, tagNull), nil
		}
		b = binary.BigEndian.AppendUint32(append(b, tagDecimal), uint32(x.Scale()))
		return appendBig(b, x.UnscaledBig()), nil
	case time.Time:
		b = binary.BigEndian.AppendUint64(append(b, tagTime), uint64(x.Unix()))
		return binary.BigEndian.AppendUint32(b, uint32(x.Nanosecond())), nil
	case time.Duration:
		return binary.BigEndian.AppendUint64(append(b, tagTimeDay), uint64(x)), nil
	case types.UUIDValue:
		return append(append(b, tagUUID), x[:]...), nil
	case types.DurationValue:
		b = binary.BigEndian.AppendUint32(append(b, tagDuration), uint32(x.Months))
		b = binary.BigEndian.AppendUint32(b, uint32(x.Days))
		return binary.BigEndian.AppendUint64(b, uint64(x.Nanos)), nil
	case net.IP:
		return appendBytes(append(b, tagInet), x), nil
	case []any:
		b = binary.AppendUvarint(append(b, tagList), uint64(len(x)))
		for _, e := range x {
			var err error
			if b, err = appendValue(b, e, depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	case []types.MapEntry:
		b = binary.AppendUvarint(append(b, tagMap), uint64(len(x)))
		for _, e := range x {
			var err error
			if b, err = appendValue(b, e.Key, depth+1); err != nil {
				return nil, err
			}
			if b, err = appendValue(b, e.Value, depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	case map[string]any:
		b = binary.AppendUvarint(append(b, tagFields), uint64(len(x)))
		for _, name := range slices.Sorted(maps.Keys(x)) {
			var err error
			b = appendBytes(b, []byte(name))
			if b, err = appendValue(b, x[name], depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
	return appendReflect(b, reflect.ValueOf(v), depth)
}

// appendReflect encodes a Go value that is none of the executor's forms by its kind: named integer,
// text and byte-slice types as their base types, pointers as what they point to, slices and arrays
// as lists, maps with their entries ordered by the encoding of their keys, structs field by field.
func appendReflect(b []byte, v reflect.Value, depth int) ([]byte, error) {
	switch v.Kind() {
	case reflect.Bool:
		return appendValue(b, v.Bool(), depth)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return appendInt(b, v.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return binary.BigEndian.AppendUint64(append(b, tagUint), v.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return appendValue(b, v.Float(), depth)
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		b = binary.BigEndian.AppendUint64(append(b, tagComplex), math.Float64bits(real(c)))
		return binary.BigEndian.AppendUint64(b, math.Float64bits(imag(c))), nil
	case reflect.String:
		return appendValue(b, v.String(), depth)
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return append(b, tagNull), nil
		}
		return appendValue(b, v.Elem().Interface(), depth+1)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return appendBytes(append(b, tagBlob), v.Bytes()), nil
		}
		b = binary.AppendUvarint(append(b, tagList), uint64(v.Len()))
		for i := range v.Len() {
			var err error
			if b, err = appendValue(b, v.Index(i).Interface(), depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	case reflect.Map:
		entries := make([][]byte, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			e, err := appendValue(nil, it.Key().Interface(), depth+1)
			if err == nil {
				e, err = appendValue(e, it.Value().Interface(), depth+1)
			}
			if err != nil {
				return nil, err
			}
			entries = append(entries, e)
		}
		slices.SortFunc(entries, bytes.Compare) // keys are self-delimiting, so this orders by key
		b = binary.AppendUvarint(append(b, tagMap), uint64(len(entries)))
		for _, e := range entries {
			b = append(b, e...)
		}
		return b, nil
	case reflect.Struct:
		b = appendBytes(append(b, tagStruct), []byte(v.Type().String()))
		b = binary.AppendUvarint(b, uint64(v.NumField()))
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				return nil, fmt.Errorf("a Go %s, which no CQL type decodes to", v.Type())
			}
			var err error
			if b, err = appendValue(b, v.Field(i).Interface(), depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
	return nil, fmt.Errorf("a Go %s, which no CQL type decodes to", v.Type())
}

func appendInt(b []byte, n int64) []byte {
	return binary.BigEndian.AppendUint64(append(b, tagInt), uint64(n))
}

// appendBytes appends p's length, then p.
func appendBytes(b, p []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(p))), p...)
}

// appendBig appends an integer's sign and magnitude.
func appendBig(b []byte, n *big.Int) []byte {
	return appendBytes(append(b, byte(n.Sign()+1)), n.Bytes())
}
