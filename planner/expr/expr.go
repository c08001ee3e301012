// Package expr holds bound expressions: names resolved to row positions and literals typed, ready to
// be evaluated on rows. Predicates follow SQL's three-valued logic, with nil as unknown (NULL).
package expr

import (
	"fmt"
	"strings"
	"sync"

	"github.com/cqlscan/cqlscan/planner/types"
)

// Expr is a bound expression.
type Expr interface {
	// Eval computes the expression on a row; nil is NULL.
	Eval(row []any) (any, error)
	// Type is the CQL type of the result.
	Type() types.Type
	// String prints the expression for EXPLAIN.
	String() string
}

// Col reads the value at a row position.
type Col struct {
	Index int
	Name  string
	T     types.Type
}

// Const is a constant.
type Const struct {
	Value any
	T     types.Type
	Text  string // as written, for EXPLAIN
}

// Compare is a comparison: = != < <= > >=.
type Compare struct {
	Op   string
	L, R Expr
}

// And, Or and Not are the logical connectives.
type (
	And struct{ L, R Expr }
	Or  struct{ L, R Expr }
	Not struct{ X Expr }
)

// In is x IN (list).
type In struct {
	X    Expr
	List []Expr

	// A long list of constants is looked up by key (types.Key agrees with Compare's equality)
	// instead of compared element by element, so that filtering is not quadratic.
	once    sync.Once
	set     map[string]bool
	hasNull bool
}

// minInSet is the list length from which In looks constants up in a set.
const minInSet = 16

// IsNull is x IS [NOT] NULL.
type IsNull struct {
	X      Expr
	Negate bool
}

// Like is x LIKE pattern, with % and _ as wildcards; it is case-sensitive.
type Like struct {
	X       Expr
	Pattern string
}

var (
	_ Expr = (*Col)(nil)
	_ Expr = (*Const)(nil)
	_ Expr = (*Compare)(nil)
	_ Expr = (*And)(nil)
	_ Expr = (*Or)(nil)
	_ Expr = (*Not)(nil)
	_ Expr = (*In)(nil)
	_ Expr = (*IsNull)(nil)
	_ Expr = (*Like)(nil)
)

var boolType = types.Of(types.Boolean)

// Eval implements Expr.
func (c *Col) Eval(row []any) (any, error) { return row[c.Index], nil }

// Type implements Expr.
func (c *Col) Type() types.Type { return c.T }
func (c *Col) String() string   { return c.Name }

// Eval implements Expr.
func (c *Const) Eval([]any) (any, error) { return c.Value, nil }

// Type implements Expr.
func (c *Const) Type() types.Type { return c.T }
func (c *Const) String() string   { return c.Text }

// Eval implements Expr.
func (c *Compare) Eval(row []any) (any, error) {
	l, err := c.L.Eval(row)
	if err != nil || l == nil {
		return nil, err
	}
	r, err := c.R.Eval(row)
	if err != nil || r == nil {
		return nil, err
	}
	n := types.Compare(c.L.Type(), l, r)
	switch c.Op {
	case "=":
		return n == 0, nil
	case "!=":
		return n != 0, nil
	case "<":
		return n < 0, nil
	case "<=":
		return n <= 0, nil
	case ">":
		return n > 0, nil
	case ">=":
		return n >= 0, nil
	}
	return nil, fmt.Errorf("unknown comparison %s", c.Op)
}

// Type implements Expr.
func (c *Compare) Type() types.Type { return boolType }
func (c *Compare) String() string   { return paren(c.L) + " " + c.Op + " " + paren(c.R) }

// unknown reports whether v is NULL or Empty (zero bytes), which arithmetic, collection access and
// conditions treat alike: their result is NULL (unknown).
func unknown(v any) bool { return v == nil || types.IsEmpty(v) }

// truth evaluates a predicate to true, false or nil (unknown).
func truth(e Expr, row []any) (any, error) {
	v, err := e.Eval(row)
	if err != nil || unknown(v) {
		return nil, err
	}
	b, ok := v.(bool)
	if !ok {
		return nil, fmt.Errorf("%s is %s, not a boolean condition", e, e.Type())
	}
	return b, nil
}

// Eval implements Expr: false wins over unknown.
func (a *And) Eval(row []any) (any, error) {
	l, err := truth(a.L, row)
	if err != nil || l == false {
		return l, err
	}
	r, err := truth(a.R, row)
	if err != nil || r == false {
		return r, err
	}
	if l == nil || r == nil {
		return nil, nil
	}
	return true, nil
}

