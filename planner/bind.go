package planner

import (
	"errors"
	"fmt"
	"sort"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
)

// Binding errors; test with errors.Is.
var (
	// ErrUnknownColumn: the table has no such column.
	ErrUnknownColumn = errors.New("unknown column")
	// ErrType: an expression does not fit the type it is used as.
	ErrType = types.ErrType
	// ErrGrouping: a column is used outside GROUP BY and outside an aggregate.
	ErrGrouping = errors.New("not grouped")
)

var aggregateFuncs = map[string]bool{"count": true, "sum": true, "avg": true, "min": true, "max": true}

// scanScope binds names to the selectors of a range scan, adding each selector the first time it is used.
type scanScope struct {
	table    *schema.Table
	part     *ring.Partitioner
	colTypes map[string]types.Type
	sel      []ScanColumn
	index    map[string]int
	// replica are the expressions the replicas compute (functions, casts, fields), by CQL text,
	// with the name and type Cassandra gives them.
	replica map[string]OutputColumn
}

func newScanScope(t *schema.Table, p *ring.Partitioner, replica map[string]OutputColumn) (*scanScope, error) {
	s := &scanScope{table: t, part: p, colTypes: map[string]types.Type{}, index: map[string]int{}, replica: replica}
	for _, c := range t.Columns {
		ty, err := types.ParseWith(c.Type, t.UserTypes)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		s.colTypes[c.Name] = ty
	}
	return s, nil
}

// selector returns a Col for a scan selector, adding it if new.
func (s *scanScope) selector(c ScanColumn) *expr.Col {
	i, ok := s.index[c.CQL]
	if !ok {
		i = len(s.sel)
		s.sel = append(s.sel, c)
		s.index[c.CQL] = i
	}
	return &expr.Col{Index: i, Name: c.Name, T: c.Type}
}

func (s *scanScope) column(name string) (*expr.Col, error) {
	t, ok := s.colTypes[name]
	if !ok {
		return nil, fmt.Errorf("%w %s in %s.%s", ErrUnknownColumn, parser.QuoteIdent(name), s.table.Keyspace, s.table.Name)
	}
	q := parser.QuoteIdent(name)
	return s.selector(ScanColumn{CQL: q, Name: q, Type: t, Column: name}), nil
}

// resolve binds the leaves a scan can provide: columns, the server-side writetime, ttl and token, and
// the functions, casts and fields the replicas compute as selectors.
func (s *scanScope) resolve(e parser.Expr) (expr.Expr, bool, error) {
	if isReplicaExpr(e) {
		oc, ok := s.replica[e.String()]
		if !ok {
			if f, isCall := e.(*parser.FuncCall); isCall {
				return nil, true, fmt.Errorf("unknown function %s", f.Name)
			}
			return nil, true, fmt.Errorf("%w: %s (no catalog to ask Cassandra about it)", ErrUnsupported, e)
		}
		col := s.selector(ScanColumn{CQL: e.String(), Name: oc.Name, Type: oc.Type, Replica: true})
		col.Name = e.String() // in plans, the expression as written rather than Cassandra's column name
		return col, true, nil
	}
	switch e := e.(type) {
	case *parser.ColumnRef:
		c, err := s.column(e.Name)
		return c, true, err
	case *parser.FuncCall:
		switch e.Name {
		case "writetime", "ttl":
			if len(e.Args) != 1 {
				return nil, true, fmt.Errorf("%s takes one column", e.Name)
			}
			ref, ok := e.Args[0].(*parser.ColumnRef)
			col := (*schema.Column)(nil)
			if ok {
				col = s.table.Column(ref.Name)
			}
			if col == nil || col.Kind == schema.PartitionKey || col.Kind == schema.Clustering {
				return nil, true, fmt.Errorf("%s needs a regular or static column, not %s", e.Name, e.Args[0])
			}
			t := types.Of(types.BigInt)
			if e.Name == "ttl" {
				t = types.Of(types.Int)
			}
			return s.selector(ScanColumn{CQL: e.Name + "(" + parser.QuoteIdent(ref.Name) + ")", Name: e.String(), Type: t}), true, nil
		case "token":
			pk := s.table.PartitionKey()
			if len(e.Args) != len(pk) {
				return nil, true, fmt.Errorf("token() takes the partition key (%d columns)", len(pk))
			}
			for i, a := range e.Args {
				if r, ok := a.(*parser.ColumnRef); !ok || r.Name != pk[i].Name {
					return nil, true, fmt.Errorf("token() takes the partition key columns in order, not %s", a)
				}
			}
			t := types.Of(types.BigInt)
			if s.part == ring.Random {
				t = types.Of(types.Varint)
			}
			return s.selector(ScanColumn{CQL: TokenCall(s.table), Name: e.String(), Type: t, Token: true}), true, nil
		}
	}
	return nil, false, nil
}

