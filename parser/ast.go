package parser

import (
	"strconv"
	"strings"
)

// Statement is a parsed statement. String prints it back as canonical CQL.
type Statement interface {
	String() string
	statement()
}

// Select is a SELECT statement.
type Select struct {
	Distinct bool
	Exprs    []SelectExpr
	Table    TableName
	Where    Expr // nil when absent
	GroupBy  []Expr
	Having   Expr
	OrderBy  []OrderItem
	Limit    *int64
	// PerPartitionLimit keeps at most this many rows of each partition (after WHERE).
	PerPartitionLimit *int64
	// AllowFiltering is accepted for cqlsh compatibility; cqlscan filters on the client anyway.
	AllowFiltering bool
}

// SelectExpr is one item of the select list: an expression and its optional alias.
type SelectExpr struct {
	Expr  Expr
	Alias string
}

// OrderItem is one ORDER BY term.
type OrderItem struct {
	Expr Expr
	Desc bool
}

// TableName is a table, qualified by its keyspace or not.
type TableName struct {
	Keyspace string // empty when unqualified
	Name     string
}

// Use is USE keyspace.
type Use struct{ Keyspace string }

// Explain is EXPLAIN SELECT …: print the plan instead of running it. EXPLAIN ANALYZE runs it too and
// prints what the run did instead of its rows.
type Explain struct {
	Select  *Select
	Analyze bool
}

// Passthrough is any statement cqlscan does not plan itself; it is sent to Cassandra as written.
type Passthrough struct{ Text string }

func (*Select) statement()      {}
func (*Use) statement()         {}
func (*Passthrough) statement() {}
func (*Explain) statement()     {}

// Expr is an expression.
type Expr interface {
	String() string
	expr()
}

// ColumnRef names a column.
type ColumnRef struct{ Name string }

// Star is * in a select list or in count(*).
type Star struct{}

// FuncCall is a function or aggregate call.
type FuncCall struct {
	Keyspace string // system.to_date, ks.my_udf; empty when unqualified
	Name     string // folded to lower case unless it was quoted
	Distinct bool   // count(DISTINCT x)
	Args     []Expr
}

// LitKind is a literal's kind.
type LitKind int

// Literal kinds.
const (
	LitNull LitKind = iota
	LitBool
	LitInt
	LitFloat // includes NaN and Infinity
	LitString
	LitBlob
	LitUUID
	LitDuration
)

// Literal is a constant. Text is its canonical value: digits for numbers, the unescaped text for
// strings, 0x… for blobs, lower-case uuids, true/false, null.
type Literal struct {
	Kind LitKind
	Text string
}

// Unary is a prefix operator: NOT or unary minus.
type Unary struct {
	Op string // "not" or "-"
	X  Expr
}

// Binary is an infix operator: and, or, comparisons, like, arithmetic.
type Binary struct {
	Op   string // and or = != < <= > >= like + - * / %
	L, R Expr
}

// Between is x [NOT] BETWEEN lo AND hi.
type Between struct {
	X, Lo, Hi Expr
	Not       bool
}

// In is x [NOT] IN (list).
type In struct {
	X    Expr
	List []Expr
	Not  bool
}

// IsNull is x IS [NOT] NULL.
type IsNull struct {
	X   Expr
	Not bool
}

// Contains is x CONTAINS v (an element of a list or set, a value of a map) or x CONTAINS KEY v.
type Contains struct {
	X, Value Expr
	Key      bool
}

// Index is element access: m['k'] on a map, l[0] on a list.
type Index struct{ X, Key Expr }

// Collection is a collection literal: {1, 2} (set), [1, 2] (list), {'a': 1} (map, Elems alternate
// keys and values).
type Collection struct {
	Kind  string // "set", "list" or "map"
	Elems []Expr
}

// Cast is CAST(x AS type), computed by Cassandra.
type Cast struct {
	X    Expr
	Type string // the CQL type, lower case
}

// Field is a user type's field: addr.zip.
type Field struct {
	X    Expr
	Name string
}

func (*Contains) expr()   {}
func (*Index) expr()      {}
func (*Collection) expr() {}
func (*Cast) expr()       {}
func (*Field) expr()      {}

func (c *Cast) String() string { return "CAST(" + c.X.String() + " AS " + c.Type + ")" }

func (f *Field) String() string { return paren(f.X) + "." + QuoteIdent(f.Name) }

func (c *Contains) String() string {
	if c.Key {
		return paren(c.X) + " CONTAINS KEY " + paren(c.Value)
	}
	if r, ok := c.Value.(*ColumnRef); ok && r.Name == "key" {
		return paren(c.X) + ` CONTAINS "key"` // a bare key here would read as CONTAINS KEY
	}
	return paren(c.X) + " CONTAINS " + paren(c.Value)
}

