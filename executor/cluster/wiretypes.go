package cluster

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
)

// The driver's own registry of types has two flaws for a client that must show every value:
//
//   - it describes a tuple column with gocql.TupleTypeInfo, and then spreads the tuple over one scan
//     destination per element, so that a NULL tuple and a tuple of NULLs reach those destinations
//     alike and cannot be told apart;
//   - it cannot read the type of a vector whose elements are frozen collections or user types
//     (vector<frozen<list<int>>, 2>): any query returning such a column fails.
//
// wireTypes is the registry sessions use instead. Collections, maps and user types come out as the
// driver's own gocql.CollectionType and gocql.UDTTypeInfo; tuples as tupleInfo, which the driver scans
// into one destination with the tuple's own bytes; vectors as gocql.VectorType, their element type
// read by parseTypeName. The values themselves are decoded by decode, from the bytes.

// tupleInfo is a tuple type that the driver hands to one scan destination whole. It is
// gocql.TupleTypeInfo (marshalling and all) except for its Type: the driver spreads a column over
// several destinations when that says TypeTuple.
type tupleInfo struct{ gocql.TupleTypeInfo }

// Type implements gocql.TypeInfo.
func (tupleInfo) Type() gocql.Type { return gocql.TypeCustom }

// String names the type for error messages.
func (t tupleInfo) String() string { return fmt.Sprintf("tuple%v", t.Elems) }

// newWireTypes builds the registry: the native types under their CQL and Java class names, and the
// composite types built by compositeType.
func newWireTypes() (*gocql.RegisteredTypes, error) {
	r := &gocql.RegisteredTypes{}
	for _, n := range nativeTypeNames {
		if err := r.RegisterType(n.typ, n.cql, gocql.SimpleCQLType{TypeInfo: nativeType(n.typ)}); err != nil {
			return nil, err
		}
		for _, j := range n.java {
			if err := r.AddAlias(j, n.cql); err != nil {
				return nil, err
			}
		}
	}
	for _, c := range []struct {
		typ       gocql.Type
		cql, java string
	}{
		{gocql.TypeList, "list", "ListType"}, {gocql.TypeSet, "set", "SetType"}, {gocql.TypeMap, "map", "MapType"},
		{gocql.TypeTuple, "tuple", "TupleType"}, {gocql.TypeUDT, "udt", "UserType"},
	} {
		if err := r.RegisterType(c.typ, c.cql, compositeType{c.typ}); err != nil {
			return nil, err
		}
		if err := r.AddAlias(c.java, c.cql); err != nil {
			return nil, err
		}
	}
	if err := r.RegisterCustom("vector", compositeType{gocql.TypeCustom}); err != nil {
		return nil, err
	}
	return r, r.AddAlias("VectorType", "vector")
}

// nativeTypeNames are the native types, by CQL name and by the Java class names Cassandra uses in
// the type strings of custom types (a vector's element type).
var nativeTypeNames = []struct {
	typ  gocql.Type
	cql  string
	java []string
}{
	{gocql.TypeAscii, "ascii", []string{"AsciiType"}}, {gocql.TypeBigInt, "bigint", []string{"LongType"}},
	{gocql.TypeBlob, "blob", []string{"BytesType"}}, {gocql.TypeBoolean, "boolean", []string{"BooleanType"}},
	{gocql.TypeCounter, "counter", []string{"CounterColumnType"}}, {gocql.TypeDate, "date", []string{"SimpleDateType"}},
	{gocql.TypeDecimal, "decimal", []string{"DecimalType"}}, {gocql.TypeDouble, "double", []string{"DoubleType"}},
	{gocql.TypeDuration, "duration", []string{"DurationType"}}, {gocql.TypeFloat, "float", []string{"FloatType"}},
	{gocql.TypeInet, "inet", []string{"InetAddressType"}}, {gocql.TypeInt, "int", []string{"Int32Type"}},
	{gocql.TypeSmallInt, "smallint", []string{"ShortType"}}, {gocql.TypeText, "text", nil},
	{gocql.TypeTime, "time", []string{"TimeType"}},
	// DateType is the timestamp type of Cassandra before 2.2.
	{gocql.TypeTimestamp, "timestamp", []string{"TimestampType", "DateType"}},
	{gocql.TypeTimeUUID, "timeuuid", []string{"TimeUUIDType"}}, {gocql.TypeTinyInt, "tinyint", []string{"ByteType"}},
	{gocql.TypeUUID, "uuid", []string{"UUIDType", "LexicalUUIDType"}}, {gocql.TypeVarchar, "varchar", []string{"UTF8Type"}},
	{gocql.TypeVarint, "varint", []string{"IntegerType"}},
}

