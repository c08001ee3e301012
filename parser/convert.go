package parser

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// converter turns sqlparser's AST into ours, refusing what CQL and cqlscan do not have.
type converter struct{ rw *rewrite }

func unsupported(what string) error { return fmt.Errorf("%s is %w", what, ErrUnsupported) }

func (c *converter) selectStmt(s *sqlparser.Select) (*Select, error) {
	out := &Select{Distinct: s.Distinct != ""}
	if len(s.From) != 1 {
		return nil, unsupported("selecting from several tables (JOIN)")
	}
	ate, ok := s.From[0].(*sqlparser.AliasedTableExpr)
	if !ok {
		return nil, unsupported("JOIN")
	}
	tn, ok := ate.Expr.(sqlparser.TableName)
	if !ok {
		return nil, unsupported("a subquery in FROM")
	}
	if !ate.As.IsEmpty() {
		return nil, unsupported("a table alias")
	}
	out.Table = TableName{Keyspace: tn.Qualifier.String(), Name: tn.Name.String()}
	for _, se := range s.SelectExprs {
		switch e := se.(type) {
		case *sqlparser.StarExpr:
			out.Exprs = append(out.Exprs, SelectExpr{Expr: &Star{}})
		case *sqlparser.AliasedExpr:
			x, err := c.expr(e.Expr)
			if err != nil {
				return nil, err
			}
			out.Exprs = append(out.Exprs, SelectExpr{Expr: x, Alias: e.As.String()})
		default:
			return nil, unsupported(fmt.Sprintf("select item %s", sqlparser.String(se)))
		}
	}
	var err error
	if s.Where != nil {
		if out.Where, err = c.expr(s.Where.Expr); err != nil {
			return nil, err
		}
	}
	for _, g := range s.GroupBy {
		x, err := c.expr(g)
		if err != nil {
			return nil, err
		}
		out.GroupBy = append(out.GroupBy, x)
	}
	if s.Having != nil {
		if out.Having, err = c.expr(s.Having.Expr); err != nil {
			return nil, err
		}
	}
	for _, o := range s.OrderBy {
		x, err := c.expr(o.Expr)
		if err != nil {
			return nil, err
		}
		out.OrderBy = append(out.OrderBy, OrderItem{Expr: x, Desc: o.Direction == sqlparser.DescScr})
	}
	if s.Limit != nil {
		if s.Limit.Offset != nil {
			return nil, unsupported("OFFSET")
		}
		v, ok := s.Limit.Rowcount.(*sqlparser.SQLVal)
		if !ok || v.Type != sqlparser.IntVal {
			return nil, fmt.Errorf("LIMIT takes a whole number")
		}
		n, err := strconv.ParseInt(string(v.Val), 10, 64)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("LIMIT must be a positive whole number, not %s", v.Val)
		}
		out.Limit = &n
	}
	return out, nil
}

var comparisonOps = map[string]string{
	sqlparser.EqualStr: "=", sqlparser.LessThanStr: "<", sqlparser.GreaterThanStr: ">",
	sqlparser.LessEqualStr: "<=", sqlparser.GreaterEqualStr: ">=", sqlparser.NotEqualStr: "!=",
	sqlparser.LikeStr: "like",
}

var arithmeticOps = map[string]string{
	sqlparser.PlusStr: "+", sqlparser.MinusStr: "-", sqlparser.MultStr: "*", sqlparser.DivStr: "/",
	sqlparser.ModStr: "%",
}

func (c *converter) expr(e sqlparser.Expr) (Expr, error) {
	switch e := e.(type) {
	case *sqlparser.ColName:
		// CQL has no table-qualified columns: a.b is field b of the user type in column a, a.b.c a
		// field of that field.
		if e.Qualifier.IsEmpty() {
			return &ColumnRef{Name: e.Name.String()}, nil
		}
		var x Expr = &ColumnRef{Name: e.Qualifier.Name.String()}
		if !e.Qualifier.Qualifier.IsEmpty() {
			x = &Field{X: &ColumnRef{Name: e.Qualifier.Qualifier.String()}, Name: e.Qualifier.Name.String()}
		}
		return &Field{X: x, Name: e.Name.String()}, nil
	case *sqlparser.SQLVal:
		return c.literal(e)
	case sqlparser.BoolVal:
		return &Literal{Kind: LitBool, Text: strconv.FormatBool(bool(e))}, nil
	case *sqlparser.NullVal:
		return &Literal{Kind: LitNull, Text: "null"}, nil
	case *sqlparser.ParenExpr:
		return c.expr(e.Expr)
	case *sqlparser.AndExpr:
		return c.binary("and", e.Left, e.Right)
	case *sqlparser.OrExpr:
		return c.binary("or", e.Left, e.Right)
	case *sqlparser.NotExpr:
		x, err := c.expr(e.Expr)
		if err != nil {
			return nil, err
		}
		return &Unary{Op: "not", X: x}, nil
	case *sqlparser.ComparisonExpr:
		return c.comparison(e)
	case *sqlparser.RangeCond:
		x, err := c.exprs(e.Left, e.From, e.To)
		if err != nil {
			return nil, err
		}
		return &Between{X: x[0], Lo: x[1], Hi: x[2], Not: e.Operator == sqlparser.NotBetweenStr}, nil
	case *sqlparser.IsExpr:
		x, err := c.expr(e.Expr)
		if err != nil {
			return nil, err
		}
		switch e.Operator {
		case sqlparser.IsNullStr:
			return &IsNull{X: x}, nil
		case sqlparser.IsNotNullStr:
			return &IsNull{X: x, Not: true}, nil
		}
		return nil, unsupported(strings.ToUpper(e.Operator))
	case *sqlparser.BinaryExpr:
		op, ok := arithmeticOps[e.Operator]
		if !ok {
			return nil, unsupported("operator " + e.Operator)
		}
		return c.binary(op, e.Left, e.Right)
	case *sqlparser.UnaryExpr:
		if e.Operator != sqlparser.UMinusStr {
			return nil, unsupported("operator " + e.Operator)
		}
		x, err := c.expr(e.Expr)
		if err != nil {
			return nil, err
		}
		return &Unary{Op: "-", X: x}, nil
	case *sqlparser.FuncExpr:
		return c.funcCall(e)
	case *sqlparser.Subquery, *sqlparser.ExistsExpr:
		return nil, unsupported("a subquery")
	case *sqlparser.CaseExpr:
		return nil, unsupported("CASE")
	}
	return nil, unsupported(fmt.Sprintf("expression %s", sqlparser.String(e)))
}