func (i *Index) String() string { return paren(i.X) + "[" + i.Key.String() + "]" }

func (c *Collection) String() string {
	switch c.Kind {
	case "list":
		return "[" + joinExprs(c.Elems) + "]"
	case "map":
		parts := make([]string, 0, len(c.Elems)/2)
		for i := 0; i+1 < len(c.Elems); i += 2 {
			parts = append(parts, c.Elems[i].String()+": "+c.Elems[i+1].String())
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return "{" + joinExprs(c.Elems) + "}"
}

func (*ColumnRef) expr() {}
func (*Star) expr()      {}
func (*FuncCall) expr()  {}
func (*Literal) expr()   {}
func (*Unary) expr()     {}
func (*Binary) expr()    {}
func (*Between) expr()   {}
func (*In) expr()        {}
func (*IsNull) expr()    {}

func (t TableName) String() string {
	if t.Keyspace == "" {
		return QuoteIdent(t.Name)
	}
	return QuoteIdent(t.Keyspace) + "." + QuoteIdent(t.Name)
}

func (s *Select) String() string {
	var b strings.Builder
	b.WriteString("SELECT ")
	if s.Distinct {
		b.WriteString("DISTINCT ")
	}
	for i, e := range s.Exprs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.Expr.String())
		if e.Alias != "" {
			b.WriteString(" AS " + QuoteIdent(e.Alias))
		}
	}
	b.WriteString(" FROM " + s.Table.String())
	if s.Where != nil {
		b.WriteString(" WHERE " + s.Where.String())
	}
	if len(s.GroupBy) > 0 {
		b.WriteString(" GROUP BY " + joinExprs(s.GroupBy))
	}
	if s.Having != nil {
		b.WriteString(" HAVING " + s.Having.String())
	}
	for i, o := range s.OrderBy {
		if i == 0 {
			b.WriteString(" ORDER BY ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(o.Expr.String())
		if o.Desc {
			b.WriteString(" DESC")
		}
	}
	if s.PerPartitionLimit != nil {
		b.WriteString(" PER PARTITION LIMIT " + strconv.FormatInt(*s.PerPartitionLimit, 10))
	}
	if s.Limit != nil {
		b.WriteString(" LIMIT " + strconv.FormatInt(*s.Limit, 10))
	}
	if s.AllowFiltering {
		b.WriteString(" ALLOW FILTERING")
	}
	return b.String()
}

func (e *Explain) String() string {
	if e.Analyze {
		return "EXPLAIN ANALYZE " + e.Select.String()
	}
	return "EXPLAIN " + e.Select.String()
}
func (u *Use) String() string         { return "USE " + QuoteIdent(u.Keyspace) }
func (p *Passthrough) String() string { return p.Text }
func (c *ColumnRef) String() string   { return QuoteIdent(c.Name) }
func (*Star) String() string          { return "*" }

func (f *FuncCall) String() string {
	d := ""
	if f.Distinct {
		d = "DISTINCT "
	}
	name := quoteFuncName(f.Name)
	if f.Keyspace != "" {
		name = QuoteIdent(f.Keyspace) + "." + name
	}
	return name + "(" + d + joinExprs(f.Args) + ")"
}

func (l *Literal) String() string {
	switch l.Kind {
	case LitString:
		return "'" + strings.ReplaceAll(l.Text, "'", "''") + "'"
	case LitNull:
		return "NULL"
	}
	return l.Text
}

func (u *Unary) String() string {
	if u.Op == "not" {
		return "NOT " + paren(u.X)
	}
	return "-" + paren(u.X)
}

func (b *Binary) String() string {
	op := b.Op
	if op == "and" || op == "or" || op == "like" {
		op = strings.ToUpper(op)
	}
	return paren(b.L) + " " + op + " " + paren(b.R)
}

func (b *Between) String() string {
	not := ""
	if b.Not {
		not = "NOT "
	}
	return paren(b.X) + " " + not + "BETWEEN " + paren(b.Lo) + " AND " + paren(b.Hi)
}

func (in *In) String() string {
	not := ""
	if in.Not {
		not = "NOT "
	}
	return paren(in.X) + " " + not + "IN (" + joinExprs(in.List) + ")"
}

func (n *IsNull) String() string {
	if n.Not {
		return paren(n.X) + " IS NOT NULL"
	}
	return paren(n.X) + " IS NULL"
}

// paren wraps compound expressions in parentheses so that printed text re-parses to the same tree.
func paren(e Expr) string {
	switch e.(type) {
	case *Binary, *Between, *In, *IsNull, *Unary, *Contains:
		return "(" + e.String() + ")"
	}
	return e.String()
}

func joinExprs(es []Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}
