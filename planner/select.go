package planner

import (
	"fmt"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
)

// selectItem is one output column of the select list, after * is expanded.
type selectItem struct {
	ast  parser.Expr
	name string
}

// planScan plans a SELECT that streams rows to the client: a RangeScan of just the columns the
// statement uses, then, as needed, Filter (WHERE), HashAggregate, Filter (HAVING), Project, Distinct,
// Sort or TopK, Limit, and a last Project that drops ORDER BY keys that were not selected.
func planScan(sel *parser.Select, table *schema.Table, r *ring.Ring, subs []ring.Range, ringRanges, hosts int) (Node, error) {
	sc, err := newScanScope(table, r.Partitioner)
	if err != nil {
		return nil, err
	}
	scanB := &binder{resolve: sc.resolve}
	scan := &RangeScan{Table: table, Partitioner: r.Partitioner, Ranges: subs, RingRanges: ringRanges, Hosts: hosts}
	var node Node = scan
	if sel.Where != nil {
		if containsAggregate(sel.Where) {
			return nil, fmt.Errorf("aggregates are not allowed in WHERE; use HAVING")
		}
		cond, err := scanB.bind(sel.Where)
		if err != nil {
			return nil, fmt.Errorf("WHERE: %w", err)
		}
		if err := checkBool(cond); err != nil {
			return nil, fmt.Errorf("WHERE: %w", err)
		}
		node = &Filter{Child: node, Cond: cond, What: "WHERE"}
	}
	if ppl := sel.PerPartitionLimit; ppl != nil {
		if sel.Where == nil {
			scan.PerPartitionLimit = *ppl // Cassandra applies it, before anything reaches us
		} else {
			pl := &PartitionLimit{Child: node, N: *ppl}
			for _, c := range table.PartitionKey() {
				col, err := sc.column(c.Name)
				if err != nil {
					return nil, err
				}
				pl.Keys = append(pl.Keys, col.Index)
			}
			node = pl
		}
	}

	items, err := expandItems(sel, table)
	if err != nil {
		return nil, err
	}
	aliases := map[string]parser.Expr{}
	for i, it := range items {
		if a := sel.Exprs; i < len(a) && a[i].Alias != "" {
			aliases[a[i].Alias] = it.ast
		}
	}

	isAgg := len(sel.GroupBy) > 0 || sel.Having != nil
	for _, it := range items {
		isAgg = isAgg || containsAggregate(it.ast)
	}
	for _, o := range sel.OrderBy {
		isAgg = isAgg || containsAggregate(substituteAliases(o.Expr, aliases))
	}

	outB := scanB
	var agg *HashAggregate
	var as *aggScope
	var havingCond expr.Expr
	if isAgg {
		as = &aggScope{scan: scanB}
		for _, g := range sel.GroupBy {
			g = substituteAliases(g, aliases)
			if containsAggregate(g) {
				return nil, fmt.Errorf("GROUP BY %s: aggregates cannot be grouped by", g)
			}
			x, err := scanB.bind(g)
			if err != nil {
				return nil, fmt.Errorf("GROUP BY: %w", err)
			}
			as.groups = append(as.groups, x)
			as.groupKey = append(as.groupKey, g.String())
		}
		outB = &binder{resolve: as.resolve}
		if sel.Having != nil {
			if havingCond, err = outB.bind(substituteAliases(sel.Having, aliases)); err != nil {
				return nil, fmt.Errorf("HAVING: %w", err)
			}
			if err := checkBool(havingCond); err != nil {
				return nil, fmt.Errorf("HAVING: %w", err)
			}
		}
		// The select list and ORDER BY, bound below, may add aggregates: agg.Aggs is set after them.
		agg = &HashAggregate{Child: node, Groups: as.groups}
		node = agg
		if havingCond != nil {
			node = &Filter{Child: node, Cond: havingCond, What: "HAVING"}
		}
	}

	proj := &Project{Child: node}
	for _, it := range items {
		x, err := outB.bind(it.ast)
		if err != nil {
			return nil, err
		}
		proj.Exprs = append(proj.Exprs, x)
		proj.Names = append(proj.Names, it.name)
	}
	visible := len(proj.Exprs)

	var keys []SortKey
	for _, o := range sel.OrderBy {
		e := substituteAliases(o.Expr, aliases)
		idx := -1
		for i, it := range items {
			if it.ast.String() == e.String() {
				idx = i
				break
			}
		}
		if idx < 0 {
			if sel.Distinct {
				return nil, fmt.Errorf("with SELECT DISTINCT, ORDER BY %s must be in the select list", o.Expr)
			}
			x, err := outB.bind(e)
			if err != nil {
				return nil, fmt.Errorf("ORDER BY: %w", err)
			}
			proj.Exprs = append(proj.Exprs, x)
			proj.Names = append(proj.Names, e.String())
			idx = len(proj.Exprs) - 1
		}
		t := proj.Exprs[idx].Type()
		if !t.Comparable() {
			return nil, fmt.Errorf("%w: cannot ORDER BY %s, %s values have no order", ErrType, o.Expr, t)
		}
		keys = append(keys, SortKey{Index: idx, Desc: o.Desc, T: t, Name: o.Expr.String()})
	}
	if agg != nil {
		agg.Aggs = as.aggs
	}
	node = proj
	if sel.Distinct {
		node = &Distinct{Child: node}
	}
	switch {
	case len(keys) > 0 && sel.Limit != nil:
		node = &Sort{Child: node, Keys: keys, Limit: *sel.Limit}
	case len(keys) > 0:
		node = &Sort{Child: node, Keys: keys}
	case sel.Limit != nil:
		node = &Limit{Child: node, N: *sel.Limit}
	}
	if len(proj.Exprs) > visible {
		strip := &Project{Child: node}
		for i := 0; i < visible; i++ {
			strip.Exprs = append(strip.Exprs, &expr.Col{Index: i, Name: proj.Names[i], T: proj.Exprs[i].Type()})
			strip.Names = append(strip.Names, proj.Names[i])
		}
		node = strip
	}
	if len(sc.sel) == 0 {
		// A statement that reads no column (count(*) with HAVING, say) still needs rows: select the
		// first partition key column, which every row has.
		sc.selector(parser.QuoteIdent(table.PartitionKey()[0].Name), table.PartitionKey()[0].Name, sc.colTypes[table.PartitionKey()[0].Name])
	}
	scan.Selectors = sc.sel
	return node, nil
}

// expandItems expands * into every column, in cqlsh's order, and names the output columns.
func expandItems(sel *parser.Select, table *schema.Table) ([]selectItem, error) {
	var items []selectItem
	for _, e := range sel.Exprs {
		if _, star := e.Expr.(*parser.Star); star {
			if len(sel.Exprs) > 1 {
				return nil, fmt.Errorf("* cannot be combined with other select items")
			}
			for _, c := range table.Columns {
				items = append(items, selectItem{ast: &parser.ColumnRef{Name: c.Name}, name: c.Name})
			}
			continue
		}
		name := e.Alias
		if name == "" {
			switch x := e.Expr.(type) {
			case *parser.ColumnRef:
				name = x.Name
			case *parser.FuncCall:
				name = x.String()
				if x.Name == "count" && len(x.Args) == 1 && !x.Distinct {
					if _, star := x.Args[0].(*parser.Star); star {
						name = "count"
					}
				}
			default:
				name = e.Expr.String()
			}
		}
		items = append(items, selectItem{ast: e.Expr, name: name})
	}
	return items, nil
}
