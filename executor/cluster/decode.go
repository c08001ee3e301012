package cluster

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strconv"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/planner/types"
)

// wireValue is a scan destination that decodes a column's bytes with decode, so that NULL stays
// apart from the zero value at every depth.
type wireValue struct{ v any }

// UnmarshalCQL implements gocql.Unmarshaler.
func (w *wireValue) UnmarshalCQL(info gocql.TypeInfo, data []byte) (err error) {
	w.v, err = decode(info, data)
	return err
}

// errTruncated is the cause of every error about a value shorter than its encoding says.
var errTruncated = errors.New("value truncated")

// decode reads one value of type ti from its protocol encoding; nil data is NULL. Natives are
// decoded by the driver; collections, tuples, user types and vectors are read here, element by
// element, because the driver's own decoding of them turns a NULL inside into a zero value. The
// result is what types.Normalize takes: nil for NULL at any depth, []any for lists, sets, tuples
// and vectors, []types.MapEntry for maps, and map[string]any (field name to value, nil for a NULL
// field or one missing from the end of the value) for user types.
func decode(ti gocql.TypeInfo, data []byte) (any, error) {
	if data == nil {
		return nil, nil
	}
	switch t := ti.(type) {
	case gocql.CollectionType:
		if len(data) == 0 {
			return types.Empty{}, nil
		}
		switch t.Type() {
		case gocql.TypeList, gocql.TypeSet:
			return decodeCollection(t.Elem, data)
		case gocql.TypeMap:
			return decodeMap(t.Key, t.Elem, data)
		}
	case tupleInfo:
		return decodeTuple(t.Elems, data)
	case gocql.TupleTypeInfo:
		return decodeTuple(t.Elems, data)
	case gocql.UDTTypeInfo:
		return decodeUDT(t, data)
	case gocql.VectorType:
		return decodeVector(t, data)
	}
	return decodeNative(ti, data)
}

// cursor reads the parts of a composite value.
type cursor struct{ data []byte }

// int32 reads a 4-byte signed integer: an element count or length.
func (c *cursor) int32() (int32, error) {
	if len(c.data) < 4 {
		return 0, errTruncated
	}
	n := int32(binary.BigEndian.Uint32(c.data))
	c.data = c.data[4:]
	return n, nil
}

// bytes reads n bytes.
func (c *cursor) bytes(n int) ([]byte, error) {
	if n < 0 || n > len(c.data) {
		return nil, errTruncated
	}
	b := c.data[:n:n]
	c.data = c.data[n:]
	return b, nil
}

// value reads a [bytes]: a 4-byte length, then that many bytes; a negative length is NULL (nil).
func (c *cursor) value() ([]byte, error) {
	n, err := c.int32()
	if err != nil || n < 0 {
		return nil, err
	}
	return c.bytes(int(n))
}

// uvint reads an unsigned variable-length integer as Cassandra writes them: the number of 1 bits
// before the first 0 bit of the first byte is the number of bytes that follow; the rest of the first
// byte and those bytes hold the number, most significant first.
func (c *cursor) uvint() (uint64, error) {
	if len(c.data) == 0 {
		return 0, errTruncated
	}
	first := c.data[0]
	extra := 0
	for extra < 8 && first&(0x80>>extra) != 0 {
		extra++
	}
	if len(c.data) < 1+extra {
		return 0, errTruncated
	}
	n := uint64(first) & (0xff >> extra)
	for _, b := range c.data[1 : 1+extra] {
		n = n<<8 | uint64(b)
	}
	c.data = c.data[1+extra:]
	return n, nil
}

// count reads a collection's element count, each element taking at least minSize bytes.
func (c *cursor) count(minSize int) (int, error) {
	n, err := c.int32()
	if err != nil {
		return 0, err
	}
	if n < 0 || int(n)*minSize > len(c.data) {
		return 0, fmt.Errorf("%d elements: %w", n, errTruncated)
	}
	return int(n), nil
}

// decodeCollection reads a list or set: an element count, then each element as a [bytes].
func decodeCollection(elem gocql.TypeInfo, data []byte) (any, error) {
	c := &cursor{data}
	n, err := c.count(4)
	if err != nil {
		return nil, err
	}
	out := make([]any, n)
	for i := range out {
		b, err := c.value()
		if err == nil {
			out[i], err = decode(elem, b)
		}
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
	}
	return out, nil
}