// binder binds AST expressions; resolve handles the leaves of its context (columns, aggregates).
type binder struct {
	resolve func(parser.Expr) (expr.Expr, bool, error)
}

func (b *binder) bind(e parser.Expr) (expr.Expr, error) {
	if x, ok, err := b.resolve(e); ok || err != nil {
		return x, err
	}
	switch e := e.(type) {
	case *parser.Literal:
		return constant(types.LiteralType(e), e)
	case *parser.ColumnRef:
		return nil, fmt.Errorf("%w %s", ErrUnknownColumn, e)
	case *parser.Star:
		return nil, fmt.Errorf("* is only allowed alone in the select list or in count(*)")
	case *parser.Unary:
		x, err := b.bind(e.X)
		if err != nil {
			return nil, err
		}
		if e.Op == "not" {
			return &expr.Not{X: x}, checkBool(x)
		}
		if !x.Type().IsNumeric() {
			return nil, fmt.Errorf("%w: cannot negate %s, which is %s", ErrType, e.X, x.Type())
		}
		return &expr.Neg{X: x}, nil
	case *parser.Binary:
		return b.binary(e)
	case *parser.Between:
		lo, err := b.compare(">=", e.X, e.Lo)
		if err != nil {
			return nil, err
		}
		hi, err := b.compare("<=", e.X, e.Hi)
		if err != nil {
			return nil, err
		}
		var x expr.Expr = &expr.And{L: lo, R: hi}
		if e.Not {
			x = &expr.Not{X: x}
		}
		return x, nil
	case *parser.In:
		x, err := b.bind(e.X)
		if err != nil {
			return nil, err
		}
		in := &expr.In{X: x}
		for _, item := range e.List {
			v, err := b.operand(item, x.Type(), e.X.String())
			if err != nil {
				return nil, err
			}
			in.List = append(in.List, v)
		}
		if e.Not {
			return &expr.Not{X: in}, nil
		}
		return in, nil
	case *parser.IsNull:
		x, err := b.bind(e.X)
		if err != nil {
			return nil, err
		}
		return &expr.IsNull{X: x, Negate: e.Not}, nil
	case *parser.Contains:
		x, err := b.bind(e.X)
		if err != nil {
			return nil, err
		}
		t := x.Type()
		var et types.Type
		switch {
		case (t.Kind == types.List || t.Kind == types.Set) && !e.Key:
			et = t.Elems[0]
		case t.Kind == types.Map && e.Key:
			et = t.Elems[0]
		case t.Kind == types.Map:
			et = t.Elems[1]
		default:
			what := "CONTAINS"
			if e.Key {
				what = "CONTAINS KEY"
			}
			return nil, fmt.Errorf("%w: %s needs a collection column, %s is %s", ErrType, what, e.X, t)
		}
		what := "each element of " + e.X.String()
		if t.Kind == types.Map {
			what = map[bool]string{true: "each key", false: "each value"}[e.Key] + " of " + e.X.String()
		}
		v, err := b.operand(e.Value, et, what)
		if err != nil {
			return nil, err
		}
		return &expr.Contains{X: x, V: v, Key: e.Key}, nil
	case *parser.Index:
		x, err := b.bind(e.X)
		if err != nil {
			return nil, err
		}
		t := x.Type()
		switch t.Kind {
		case types.Map:
			k, err := b.operand(e.Key, t.Elems[0], "each key of "+e.X.String())
			if err != nil {
				return nil, err
			}
			return &expr.Index{X: x, K: k, T: t.Elems[1]}, nil
		case types.List:
			k, err := b.operand(e.Key, types.Of(types.Int), "an index into "+e.X.String())
			if err != nil {
				return nil, err
			}
			return &expr.Index{X: x, K: k, T: t.Elems[0]}, nil
		}
		return nil, fmt.Errorf("%w: %s is %s; only maps and lists have elements to index", ErrType, e.X, t)
	case *parser.Collection:
		return nil, fmt.Errorf("a collection literal %s needs a collection column to be compared with", e)
	case *parser.FuncCall:
		if aggregateFuncs[e.Name] {
			return nil, fmt.Errorf("aggregate %s is not allowed here", e)
		}
		// The scan resolves every other call; over groups, a call that is not a group key cannot be
		// computed, since its arguments vary within a group.
		return nil, fmt.Errorf("%w: %s must appear in GROUP BY or inside an aggregate", ErrGrouping, e)
	}
	return nil, fmt.Errorf("%w: %s", ErrUnsupported, e)
}