// Type implements Expr.
func (a *And) Type() types.Type { return boolType }
func (a *And) String() string   { return paren(a.L) + " AND " + paren(a.R) }

// Eval implements Expr: true wins over unknown.
func (o *Or) Eval(row []any) (any, error) {
	l, err := truth(o.L, row)
	if err != nil || l == true {
		return l, err
	}
	r, err := truth(o.R, row)
	if err != nil || r == true {
		return r, err
	}
	if l == nil || r == nil {
		return nil, nil
	}
	return false, nil
}

// Type implements Expr.
func (o *Or) Type() types.Type { return boolType }
func (o *Or) String() string   { return paren(o.L) + " OR " + paren(o.R) }

// Eval implements Expr: NOT unknown is unknown.
func (n *Not) Eval(row []any) (any, error) {
	v, err := truth(n.X, row)
	if err != nil || v == nil {
		return nil, err
	}
	return !v.(bool), nil
}

// Type implements Expr.
func (n *Not) Type() types.Type { return boolType }
func (n *Not) String() string   { return "NOT " + paren(n.X) }

// Eval implements Expr: true if x equals an element, else unknown if x or an element is NULL.
func (in *In) Eval(row []any) (any, error) {
	x, err := in.X.Eval(row)
	if err != nil || x == nil {
		return nil, err
	}
	if in.once.Do(in.buildSet); in.set != nil {
		switch {
		case in.set[types.Key(x)]:
			return true, nil
		case in.hasNull:
			return nil, nil
		}
		return false, nil
	}
	sawNull := false
	for _, e := range in.List {
		v, err := e.Eval(row)
		if err != nil {
			return nil, err
		}
		if v == nil {
			sawNull = true
			continue
		}
		if types.Compare(in.X.Type(), x, v) == 0 {
			return true, nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return false, nil
}

// buildSet makes the lookup set of a long list of constants; it leaves set nil otherwise.
func (in *In) buildSet() {
	if len(in.List) < minInSet {
		return
	}
	set := make(map[string]bool, len(in.List))
	for _, e := range in.List {
		c, ok := e.(*Const)
		if !ok {
			return
		}
		if c.Value == nil {
			in.hasNull = true
			continue
		}
		set[types.Key(c.Value)] = true
	}
	in.set = set
}

// Type implements Expr.
func (in *In) Type() types.Type { return boolType }
func (in *In) String() string {
	parts := make([]string, len(in.List))
	for i, e := range in.List {
		parts[i] = e.String()
	}
	return paren(in.X) + " IN (" + strings.Join(parts, ", ") + ")"
}

// Eval implements Expr.
func (n *IsNull) Eval(row []any) (any, error) {
	v, err := n.X.Eval(row)
	if err != nil {
		return nil, err
	}
	return (v == nil) != n.Negate, nil
}

// Type implements Expr.
func (n *IsNull) Type() types.Type { return boolType }
func (n *IsNull) String() string {
	if n.Negate {
		return paren(n.X) + " IS NOT NULL"
	}
	return paren(n.X) + " IS NULL"
}

// Eval implements Expr.
func (l *Like) Eval(row []any) (any, error) {
	v, err := l.X.Eval(row)
	if err != nil || v == nil {
		return nil, err
	}
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("LIKE needs text, %s is %s", l.X, l.X.Type())
	}
	return likeMatch(s, l.Pattern), nil
}

// Type implements Expr.
func (l *Like) Type() types.Type { return boolType }
func (l *Like) String() string {
	return paren(l.X) + " LIKE '" + strings.ReplaceAll(l.Pattern, "'", "''") + "'"
}

// likeMatch matches s against a pattern where % is any run of characters and _ is one character.
func likeMatch(s, p string) bool {
	sr, pr := []rune(s), []rune(p)
	// Iterative matching with backtracking to the last %.
	si, pi, star, mark := 0, 0, -1, 0
	for si < len(sr) {
		switch {
		case pi < len(pr) && pr[pi] == '%': // a wildcard, even where the text holds a '%' too
			star, mark = pi, si
			pi++
		case pi < len(pr) && (pr[pi] == '_' || pr[pi] == sr[si]):
			si++
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(pr) && pr[pi] == '%' {
		pi++
	}
	return pi == len(pr)
}

func paren(e Expr) string {
	switch e.(type) {
	case *Col, *Const, *Func:
		return e.String()
	}
	return "(" + e.String() + ")"
}
