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

// Restriction is a condition on one column that Cassandra applies itself, with ALLOW FILTERING,
// inside every query of a scan: Column Op Value. The value goes with the query as a bind value
// where its type allows (the executor decides), so that a long literal is converted once and
// never copied into the statement of every sub-range.
type Restriction struct {
	Column string      // the column as CQL names it, quoted where needed
	Op     string      // = < <= > >=
	Value  *expr.Const // typed as the column
}

// String prints the restriction with its value as a literal, as EXPLAIN shows it.
func (r Restriction) String() string { return r.Column + " " + r.Op + " " + r.Value.Text }

// restrictionList prints restrictions joined by AND, as EXPLAIN shows them.
func restrictionList(rs []Restriction) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, " AND ")
}

// pushable returns the restrictions that Cassandra can apply itself, with ALLOW FILTERING, inside
// every range query: column op constant on clustering, regular and static columns of simple types,
// at most one = or one bound on each side per column (CQL refuses more). all reports whether every
// term of the condition was pushed. Terms pushed are still checked on the client: pushing only
// narrows what is sent, so results stay exact even where CQL's rules differ in a corner.
func pushable(cond expr.Expr, sc *scanScope) (restrictions []Restriction, all bool) {
	if cond == nil {
		return nil, true
	}
	type bounds struct{ eq, lo, hi *Restriction }
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
		sel := sc.sel[col.Index]
		if sel.Token {
			continue // token bounds clip the ranges scanned (tokenBounds): exactly this term
		}
		cqlName := sel.CQL
		column := sc.table.Column(sel.Column)
		if column == nil || column.Kind == schema.PartitionKey || !pushableType(col.T) || k.T.Kind != col.T.Kind {
			all = false
			continue
		}
		b := per[cqlName]
		if b == nil {
			b = &bounds{}
			per[cqlName] = b
			order = append(order, cqlName)
		}
		term := &Restriction{Column: cqlName, Op: cmp.Op, Value: k}
		switch {
		case cmp.Op == "=" && b.eq == nil:
			b.eq = term
		case (cmp.Op == ">" || cmp.Op == ">=") && b.lo == nil:
			b.lo = term
		case (cmp.Op == "<" || cmp.Op == "<=") && b.hi == nil:
			b.hi = term
		default:
			all = false
		}
	}
	for _, name := range order {
		b := per[name]
		if b.eq != nil {
			if b.lo != nil || b.hi != nil {
				all = false // CQL allows no bound beside an equality; the client applies them
			}
			restrictions = append(restrictions, *b.eq)
			continue
		}
		for _, t := range []*Restriction{b.lo, b.hi} {
			if t != nil {
				restrictions = append(restrictions, *t)
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

// pushedAggregates splits aggregates into partial columns Cassandra computes per range and the final
// computation that merges them exactly: count(*), count(col), min(col) and max(col) directly; sum(col)
// as sum(CAST(col AS varint)) for integer columns (so no range can overflow), as a double for float,
// as-is for double, varint and decimal, always with count(col) beside it so that a sum of nothing is
// NULL; avg(col) as that sum and count. ok is false if any aggregate cannot be split so.
func pushedAggregates(aggs []Aggregate, sc *scanScope) (partials []PushedAgg, finals []FinalAgg, ok bool) {
	index := map[string]int{}
	partial := func(p PushedAgg) int {
		k := p.String()
		if i, seen := index[k]; seen {
			return i
		}
		partials = append(partials, p)
		index[k] = len(partials) - 1
		return len(partials) - 1
	}
	bigint := types.Of(types.BigInt)
	for _, a := range aggs {
		if a.Distinct {
			return nil, nil, false
		}
		if a.Star {
			finals = append(finals, FinalAgg{Func: "count", Value: partial(PushedAgg{AggCount, "*", bigint}), Count: -1, T: a.T, Name: a.String()})
			continue
		}
		col, isCol := a.Arg.(*expr.Col)
		if !isCol {
			return nil, nil, false
		}
		if sc.sel[col.Index].Column == "" {
			return nil, nil, false // writetime(), ttl(), token()
		}
		cql := sc.sel[col.Index].CQL
		f := FinalAgg{Func: a.Func, Count: -1, T: a.T, Name: a.String()}
		switch a.Func {
		case "count":
			f.Value = partial(PushedAgg{AggCount, cql, bigint})
		case "min", "max":
			if !pushableType(col.T) {
				return nil, nil, false
			}
			f.Value = partial(PushedAgg{AggFunc(a.Func), cql, col.T})
		case "sum", "avg":
			arg, t := cql, col.T
			switch {
			case col.T.IsInteger():
				arg, t = "CAST("+cql+" AS varint)", types.Of(types.Varint)
			case col.T.Kind == types.Float:
				arg, t = "CAST("+cql+" AS double)", types.Of(types.Double)
			}
			f.Value = partial(PushedAgg{AggSum, arg, t})
			f.Count = partial(PushedAgg{AggCount, cql, bigint})
		default:
			return nil, nil, false
		}
		finals = append(finals, f)
	}
	return partials, finals, true
}