// decodeMap reads a map: an entry count, then each key and value as a [bytes].
func decodeMap(key, elem gocql.TypeInfo, data []byte) (any, error) {
	c := &cursor{data}
	n, err := c.count(8)
	if err != nil {
		return nil, err
	}
	out := make([]types.MapEntry, n)
	for i := range out {
		k, err := c.value()
		if err == nil {
			out[i].Key, err = decode(key, k)
		}
		if err != nil {
			return nil, fmt.Errorf("key %d: %w", i, err)
		}
		v, err := c.value()
		if err == nil {
			out[i].Value, err = decode(elem, v)
		}
		if err != nil {
			return nil, fmt.Errorf("value of key %d: %w", i, err)
		}
	}
	return out, nil
}

// decodeTuple reads a tuple: each element as a [bytes], those missing from the end NULL.
func decodeTuple(elems []gocql.TypeInfo, data []byte) (any, error) {
	c := &cursor{data}
	out := make([]any, len(elems))
	for i, e := range elems {
		if len(c.data) == 0 {
			break
		}
		b, err := c.value()
		if err == nil {
			out[i], err = decode(e, b)
		}
		if err != nil {
			return nil, fmt.Errorf("tuple element %d: %w", i, err)
		}
	}
	return out, nil
}

// decodeUDT reads a user type's value: each field as a [bytes], those missing from the end (added
// to the type after the value was written) NULL.
func decodeUDT(u gocql.UDTTypeInfo, data []byte) (any, error) {
	c := &cursor{data}
	out := make(map[string]any, len(u.Elements))
	for _, f := range u.Elements {
		if len(c.data) == 0 {
			out[f.Name] = nil
			continue
		}
		b, err := c.value()
		if err == nil {
			out[f.Name], err = decode(f.Type, b)
		}
		if err != nil {
			return nil, fmt.Errorf("user type %s, field %s: %w", u.Name, f.Name, err)
		}
	}
	return out, nil
}

// decodeVector reads a vector: its elements one after the other with no count, each of a fixed size
// when the element type has one, otherwise preceded by its length as an unsigned vint.
func decodeVector(v gocql.VectorType, data []byte) (any, error) {
	if v.Dimensions < 0 || v.Dimensions > len(data) {
		return nil, fmt.Errorf("vector of %d: %w", v.Dimensions, errTruncated)
	}
	c := &cursor{data}
	size := fixedSize(v.SubType)
	out := make([]any, v.Dimensions)
	for i := range out {
		n := size
		if n < 0 {
			u, err := c.uvint()
			if err != nil {
				return nil, fmt.Errorf("vector element %d: %w", i, err)
			}
			n = int(min(u, uint64(len(c.data)+1)))
		}
		b, err := c.bytes(n)
		if err == nil {
			out[i], err = decode(v.SubType, b)
		}
		if err != nil {
			return nil, fmt.Errorf("vector element %d: %w", i, err)
		}
	}
	if len(c.data) != 0 {
		return nil, fmt.Errorf("vector of %d: %d bytes left over", v.Dimensions, len(c.data))
	}
	return out, nil
}

// fixedSize is the size of every value of type ti, as Cassandra 5.0 writes vector elements of it
// without a length; -1 for types of variable size (smallint, tinyint, date and time among them).
func fixedSize(ti gocql.TypeInfo) int {
	if v, ok := ti.(gocql.VectorType); ok {
		if n := fixedSize(v.SubType); n >= 0 {
			return n * v.Dimensions
		}
		return -1
	}
	if _, ok := ti.(tupleInfo); ok {
		return -1
	}
	switch ti.Type() {
	case gocql.TypeBoolean:
		return 1
	case gocql.TypeInt, gocql.TypeFloat:
		return 4
	case gocql.TypeBigInt, gocql.TypeDouble, gocql.TypeTimestamp:
		return 8
	case gocql.TypeUUID, gocql.TypeTimeUUID:
		return 16
	}
	return -1
}

