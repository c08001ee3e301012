package planner

import (
	"strings"

	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
)

// conjuncts splits a condition into its top-level AND terms.
func conjuncts(e expr.Expr) []expr.Expr {
	if a, ok := e.(*expr.And); ok {
		return append(conjuncts(a.L), conjuncts(a.R)...)
	}
	return []expr.Expr{e}
}

// pushable returns the CQL restrictions that Cassandra can apply itself, with ALLOW FILTERING, inside
// every range query: column op constant on clustering, regular and static columns of simple types,
// at most one = or one bound on each side per column (CQL refuses more). all reports whether every
// term of the condition was pushed. Terms pushed are still checked on the client: pushing only
// narrows what is sent, so results stay exact even where CQL's rules differ in a corner.
func pushable(cond expr.Expr, sc *scanScope) (restrictions []string, all bool) {
	if cond == nil {
		return nil, true
	}
	type bounds struct{ eq, lo, hi string }
	per := map[string]*bounds{}
	var order []string
	all = true
	for _, c := range conjuncts(cond) {
		cmp, ok := c.(*expr.Compare)
		col, isCol := (*expr.Col)(nil), false
		k, isConst := (*expr.Const)(nil), false
		if ok {
			col, isCol = cmp.L.(*expr.Col)
			k, isConst = cmp.R.(*expr.Const)
		}
		if !ok || !isCol || !isConst || k.Value == nil || cmp.Op == "!=" {
			all = false
			continue
		}
		cqlName := sc.sel[col.Index].CQL
		if strings.HasPrefix(cqlName, "token(") {
			continue // token bounds clip the ranges scanned (tokenBounds): exactly this term
		}
		column := sc.table.Column(unquote(cqlName))
		if column == nil || column.Kind == schema.PartitionKey || !pushableType(col.T) {
			all = false
			continue
		}
		b := per[cqlName]
		if b == nil {
			b = &bounds{}
			per[cqlName] = b
			order = append(order, cqlName)
		}
		term := cqlName + " " + cmp.Op + " " + k.Text
		switch {
		case cmp.Op == "=" && b.eq == "":
			b.eq = term
		case (cmp.Op == ">" || cmp.Op == ">=") && b.lo == "":
			b.lo = term
		case (cmp.Op == "<" || cmp.Op == "<=") && b.hi == "":
			b.hi = term
		default:
			all = false
		}
	}
	for _, name := range order {
		b := per[name]
		if b.eq != "" {
			if b.lo != "" || b.hi != "" {
				all = false // CQL allows no bound beside an equality; the client applies them
			}
			restrictions = append(restrictions, b.eq)
			continue
		}
		for _, t := range []string{b.lo, b.hi} {
			if t != "" {
				restrictions = append(restrictions, t)
			}
		}
	}
	return restrictions, all
}

// pushableType reports whether Cassandra filters values of t exactly as cqlscan compares them.
func pushableType(t types.Type) bool {
	switch t.Kind {
	case types.Ascii, types.Text, types.TinyInt, types.SmallInt, types.Int, types.BigInt, types.Varint,
		types.Decimal, types.Float, types.Double, types.Boolean, types.Blob, types.UUID, types.TimeUUID,
		types.Timestamp, types.Date, types.Time, types.Inet:
		return true
	}
	return false
}

// unquote undoes parser.QuoteIdent for a plain column selector.
func unquote(s string) string {
	if strings.HasPrefix(s, `"`) && strings.HasSuffix(s, `"`) {
		return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	return s
}

// pushedAggregates converts aggregates Cassandra can compute per range and that merge exactly:
// count(*), count(col), min(col), max(col) on plain columns. ok is false if any other is present.
func pushedAggregates(aggs []Aggregate, sc *scanScope) ([]PushedAgg, bool) {
	out := make([]PushedAgg, 0, len(aggs))
	for _, a := range aggs {
		if a.Distinct {
			return nil, false
		}
		if a.Star {
			out = append(out, PushedAgg{Func: AggCount, Arg: "*", T: a.T})
			continue
		}
		col, ok := a.Arg.(*expr.Col)
		if !ok || (a.Func != "count" && a.Func != "min" && a.Func != "max") {
			return nil, false
		}
		cql := sc.sel[col.Index].CQL
		if sc.table.Column(unquote(cql)) == nil || (a.Func != "count" && !pushableType(col.T)) {
			return nil, false // writetime(), ttl(), token() or a type compared differently
		}
		out = append(out, PushedAgg{Func: AggFunc(a.Func), Arg: cql, T: a.T})
	}
	return out, true
}
