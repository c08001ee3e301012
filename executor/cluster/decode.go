package cluster

import (
	"encoding/binary"
	"fmt"
	"reflect"
	"strconv"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/cqlscan/cqlscan/planner/types"
)

// newDest returns a scan destination for a value of type ti that keeps NULL apart from the zero
// value: a **T for most types, a *udtValue for user types.
func newDest(ti gocql.TypeInfo) any {
	if ut, ok := ti.(gocql.UDTTypeInfo); ok {
		return &udtValue{info: ut}
	}
	return reflect.New(reflect.PointerTo(reflect.TypeOf(ti.Zero()))).Interface()
}

// destValue returns what a destination made by newDest received, nil for NULL.
func destValue(d any) any {
	if u, ok := d.(*udtValue); ok {
		if u.fields == nil {
			return nil
		}
		return u.fields
	}
	inner := reflect.ValueOf(d).Elem()
	if inner.IsNil() {
		return nil
	}
	return inner.Elem().Interface()
}

// udtValue decodes a user type's value field by field into a map, with nil for a null field or one
// missing from the end of the value (added to the type after the value was written). gocql's own
// map decoding gives such fields their type's zero value, which would sort and group them wrongly.
type udtValue struct {
	info   gocql.UDTTypeInfo
	fields map[string]any // nil when the whole value is NULL
}

// UnmarshalCQL implements gocql.Unmarshaler.
func (u *udtValue) UnmarshalCQL(_ gocql.TypeInfo, data []byte) error {
	u.fields = nil
	if data == nil {
		return nil
	}
	u.fields = make(map[string]any, len(u.info.Elements))
	for _, e := range u.info.Elements {
		if len(data) == 0 {
			u.fields[e.Name] = nil
			continue
		}
		if len(data) < 4 {
			return fmt.Errorf("user type %s, field %s: value truncated", u.info.Name, e.Name)
		}
		n := int32(binary.BigEndian.Uint32(data))
		data = data[4:]
		if n < 0 {
			u.fields[e.Name] = nil
			continue
		}
		if int(n) > len(data) {
			return fmt.Errorf("user type %s, field %s: value truncated", u.info.Name, e.Name)
		}
		d := newDest(e.Type)
		if err := gocql.Unmarshal(e.Type, data[:n:n], d); err != nil {
			return fmt.Errorf("user type %s, field %s: %w", u.info.Name, e.Name, err)
		}
		data = data[n:]
		u.fields[e.Name] = destValue(d)
	}
	return nil
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