// nativeType is the driver's description of a native type.
func nativeType(t gocql.Type) gocql.TypeInfo {
	//lint:ignore SA1019 the driver's only exported constructor of native type descriptions.
	return gocql.NewNativeType(4, t, "")
}

// collectionOf returns the driver's description of a list, set (elem) or map (key, elem). The kind of
// a gocql.CollectionType is unexported: a copy of one the driver made is the only way to set it.
func collectionOf(kind gocql.Type, key, elem gocql.TypeInfo) gocql.TypeInfo {
	params := "int"
	if kind == gocql.TypeMap {
		params = "int, int"
	}
	//lint:ignore SA1019 see nativeType.
	c := gocql.NewNativeType(4, kind, params).(gocql.CollectionType)
	c.Key, c.Elem = key, elem
	return c
}

// compositeType builds the descriptions of lists, sets, maps, tuples and user types (from the
// parameters a result's metadata gives, or from a type string), and of vectors (TypeCustom, from a
// type string only: result metadata names them by their Java class).
type compositeType struct{ typ gocql.Type }

var _ gocql.CQLType = compositeType{}

// Params implements gocql.CQLType: what the result metadata holds after the type's id.
func (c compositeType) Params(int) []any {
	switch c.typ {
	case gocql.TypeList, gocql.TypeSet:
		return []any{(*gocql.TypeInfo)(nil)}
	case gocql.TypeMap:
		return []any{(*gocql.TypeInfo)(nil), (*gocql.TypeInfo)(nil)}
	case gocql.TypeTuple:
		return []any{[]gocql.TypeInfo(nil)}
	case gocql.TypeUDT:
		return []any{"", "", []gocql.UDTField(nil)}
	}
	return nil
}

// TypeInfoFromParams implements gocql.CQLType.
func (c compositeType) TypeInfoFromParams(_ int, params []any) (gocql.TypeInfo, error) {
	bad := func() (gocql.TypeInfo, error) {
		return nil, fmt.Errorf("result metadata: unexpected parameters %v for type %d", params, c.typ)
	}
	switch c.typ {
	case gocql.TypeList, gocql.TypeSet:
		if len(params) == 1 {
			if elem, ok := params[0].(gocql.TypeInfo); ok {
				return collectionOf(c.typ, nil, elem), nil
			}
		}
	case gocql.TypeMap:
		if len(params) == 2 {
			key, ok1 := params[0].(gocql.TypeInfo)
			elem, ok2 := params[1].(gocql.TypeInfo)
			if ok1 && ok2 {
				return collectionOf(c.typ, key, elem), nil
			}
		}
	case gocql.TypeTuple:
		if len(params) == 1 {
			if elems, ok := params[0].([]gocql.TypeInfo); ok {
				return tupleInfo{gocql.TupleTypeInfo{Elems: elems}}, nil
			}
		}
	case gocql.TypeUDT:
		if len(params) == 3 {
			ks, ok1 := params[0].(string)
			name, ok2 := params[1].(string)
			fields, ok3 := params[2].([]gocql.UDTField)
			if ok1 && ok2 && ok3 {
				return gocql.UDTTypeInfo{Keyspace: ks, Name: name, Elements: fields}, nil
			}
		}
	}
	return bad()
}

// TypeInfoFromString implements gocql.CQLType: args is the text between the type's brackets.
func (c compositeType) TypeInfoFromString(_ int, args string) (gocql.TypeInfo, error) {
	name := map[gocql.Type]string{gocql.TypeList: "ListType", gocql.TypeSet: "SetType", gocql.TypeMap: "MapType",
		gocql.TypeTuple: "TupleType", gocql.TypeUDT: "UserType", gocql.TypeCustom: "VectorType"}[c.typ]
	return parseTypeName(name + "(" + args + ")")
}

// marshalPrefix begins the Java class names of Cassandra's types.
const marshalPrefix = "org.apache.cassandra.db.marshal."