func (c *converter) exprs(es ...sqlparser.Expr) ([]Expr, error) {
	out := make([]Expr, len(es))
	for i, e := range es {
		x, err := c.expr(e)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

func (c *converter) binary(op string, l, r sqlparser.Expr) (Expr, error) {
	x, err := c.exprs(l, r)
	if err != nil {
		return nil, err
	}
	return &Binary{Op: op, L: x[0], R: x[1]}, nil
}

func (c *converter) comparison(e *sqlparser.ComparisonExpr) (Expr, error) {
	if e.Operator == sqlparser.InStr || e.Operator == sqlparser.NotInStr {
		x, err := c.expr(e.Left)
		if err != nil {
			return nil, err
		}
		tuple, ok := e.Right.(sqlparser.ValTuple)
		if !ok {
			return nil, unsupported("IN with a subquery")
		}
		list, err := c.exprs(tuple...)
		if err != nil {
			return nil, err
		}
		return &In{X: x, List: list, Not: e.Operator == sqlparser.NotInStr}, nil
	}
	op, ok := comparisonOps[e.Operator]
	if !ok {
		return nil, unsupported("operator " + e.Operator)
	}
	if e.Escape != nil {
		return nil, unsupported("LIKE … ESCAPE")
	}
	return c.binary(op, e.Left, e.Right)
}

func (c *converter) funcCall(f *sqlparser.FuncExpr) (Expr, error) {
	out := &FuncCall{Keyspace: f.Qualifier.String(), Name: f.Name.String(), Distinct: f.Distinct}
	if out.Keyspace == "" && isInternal(out.Name) {
		return c.cqlForm(f)
	}
	for _, a := range f.Exprs {
		switch a := a.(type) {
		case *sqlparser.StarExpr:
			out.Args = append(out.Args, &Star{})
		case *sqlparser.AliasedExpr:
			x, err := c.expr(a.Expr)
			if err != nil {
				return nil, err
			}
			out.Args = append(out.Args, x)
		default:
			return nil, unsupported("argument " + sqlparser.String(a))
		}
	}
	return out, nil
}

func (c *converter) literal(v *sqlparser.SQLVal) (Expr, error) {
	switch v.Type {
	case sqlparser.IntVal:
		return &Literal{Kind: LitInt, Text: string(v.Val)}, nil
	case sqlparser.FloatVal:
		return &Literal{Kind: LitFloat, Text: string(v.Val)}, nil
	case sqlparser.ValArg:
		if l, ok := c.rw.literals[strings.TrimPrefix(string(v.Val), ":")]; ok {
			return l, nil
		}
		return nil, unsupported("bind marker " + string(v.Val))
	}
	return nil, unsupported("literal " + sqlparser.String(v))
}

func isInternal(name string) bool {
	switch name {
	case fnContains, fnContainsKey, fnElem, fnSet, fnList, fnMap, fnCast:
		return true
	}
	return false
}

// cqlForm converts the internal calls of rewriteCQLForms back into CQL's own forms.
func (c *converter) cqlForm(f *sqlparser.FuncExpr) (Expr, error) {
	var args []Expr
	for _, a := range f.Exprs {
		ae, ok := a.(*sqlparser.AliasedExpr)
		if !ok {
			return nil, unsupported("* inside a collection")
		}
		x, err := c.expr(ae.Expr)
		if err != nil {
			return nil, err
		}
		args = append(args, x)
	}
	switch name := f.Name.String(); name {
	case fnCast:
		ty, ok := args[1].(*Literal)
		if len(args) != 2 || !ok {
			return nil, fmt.Errorf("CAST takes (value AS type)")
		}
		return &Cast{X: args[0], Type: ty.Text}, nil
	case fnContains, fnContainsKey:
		return &Contains{X: args[0], Value: args[1], Key: name == fnContainsKey}, nil
	case fnElem:
		if len(args) != 2 {
			return nil, fmt.Errorf("element access takes one key")
		}
		return &Index{X: args[0], Key: args[1]}, nil
	case fnMap:
		if len(args)%2 != 0 {
			return nil, fmt.Errorf("a map literal needs key: value pairs")
		}
		return &Collection{Kind: "map", Elems: args}, nil
	case fnList:
		return &Collection{Kind: "list", Elems: args}, nil
	}
	return &Collection{Kind: "set", Elems: args}, nil
}