func (b *binder) binary(e *parser.Binary) (expr.Expr, error) {
	switch e.Op {
	case "and", "or":
		l, err := b.bind(e.L)
		if err != nil {
			return nil, err
		}
		r, err := b.bind(e.R)
		if err != nil {
			return nil, err
		}
		if err := errors.Join(checkBool(l), checkBool(r)); err != nil {
			return nil, err
		}
		if e.Op == "and" {
			return &expr.And{L: l, R: r}, nil
		}
		return &expr.Or{L: l, R: r}, nil
	case "=", "!=", "<", "<=", ">", ">=":
		return b.compare(e.Op, e.L, e.R)
	case "like":
		x, err := b.bind(e.L)
		if err != nil {
			return nil, err
		}
		lit, ok := e.R.(*parser.Literal)
		if !ok || lit.Kind != parser.LitString {
			return nil, fmt.Errorf("LIKE takes a string pattern, not %s", e.R)
		}
		if !x.Type().IsText() {
			return nil, fmt.Errorf("%w: LIKE needs text, %s is %s", ErrType, e.L, x.Type())
		}
		return &expr.Like{X: x, Pattern: lit.Text}, nil
	}
	l, err := b.bind(e.L)
	if err != nil {
		return nil, err
	}
	r, err := b.bind(e.R)
	if err != nil {
		return nil, err
	}
	t, err := expr.ArithType(e.Op, l.Type(), r.Type())
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrType, e, err)
	}
	return &expr.Arith{Op: e.Op, L: l, R: r, T: t}, nil
}

// compare binds l op r, typing a literal on one side with the other side's type.
func (b *binder) compare(op string, l, r parser.Expr) (expr.Expr, error) {
	if _, lLit := l.(*parser.Literal); lLit {
		if _, rLit := r.(*parser.Literal); !rLit {
			flipped := map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}[op]
			return b.compare(flipped, r, l)
		}
	}
	x, err := b.bind(l)
	if err != nil {
		return nil, err
	}
	y, err := b.operand(r, x.Type(), l.String())
	if err != nil {
		return nil, err
	}
	if !comparable(x.Type(), y.Type()) {
		return nil, fmt.Errorf("%w: cannot compare %s (%s) with %s (%s)", ErrType, l, x.Type(), r, y.Type())
	}
	if op != "=" && op != "!=" && !x.Type().Comparable() {
		return nil, fmt.Errorf("%w: %s values (%s) have no order", ErrType, x.Type(), l)
	}
	return &expr.Compare{Op: op, L: x, R: y}, nil
}