// parseTypeName reads a type as Cassandra names it in the type strings of custom types: Java class
// names with their parameters in parentheses, e.g.
//
//	org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FrozenType(org.apache.cassandra.db.marshal.ListType(org.apache.cassandra.db.marshal.Int32Type)),2)
//
// User types are UserType(keyspace,hex(name),hex(field):type,…). CQL names (int, list<int>) are
// read too.
func parseTypeName(s string) (gocql.TypeInfo, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), marshalPrefix)
	name, args := s, []string(nil)
	if i := strings.IndexAny(s, "(<"); i >= 0 {
		closer := map[byte]byte{'(': ')', '<': '>'}[s[i]]
		if s[len(s)-1] != closer {
			return nil, fmt.Errorf("type %q: unbalanced brackets", s)
		}
		name, args = s[:i], splitTypeArgs(s[i+1:len(s)-1])
	}
	arg := func(i int) (gocql.TypeInfo, error) { return parseTypeName(args[i]) }
	wants := func(n int) error {
		if len(args) != n {
			return fmt.Errorf("type %q: %s takes %d parameters", s, name, n)
		}
		return nil
	}
	switch name {
	case "FrozenType", "ReversedType", "frozen":
		if err := wants(1); err != nil {
			return nil, err
		}
		return arg(0)
	case "ListType", "SetType", "list", "set":
		if err := wants(1); err != nil {
			return nil, err
		}
		elem, err := arg(0)
		if err != nil {
			return nil, err
		}
		kind := gocql.TypeList
		if name == "SetType" || name == "set" {
			kind = gocql.TypeSet
		}
		return collectionOf(kind, nil, elem), nil
	case "MapType", "map":
		if err := wants(2); err != nil {
			return nil, err
		}
		key, err := arg(0)
		if err != nil {
			return nil, err
		}
		elem, err := arg(1)
		if err != nil {
			return nil, err
		}
		return collectionOf(gocql.TypeMap, key, elem), nil
	case "TupleType", "tuple":
		t := tupleInfo{}
		for i := range args {
			e, err := arg(i)
			if err != nil {
				return nil, err
			}
			t.Elems = append(t.Elems, e)
		}
		return t, nil
	case "VectorType", "vector":
		if err := wants(2); err != nil {
			return nil, err
		}
		elem, err := arg(0)
		if err != nil {
			return nil, err
		}
		n, err := strconv.Atoi(strings.TrimSpace(args[1]))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("type %q: vector size %q", s, args[1])
		}
		return gocql.VectorType{SubType: elem, Dimensions: n}, nil
	case "UserType":
		return parseUserType(s, args)
	}
	for _, n := range nativeTypeNames {
		if name == n.cql {
			return nativeType(n.typ), nil
		}
		for _, j := range n.java {
			if name == j {
				return nativeType(n.typ), nil
			}
		}
	}
	return nil, fmt.Errorf("unknown type %s", s)
}

// parseUserType reads UserType(keyspace,hex(name),hex(field):type,…).
func parseUserType(s string, args []string) (gocql.TypeInfo, error) {
	if len(args) < 2 {
		return nil, fmt.Errorf("type %q: a user type needs a keyspace and a name", s)
	}
	name, err := hex.DecodeString(strings.TrimSpace(args[1]))
	if err != nil {
		return nil, fmt.Errorf("type %q: user type name: %w", s, err)
	}
	u := gocql.UDTTypeInfo{Keyspace: strings.TrimSpace(args[0]), Name: string(name)}
	for _, f := range args[2:] {
		hexName, typ, ok := strings.Cut(strings.TrimSpace(f), ":")
		if !ok {
			return nil, fmt.Errorf("type %q: field %q has no type", s, f)
		}
		fieldName, err := hex.DecodeString(hexName)
		if err != nil {
			return nil, fmt.Errorf("type %q: field name %q: %w", s, hexName, err)
		}
		ft, err := parseTypeName(typ)
		if err != nil {
			return nil, err
		}
		u.Elements = append(u.Elements, gocql.UDTField{Name: string(fieldName), Type: ft})
	}
	return u, nil
}

// splitTypeArgs splits a type's parameters at the commas outside brackets.
func splitTypeArgs(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '<':
			depth++
		case ')', '>':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}
