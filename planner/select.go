package planner

import (
	"fmt"
	"slices"
	"strconv"

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

// boundSelect is a SELECT with every expression bound, before its plan is assembled.
type boundSelect struct {
	sc       *scanScope
	where    expr.Expr
	ppl      *int64
	isAgg    bool
	agg      *aggScope
	having   expr.Expr
	exprs    []expr.Expr // select items, then hidden ORDER BY keys
	names    []string
	visible  int
	keys     []SortKey
	distinct bool
	limit    *int64
}

// planScan plans a SELECT that reads rows from every sub-range: what Cassandra can do is pushed into
// the range queries (restrictions; whole aggregates when nothing else is left for the client), the
// rest runs here: Filter (WHERE), HashAggregate, Filter (HAVING), Project, Distinct, Sort or TopK,
// Limit, and a last Project that drops ORDER BY keys that were not selected. With a cursor, a
// ChangedRows after the WHERE keeps only the rows changed since its mark.
func planScan(sel *parser.Select, table *schema.Table, src ringSource, replica map[string]OutputColumn, cur *Cursor) (Node, error) {
	b, err := bindSelect(sel, table, src.partitioner, replica)
	if err != nil {
		return nil, err
	}
	if cur != nil {
		if err := cursorRefusal(b); err != nil {
			return nil, err
		}
	}
	restrictions, allPushed := pushable(b.where, b.sc)

	// The source of rows: the partitions the WHERE names, or the token ranges it allows.
	var source Node
	keys, fixing := fixedPartitions(b.where, b.sc)
	var subs []ring.Range
	var hosts int
	var sizing string
	filter := b.where
	if keys != nil {
		source = &PartitionRead{Table: table, Keys: keys, Restrictions: restrictions,
			Replicas: keyReplicas(keys, src.partitioner, src.ranges)}
		// Every row read satisfies the terms that named its partition: the client need not check
		// them again (for a long IN list, that would cost the list's length for every row).
		filter = without(b.where, fixing)
	} else {
		lo, hi := tokenBounds(b.where, b.sc, src.partitioner)
		subs, hosts, sizing = src.sized(clipRanges(src.ranges, lo, hi))
		source = &RangeScan{Table: table, Partitioner: src.partitioner, Ranges: subs, RingRanges: len(src.ranges),
			Hosts: hosts, Restrictions: restrictions, Sizing: sizing, Ring: src.fingerprint}
	}

	var node Node
	if partials, finals, ok := pushedAggregates(b.aggs(), b.sc); ok && keys == nil && b.isAgg && len(b.agg.groups) == 0 && allPushed && b.ppl == nil {
		// Every predicate and aggregate runs on the replicas: one partial row per sub-range, merged here.
		ra := &RangeAggregate{Table: table, Partitioner: src.partitioner, Aggregates: partials,
			Restrictions: restrictions, Ranges: subs, RingRanges: len(src.ranges), Hosts: hosts, Ring: src.fingerprint,
			Sizing: sizing}
		outs := make([]OutputColumn, len(finals))
		for i, f := range finals {
			outs[i] = OutputColumn{Name: f.Name, Type: f.T}
		}
		node = &MergeAggregate{Child: ra, Outputs: outs, Aggs: partials, Finals: finals}
	} else {
		node = source
		if filter != nil {
			node = &Filter{Child: node, Cond: filter, What: "WHERE"}
		}
		if cur != nil {
			if node, err = addChangedRows(node, b, table, cur); err != nil {
				return nil, err
			}
		}
		if b.ppl != nil {
			pr, isRead := source.(*PartitionRead)
			if rs, ok := source.(*RangeScan); ok && b.where == nil {
				rs.PerPartitionLimit = *b.ppl // Cassandra applies it, before anything reaches us
			} else if isRead && filter == nil {
				pr.PerPartitionLimit = *b.ppl
			} else {
				pl := &PartitionLimit{Child: node, N: *b.ppl}
				for _, c := range table.PartitionKey() {
					col, err := b.sc.column(c.Name)
					if err != nil {
						return nil, err
					}
					pl.Keys = append(pl.Keys, col.Index)
				}
				node = pl
			}
		}
		if b.isAgg {
			node = &HashAggregate{Child: node, Groups: b.agg.groups, Aggs: b.agg.aggs,
				KeyOrder: len(b.agg.groups) > 0 && b.startsWithPartitionKey(b.agg.groups)}
		}
	}
	if b.having != nil {
		node = &Filter{Child: node, Cond: b.having, What: "HAVING"}
	}
	node = &Project{Child: node, Exprs: b.exprs, Names: b.names}
	if b.distinct {
		node = &Distinct{Child: node, KeyOrder: b.holdsPartitionKey(b.exprs[:b.visible])}
	}
	switch {
	case len(b.keys) > 0 && b.limit != nil:
		node = &Sort{Child: node, Keys: b.keys, Limit: *b.limit}
	case len(b.keys) > 0:
		node = &Sort{Child: node, Keys: b.keys}
	case b.limit != nil:
		node = &Limit{Child: node, N: *b.limit}
		if rs, ok := source.(*RangeScan); ok && b.where == nil && !b.isAgg && !b.distinct && *b.limit > 0 {
			rs.Limit = *b.limit // every row of a range passes: no range need send more
		}
	}
	if len(b.exprs) > b.visible {
		strip := &Project{Child: node}
		for i := 0; i < b.visible; i++ {
			strip.Exprs = append(strip.Exprs, &expr.Col{Index: i, Name: b.names[i], T: b.exprs[i].Type()})
			strip.Names = append(strip.Names, b.names[i])
		}
		node = strip
	}
	if len(b.sc.sel) == 0 {
		// A statement that reads no column (count(*) with HAVING, say) still needs rows: select the
		// first partition key column, which every row has.
		if _, err := b.sc.column(table.PartitionKey()[0].Name); err != nil {
			return nil, err
		}
	}
	switch src := source.(type) {
	case *RangeScan:
		src.Selectors = b.sc.sel
	case *PartitionRead:
		src.Selectors = b.sc.sel
	}
	return node, nil
}

// without returns the AND of cond's top-level terms other than drop (nil if none is left).
func without(cond expr.Expr, drop []expr.Expr) expr.Expr {
	var out expr.Expr
	for _, c := range conjuncts(cond) {
		if slices.Contains(drop, c) {
			continue
		}
		if out == nil {
			out = c
		} else {
			out = &expr.And{L: out, R: c}
		}
	}
	return out
}

// scanColumn names the table column e reads as it is, or "".
func (b *boundSelect) scanColumn(e expr.Expr) string {
	if c, ok := e.(*expr.Col); ok && c.Index < len(b.sc.sel) {
		return b.sc.sel[c.Index].Column
	}
	return ""
}

// startsWithPartitionKey reports whether es begin with the partition key's columns, in key order.
func (b *boundSelect) startsWithPartitionKey(es []expr.Expr) bool {
	pk := b.sc.table.PartitionKey()
	if len(es) < len(pk) {
		return false
	}
	for i, c := range pk {
		if b.scanColumn(es[i]) != c.Name {
			return false
		}
	}
	return true
}

// holdsPartitionKey reports whether every partition key column is among es.
func (b *boundSelect) holdsPartitionKey(es []expr.Expr) bool {
	have := map[string]bool{}
	for _, e := range es {
		have[b.scanColumn(e)] = true
	}
	for _, c := range b.sc.table.PartitionKey() {
		if !have[c.Name] {
			return false
		}
	}
	return true
}

func (b *boundSelect) aggs() []Aggregate {
	if b.agg == nil {
		return nil
	}
	return b.agg.aggs
}

// bindSelect binds every expression of sel against the table.
func bindSelect(sel *parser.Select, table *schema.Table, p *ring.Partitioner, replica map[string]OutputColumn) (*boundSelect, error) {
	sc, err := newScanScope(table, p, replica)
	if err != nil {
		return nil, err
	}
	b := &boundSelect{sc: sc, ppl: sel.PerPartitionLimit, distinct: sel.Distinct, limit: sel.Limit}
	scanB := &binder{resolve: sc.resolve}
	if sel.Where != nil {
		if containsAggregate(sel.Where) {
			return nil, fmt.Errorf("aggregates are not allowed in WHERE; use HAVING")
		}
		if b.where, err = scanB.bind(sel.Where); err != nil {
			return nil, fmt.Errorf("WHERE: %w", err)
		}
		if err := checkBool(b.where); err != nil {
			return nil, fmt.Errorf("WHERE: %w", err)
		}
	}

	items, err := expandItems(sel, table, replica)
	if err != nil {
		return nil, err
	}
	aliases := map[string]parser.Expr{}
	for i, it := range items {
		if i < len(sel.Exprs) && sel.Exprs[i].Alias != "" {
			aliases[sel.Exprs[i].Alias] = it.ast
		}
	}
	b.isAgg = len(sel.GroupBy) > 0 || sel.Having != nil
	for _, it := range items {
		b.isAgg = b.isAgg || containsAggregate(it.ast)
	}
	for _, o := range sel.OrderBy {
		b.isAgg = b.isAgg || containsAggregate(substituteAliases(o.Expr, aliases))
	}

	outB := scanB
	if b.isAgg {
		b.agg = &aggScope{scan: scanB}
		for _, g := range sel.GroupBy {
			if k, ok, err := ordinal("GROUP BY", g, items); err != nil {
				return nil, err
			} else if ok {
				g = items[k].ast
			}
			g = substituteAliases(g, aliases)
			if containsAggregate(g) {
				return nil, fmt.Errorf("GROUP BY %s: aggregates cannot be grouped by", g)
			}
			x, err := scanB.bind(g)
			if err != nil {
				return nil, fmt.Errorf("GROUP BY: %w", err)
			}
			b.agg.groups = append(b.agg.groups, x)
			b.agg.groupKey = append(b.agg.groupKey, g.String())
		}
		outB = &binder{resolve: b.agg.resolve}
		if sel.Having != nil {
			if b.having, err = outB.bind(substituteAliases(sel.Having, aliases)); err != nil {
				return nil, fmt.Errorf("HAVING: %w", err)
			}
			if err := checkBool(b.having); err != nil {
				return nil, fmt.Errorf("HAVING: %w", err)
			}
		}
	}

	for _, it := range items {
		x, err := outB.bind(it.ast)
		if err != nil {
			return nil, err
		}
		b.exprs = append(b.exprs, x)
		b.names = append(b.names, it.name)
	}
	b.visible = len(b.exprs)
	for _, o := range sel.OrderBy {
		e := substituteAliases(o.Expr, aliases)
		idx, isOrdinal, err := ordinal("ORDER BY", o.Expr, items)
		if err != nil {
			return nil, err
		}
		if !isOrdinal {
			idx = -1
		}
		for i, it := range items {
			if idx < 0 && it.ast.String() == e.String() {
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
			b.exprs = append(b.exprs, x)
			b.names = append(b.names, e.String())
			idx = len(b.exprs) - 1
		}
		t := b.exprs[idx].Type()
		if !t.Comparable() {
			return nil, fmt.Errorf("%w: cannot ORDER BY %s, %s values have no order", ErrType, o.Expr, t)
		}
		name := o.Expr.String()
		if isOrdinal {
			name = items[idx].ast.String()
		}
		b.keys = append(b.keys, SortKey{Index: idx, Desc: o.Desc, T: t, Name: name})
	}
	if err := b.clusteringTail(sel, table, outB); err != nil {
		return nil, err
	}
	return b, nil
}

// clusteringTail completes an ORDER BY of leading clustering columns as Cassandra orders it: the
// rest of the clustering key follows in its declared order when the ORDER BY follows that order,
// reversed when it reverses it (ORDER BY c1 ASC on (c1 DESC, c2 ASC) gives c2 DESC). Those columns
// become hidden sort keys, so that ties break as in Cassandra.
func (b *boundSelect) clusteringTail(sel *parser.Select, table *schema.Table, outB *binder) error {
	ck := table.ClusteringKey()
	if b.isAgg || b.distinct || len(sel.OrderBy) == 0 || len(sel.OrderBy) >= len(ck) {
		return nil
	}
	reversed := sel.OrderBy[0].Desc != ck[0].Desc
	for i, o := range sel.OrderBy {
		ref, ok := o.Expr.(*parser.ColumnRef)
		if !ok || ref.Name != ck[i].Name || (o.Desc != ck[i].Desc) != reversed {
			return nil // not an ORDER BY Cassandra would take: sort by what was asked, no more
		}
	}
	for _, c := range ck[len(sel.OrderBy):] {
		x, err := outB.bind(&parser.ColumnRef{Name: c.Name})
		if err != nil {
			return err
		}
		b.exprs = append(b.exprs, x)
		b.names = append(b.names, c.Name)
		b.keys = append(b.keys, SortKey{Index: len(b.exprs) - 1, Desc: c.Desc != reversed, T: x.Type(), Name: parser.QuoteIdent(c.Name)})
	}
	return nil
}

// ordinal reads a GROUP BY or ORDER BY term that is a whole number as a position in the select list,
// counted from 1 as in SQL: ORDER BY 2 sorts by the second column. It returns the item's index.
func ordinal(clause string, e parser.Expr, items []selectItem) (int, bool, error) {
	lit, ok := e.(*parser.Literal)
	if !ok || lit.Kind != parser.LitInt {
		return 0, false, nil
	}
	k, err := strconv.Atoi(lit.Text)
	if err != nil || k < 1 || k > len(items) {
		return 0, false, fmt.Errorf("%s %s: a position in the select list must be between 1 and %d", clause, lit.Text, len(items))
	}
	return k - 1, true, nil
}

// expandItems expands * into every column, in cqlsh's order, and names the output columns as
// Cassandra names them.
func expandItems(sel *parser.Select, table *schema.Table, replica map[string]OutputColumn) ([]selectItem, error) {
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
			case *parser.FuncCall, *parser.Cast, *parser.Field:
				if oc, ok := replica[x.String()]; ok {
					name = oc.Name
				} else if f, ok := x.(*parser.FuncCall); ok {
					name = cassandraName(f)
				} else {
					name = x.String()
				}
			default:
				name = e.Expr.String()
			}
		}
		items = append(items, selectItem{ast: e.Expr, name: name})
	}
	return items, nil
}