// operand binds e where a value of type t is expected: a literal becomes a t.
// what names the thing the value is checked against in errors ("user_id", "elements of tags").
func (b *binder) operand(e parser.Expr, t types.Type, what string) (expr.Expr, error) {
	if coll, isColl := e.(*parser.Collection); isColl {
		v, err := collectionValue(t, coll)
		if err != nil {
			return nil, fmt.Errorf("%s is %s: %w", what, t, err)
		}
		return &expr.Const{Value: v, T: t, Text: coll.String()}, nil
	}
	lit, ok := e.(*parser.Literal)
	if !ok {
		if u, isNeg := e.(*parser.Unary); isNeg && u.Op == "-" {
			if l, isLit := u.X.(*parser.Literal); isLit && (l.Kind == parser.LitInt || l.Kind == parser.LitFloat) {
				lit, ok = &parser.Literal{Kind: l.Kind, Text: "-" + l.Text}, true
			}
		}
	}
	if !ok {
		return b.bind(e)
	}
	if t.Kind == types.Null || t.Kind == types.Unknown {
		return constant(types.LiteralType(lit), lit)
	}
	c, err := constant(t, lit)
	if err != nil {
		return nil, fmt.Errorf("%s is %s: %w", what, t, err)
	}
	return c, nil
}

