// Package types models CQL types and values for the client-side engine: parsing schema type strings,
// normalising driver values into one canonical Go form per type, typing literals, and ordering and
// equality as Cassandra defines them.
package types

import (
	"fmt"
	"strings"
)

// Kind is a CQL type's kind.
type Kind int

// CQL type kinds.
const (
	Unknown Kind = iota
	Ascii
	Text
	TinyInt
	SmallInt
	Int
	BigInt
	Counter
	Varint
	Decimal
	Float
	Double
	Boolean
	Blob
	UUID
	TimeUUID
	Timestamp
	Date
	Time
	Duration
	Inet
	List
	Set
	Map
	Tuple
	UDT
	Vector
	Null // the type of the NULL literal
)

var kindNames = map[Kind]string{Ascii: "ascii", Text: "text", TinyInt: "tinyint", SmallInt: "smallint",
	Int: "int", BigInt: "bigint", Counter: "counter", Varint: "varint", Decimal: "decimal", Float: "float",
	Double: "double", Boolean: "boolean", Blob: "blob", UUID: "uuid", TimeUUID: "timeuuid",
	Timestamp: "timestamp", Date: "date", Time: "time", Duration: "duration", Inet: "inet", List: "list",
	Set: "set", Map: "map", Tuple: "tuple", UDT: "udt", Vector: "vector", Null: "null", Unknown: "unknown"}

// Type is a CQL type.
type Type struct {
	Kind  Kind
	Elems []Type // list/set/vector: 1; map: key, value; tuple: each; UDT: the fields
	Name  string // UDT name, or vector size
	Field []string
}

// Of returns a simple type of kind k.
func Of(k Kind) Type { return Type{Kind: k} }

// String prints the type as CQL does.
func (t Type) String() string {
	switch t.Kind {
	case List, Set, Map, Tuple:
		parts := make([]string, len(t.Elems))
		for i, e := range t.Elems {
			parts[i] = e.String()
		}
		return kindNames[t.Kind] + "<" + strings.Join(parts, ", ") + ">"
	case Vector:
		return "vector<" + t.Elems[0].String() + ", " + t.Name + ">"
	case UDT:
		return t.Name
	}
	return kindNames[t.Kind]
}

// IsInteger reports whether values of t are whole numbers held as int64.
func (t Type) IsInteger() bool {
	switch t.Kind {
	case TinyInt, SmallInt, Int, BigInt, Counter:
		return true
	}
	return false
}

// IsNumeric reports whether t is a number type.
func (t Type) IsNumeric() bool {
	return t.IsInteger() || t.Kind == Varint || t.Kind == Decimal || t.Kind == Float || t.Kind == Double
}

// IsText reports whether t holds strings.
func (t Type) IsText() bool { return t.Kind == Text || t.Kind == Ascii }

// Comparable reports whether Cassandra orders values of t (duration is equality-only).
func (t Type) Comparable() bool {
	if t.Kind == Duration {
		return false
	}
	for _, e := range t.Elems {
		if !e.Comparable() {
			return false
		}
	}
	return true
}

// Parse reads a type as system_schema.columns prints it: "int", "frozen<map<text, int>>",
// "tuple<int, text>", "vector<float, 3>", or a user type's name.
func Parse(s string) (Type, error) {
	return ParseWith(s, nil)
}

// UserType is a user-defined type as system_schema.types lists it: field names and their type
// strings, in declaration order.
type UserType struct {
	Fields []string
	Types  []string
}

// ParseWith is Parse with user types resolved through user, keyed by the type's name as the schema
// stores it (unquoted, case kept). A user type missing from user keeps no field list.
func ParseWith(s string, user map[string]UserType) (Type, error) {
	return parseDepth(s, user, 0)
}

// maxTypeDepth bounds user types nested in user types; Cassandra forbids cycles, this guards bad input.
const maxTypeDepth = 32

func parseDepth(s string, user map[string]UserType, depth int) (Type, error) {
	if depth > maxTypeDepth {
		return Type{}, fmt.Errorf("type %q: user types nested too deeply", s)
	}
	p := &typeParser{s: s, user: user, depth: depth}
	t, err := p.parse()
	if err != nil {
		return Type{}, err
	}
	if p.skipSpace(); p.i != len(p.s) {
		return Type{}, fmt.Errorf("type %q: unexpected %q", s, p.s[p.i:])
	}
	return t, nil
}