// decodeNative decodes a value of a native type with the driver, into the canonical forms of
// package types (so that values inside types the schema does not describe need no normalizing).
// Types the driver does not know (custom types) come back as their bytes.
func decodeNative(ti gocql.TypeInfo, data []byte) (any, error) {
	switch ti.Type() {
	case gocql.TypeAscii, gocql.TypeText, gocql.TypeVarchar:
		return string(data), nil
	case gocql.TypeBlob, gocql.TypeCustom:
		return append([]byte{}, data...), nil
	}
	if len(data) == 0 {
		return types.Empty{}, nil // zero bytes, apart from NULL (blobAsInt(0x))
	}
	switch ti.Type() {
	case gocql.TypeBoolean:
		return unmarshal[bool](ti, data)
	case gocql.TypeTinyInt, gocql.TypeSmallInt, gocql.TypeInt, gocql.TypeBigInt, gocql.TypeCounter:
		return unmarshal[int64](ti, data)
	case gocql.TypeVarint:
		return unmarshal[*big.Int](ti, data)
	case gocql.TypeDecimal:
		return unmarshal[*inf.Dec](ti, data)
	case gocql.TypeFloat:
		f, err := unmarshal[float32](ti, data)
		return float64(f), err
	case gocql.TypeDouble:
		return unmarshal[float64](ti, data)
	case gocql.TypeTimestamp, gocql.TypeDate:
		t, err := unmarshal[time.Time](ti, data)
		return t.UTC(), err
	case gocql.TypeTime:
		return unmarshal[time.Duration](ti, data)
	case gocql.TypeInet:
		return unmarshal[net.IP](ti, data)
	case gocql.TypeUUID, gocql.TypeTimeUUID:
		u, err := unmarshal[gocql.UUID](ti, data)
		return types.UUIDValue(u), err
	case gocql.TypeDuration:
		d, err := unmarshal[gocql.Duration](ti, data)
		return types.DurationValue{Months: d.Months, Days: d.Days, Nanos: d.Nanoseconds}, err
	}
	return append([]byte{}, data...), nil
}

// unmarshal decodes data into a T with the driver.
func unmarshal[T any](ti gocql.TypeInfo, data []byte) (T, error) {
	var v T
	err := gocql.Unmarshal(ti, data, &v)
	return v, err
}

// nativeKinds maps the driver's type ids to ours.
var nativeKinds = map[gocql.Type]types.Kind{
	gocql.TypeAscii: types.Ascii, gocql.TypeBigInt: types.BigInt, gocql.TypeBlob: types.Blob,
	gocql.TypeBoolean: types.Boolean, gocql.TypeCounter: types.Counter, gocql.TypeDecimal: types.Decimal,
	gocql.TypeDouble: types.Double, gocql.TypeFloat: types.Float, gocql.TypeInt: types.Int,
	gocql.TypeText: types.Text, gocql.TypeVarchar: types.Text, gocql.TypeTimestamp: types.Timestamp,
	gocql.TypeUUID: types.UUID, gocql.TypeVarint: types.Varint, gocql.TypeTimeUUID: types.TimeUUID,
	gocql.TypeInet: types.Inet, gocql.TypeDate: types.Date, gocql.TypeTime: types.Time,
	gocql.TypeSmallInt: types.SmallInt, gocql.TypeTinyInt: types.TinyInt, gocql.TypeDuration: types.Duration,
}

// typeOf converts the driver's description of a result column's type to ours. Types it does not
// know (custom types) are Unknown, and their values print as blobs.
func typeOf(ti gocql.TypeInfo) types.Type {
	switch t := ti.(type) {
	case gocql.CollectionType:
		switch t.Type() {
		case gocql.TypeList:
			return types.Type{Kind: types.List, Elems: []types.Type{typeOf(t.Elem)}}
		case gocql.TypeSet:
			return types.Type{Kind: types.Set, Elems: []types.Type{typeOf(t.Elem)}}
		case gocql.TypeMap:
			return types.Type{Kind: types.Map, Elems: []types.Type{typeOf(t.Key), typeOf(t.Elem)}}
		}
	case tupleInfo:
		return typeOf(t.TupleTypeInfo)
	case gocql.TupleTypeInfo:
		out := types.Type{Kind: types.Tuple}
		for _, e := range t.Elems {
			out.Elems = append(out.Elems, typeOf(e))
		}
		return out
	case gocql.UDTTypeInfo:
		out := types.Type{Kind: types.UDT, Name: t.Name}
		for _, f := range t.Elements {
			out.Field = append(out.Field, f.Name)
			out.Elems = append(out.Elems, typeOf(f.Type))
		}
		return out
	case gocql.VectorType:
		return types.Type{Kind: types.Vector, Elems: []types.Type{typeOf(t.SubType)}, Name: strconv.Itoa(t.Dimensions)}
	}
	if k, ok := nativeKinds[ti.Type()]; ok {
		return types.Of(k)
	}
	return types.Of(types.Unknown)
}