// collectionValue types a collection literal as t and returns its canonical value.
func collectionValue(t types.Type, c *parser.Collection) (any, error) {
	elem := func(et types.Type, e parser.Expr) (any, error) {
		switch x := e.(type) {
		case *parser.Literal:
			return types.FromLiteral(et, x)
		case *parser.Collection:
			return collectionValue(et, x)
		case *parser.Unary:
			if l, ok := x.X.(*parser.Literal); ok && x.Op == "-" {
				return types.FromLiteral(et, &parser.Literal{Kind: l.Kind, Text: "-" + l.Text})
			}
		}
		return nil, fmt.Errorf("%w: collection literals hold constants, not %s", ErrType, e)
	}
	switch {
	case (t.Kind == types.List || t.Kind == types.Set) && c.Kind != "map",
		t.Kind == types.Map && c.Kind == "set" && len(c.Elems) == 0: // {} is an empty map too
		if t.Kind == types.Map {
			return []types.MapEntry{}, nil
		}
		vals := make([]any, len(c.Elems))
		for i, e := range c.Elems {
			v, err := elem(t.Elems[0], e)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
		if c.Kind == "list" && t.Kind == types.Set {
			return nil, fmt.Errorf("%w: %s is a list literal, not a set", ErrType, c)
		}
		return types.Normalize(t, vals)
	case t.Kind == types.Map && c.Kind == "map":
		m := make([]types.MapEntry, 0, len(c.Elems)/2)
		for i := 0; i+1 < len(c.Elems); i += 2 {
			k, err := elem(t.Elems[0], c.Elems[i])
			if err != nil {
				return nil, err
			}
			v, err := elem(t.Elems[1], c.Elems[i+1])
			if err != nil {
				return nil, err
			}
			m = append(m, types.MapEntry{Key: k, Value: v})
		}
		sort.Slice(m, func(i, j int) bool { return types.Compare(t.Elems[0], m[i].Key, m[j].Key) < 0 })
		return m, nil
	}
	return nil, fmt.Errorf("%w: %s is not a %s literal", ErrType, c, t)
}

func constant(t types.Type, lit *parser.Literal) (expr.Expr, error) {
	v, err := types.FromLiteral(t, lit)
	if err != nil {
		return nil, err
	}
	if lit.Kind == parser.LitNull {
		t = types.Of(types.Null)
	}
	return &expr.Const{Value: v, T: t, Text: lit.String()}, nil
}

func comparable(a, b types.Type) bool {
	switch {
	case a.Kind == types.Null || b.Kind == types.Null:
		return true
	case a.IsNumeric() && b.IsNumeric():
		return true
	case a.IsText() && b.IsText():
		return true
	case (a.Kind == types.UUID || a.Kind == types.TimeUUID) && (b.Kind == types.UUID || b.Kind == types.TimeUUID):
		return true
	}
	return a.String() == b.String()
}

func checkBool(e expr.Expr) error {
	if k := e.Type().Kind; k != types.Boolean && k != types.Null {
		return fmt.Errorf("%w: %s is %s, not a condition", ErrType, e, e.Type())
	}
	return nil
}

// aggScope binds expressions over a HashAggregate's output: group keys and aggregates are positions
// in it; any other column reference is an error.
type aggScope struct {
	scan     *binder
	groups   []expr.Expr
	groupKey []string
	aggs     []Aggregate
	aggKey   []string
}

func (a *aggScope) resolve(e parser.Expr) (expr.Expr, bool, error) {
	key := e.String()
	for i, k := range a.groupKey {
		if k == key {
			return &expr.Col{Index: i, Name: key, T: a.groups[i].Type()}, true, nil
		}
	}
	switch e := e.(type) {
	case *parser.FuncCall:
		if !aggregateFuncs[e.Name] {
			return nil, false, nil
		}
		for j, k := range a.aggKey {
			if k == key {
				return &expr.Col{Index: len(a.groups) + j, Name: key, T: a.aggs[j].T}, true, nil
			}
		}
		agg, err := a.aggregate(e)
		if err != nil {
			return nil, true, err
		}
		a.aggs = append(a.aggs, agg)
		a.aggKey = append(a.aggKey, key)
		return &expr.Col{Index: len(a.groups) + len(a.aggs) - 1, Name: key, T: agg.T}, true, nil
	case *parser.ColumnRef:
		return nil, true, fmt.Errorf("%w: column %s must appear in GROUP BY or inside an aggregate", ErrGrouping, e)
	}
	return nil, false, nil
}

func (a *aggScope) aggregate(f *parser.FuncCall) (Aggregate, error) {
	if len(f.Args) != 1 {
		return Aggregate{}, fmt.Errorf("%s takes one argument", f.Name)
	}
	if _, star := f.Args[0].(*parser.Star); star {
		if f.Name != "count" || f.Distinct {
			return Aggregate{}, fmt.Errorf("only count takes *")
		}
		return Aggregate{Func: "count", Star: true, T: types.Of(types.BigInt)}, nil
	}
	if lit, ok := f.Args[0].(*parser.Literal); ok && f.Name == "count" && !f.Distinct && lit.Kind != parser.LitNull {
		return Aggregate{Func: "count", Star: true, T: types.Of(types.BigInt)}, nil
	}
	arg, err := a.scan.bind(f.Args[0])
	if err != nil {
		return Aggregate{}, err
	}
	agg := Aggregate{Func: f.Name, Arg: arg, Distinct: f.Distinct, T: arg.Type()}
	switch f.Name {
	case "count":
		agg.T = types.Of(types.BigInt)
	case "sum", "avg":
		t := arg.Type()
		if !t.IsNumeric() {
			return Aggregate{}, fmt.Errorf("%w: %s needs a number, %s is %s", ErrType, f.Name, f.Args[0], t)
		}
		if t.IsInteger() {
			agg.T = types.Of(types.BigInt)
		} else if t.Kind == types.Float {
			agg.T = types.Of(types.Double)
		}
	case "min", "max":
		if !arg.Type().Comparable() {
			return Aggregate{}, fmt.Errorf("%w: %s values have no order", ErrType, arg.Type())
		}
	}
	return agg, nil
}

// containsAggregate reports whether e calls an aggregate function.
func containsAggregate(e parser.Expr) bool {
	found := false
	parser.Walk(e, func(x parser.Expr) {
		if f, ok := x.(*parser.FuncCall); ok && aggregateFuncs[f.Name] {
			found = true
		}
	})
	return found
}

// substituteAliases replaces references to select-list aliases with the aliased expressions. It
// looks through operators only: a name inside a function call, CONTAINS or an element access is the
// table's column.
func substituteAliases(e parser.Expr, aliases map[string]parser.Expr) parser.Expr {
	return parser.Rewrite(e, func(x parser.Expr) (parser.Expr, bool) {
		switch x := x.(type) {
		case *parser.ColumnRef:
			if a, ok := aliases[x.Name]; ok {
				return a, true
			}
			return x, true
		case *parser.Unary, *parser.Binary, *parser.Between, *parser.In, *parser.IsNull:
			return nil, false
		}
		return x, true
	})
}