type typeParser struct {
	s     string
	i     int
	user  map[string]UserType
	depth int
}

func (p *typeParser) skipSpace() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *typeParser) word() string {
	p.skipSpace()
	j := p.i
	for j < len(p.s) && p.s[j] != '<' && p.s[j] != '>' && p.s[j] != ',' && p.s[j] != ' ' {
		j++
	}
	w := p.s[p.i:j]
	p.i = j
	return w
}

func (p *typeParser) parse() (Type, error) {
	raw := p.word()
	if len(raw) > 1 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		return p.userType(strings.ReplaceAll(raw[1:len(raw)-1], `""`, `"`))
	}
	name := strings.ToLower(raw)
	if name == "" {
		return Type{}, fmt.Errorf("type %q: missing type name", p.s)
	}
	var args []Type
	var rawArgs []string
	if p.skipSpace(); p.i < len(p.s) && p.s[p.i] == '<' {
		p.i++
		for {
			start := p.i
			t, err := p.parse()
			if err != nil {
				return Type{}, err
			}
			args = append(args, t)
			rawArgs = append(rawArgs, strings.TrimSpace(p.s[start:p.i]))
			p.skipSpace()
			if p.i >= len(p.s) {
				return Type{}, fmt.Errorf("type %q: unclosed <", p.s)
			}
			c := p.s[p.i]
			p.i++
			if c == '>' {
				break
			}
			if c != ',' {
				return Type{}, fmt.Errorf("type %q: unexpected %q", p.s, c)
			}
		}
	}
	switch name {
	case "frozen":
		if len(args) != 1 {
			return Type{}, fmt.Errorf("type %q: frozen takes one type", p.s)
		}
		return args[0], nil
	case "list", "set":
		if len(args) != 1 {
			return Type{}, fmt.Errorf("type %q: %s takes one type", p.s, name)
		}
		return Type{Kind: map[string]Kind{"list": List, "set": Set}[name], Elems: args}, nil
	case "map":
		if len(args) != 2 {
			return Type{}, fmt.Errorf("type %q: map takes two types", p.s)
		}
		return Type{Kind: Map, Elems: args}, nil
	case "tuple":
		return Type{Kind: Tuple, Elems: args}, nil
	case "vector":
		if len(args) != 2 {
			return Type{}, fmt.Errorf("type %q: vector takes a type and a size", p.s)
		}
		return Type{Kind: Vector, Elems: args[:1], Name: rawArgs[1]}, nil
	case "varchar":
		return Of(Text), nil
	}
	for k, n := range kindNames {
		if n == name && k != List && k != Set && k != Map && k != Tuple && k != UDT && k != Vector && k != Null {
			return Of(k), nil
		}
	}
	if len(args) > 0 && !isNumber(name) {
		return Type{}, fmt.Errorf("type %q: unknown type %s", p.s, name)
	}
	if isNumber(name) {
		return Type{Kind: Unknown, Name: name}, nil // a vector's size
	}
	return p.userType(name)
}

// userType resolves a user type's fields, when known, in declaration order.
func (p *typeParser) userType(name string) (Type, error) {
	t := Type{Kind: UDT, Name: name}
	ut, ok := p.user[name]
	if !ok {
		return t, nil
	}
	if len(ut.Fields) != len(ut.Types) {
		return Type{}, fmt.Errorf("user type %s: %d field names but %d field types", name, len(ut.Fields), len(ut.Types))
	}
	t.Field = append([]string(nil), ut.Fields...)
	for i, ts := range ut.Types {
		ft, err := parseDepth(ts, p.user, p.depth+1)
		if err != nil {
			return Type{}, fmt.Errorf("user type %s, field %s: %w", name, ut.Fields[i], err)
		}
		t.Elems = append(t.Elems, ft)
	}
	return t, nil
}

func isNumber(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// Part is the type of a composite's i-th part: the element of a list, set or vector (whatever i
// is), a map's key (0) or value (1), a tuple's or user type's i-th field; the zero Type when t
// does not say.
func (t Type) Part(i int) Type {
	switch {
	case len(t.Elems) == 0:
		return Type{}
	case t.Kind == List || t.Kind == Set || t.Kind == Vector:
		return t.Elems[0]
	case i < len(t.Elems):
		return t.Elems[i]
	}
	return Type{}
}
