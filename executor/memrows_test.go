package executor

import (
	"context"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
)

// The operator tests (op_*_test.go) build each client operator from its planner node, as a
// statement would, over a RangeScan (or RangeAggregate) of memTable answered by a memSource: rows
// held in memory, no cluster.

// memTable is the table the operator tests read; its partition key is p.
var memTable = &schema.Table{Keyspace: "ops", Name: "mem", Columns: []schema.Column{
	{Name: "p", Type: "int", Kind: schema.PartitionKey, Position: 0}}}

// memSource is a Querier without a cluster: it holds rows at tokens, and a range query gets the
// rows whose token is in its range (lo, hi], in the order they were given, in one page. Each
// request first waits delay(lo, hi), or until its context ends. It counts the requests.
type memSource struct {
	rows  []memRow
	delay func(lo, hi int64) time.Duration
	calls atomic.Int64
}

// memRow is one row of a memSource, at a token.
type memRow struct {
	token int64
	vals  Row
}

// memRows holds rows at tokens 1, 2, 3, …: all in the one range of memRanges().
func memRows(rows ...Row) *memSource {
	src := &memSource{}
	for i, r := range rows {
		src.rows = append(src.rows, memRow{token: int64(i + 1), vals: r})
	}
	return src
}

// holding makes every request of src wait until its context ends.
func holding(src *memSource) *memSource {
	src.delay = func(int64, int64) time.Duration { return time.Hour }
	return src
}

func (m *memSource) QueryPage(ctx context.Context, req PageRequest) (Page, error) {
	m.calls.Add(1)
	lo, hi := tokenBounds(req)
	if m.delay != nil {
		if err := sleep(ctx, m.delay(lo, hi)); err != nil {
			return Page{}, err
		}
	}
	var page Page
	for _, r := range m.rows {
		if r.token > lo && r.token <= hi {
			page.Rows = append(page.Rows, slices.Clone(r.vals)) // the scan normalises rows in place
		}
	}
	return page, nil
}

// tokenBounds reads the token range (lo, hi] of a range query of a table keyed by p: its token
// conditions come first, before any restriction pushed with them (which a memSource does not apply:
// the client applies the whole WHERE again).
func tokenBounds(req PageRequest) (lo, hi int64) {
	lo, hi = math.MinInt64, math.MaxInt64
	args := req.Args
	if strings.Contains(req.Stmt, "token(p) > ?") {
		lo, args = args[0].(int64), args[1:]
	}
	if strings.Contains(req.Stmt, "token(p) <= ?") {
		hi = args[0].(int64)
	}
	return lo, hi
}

// memRanges cuts the ring at ends: (Min, e0], (e0, e1], …, (eN, Max]. With no ends it is the one
// range (Min, Max].
func memRanges(ends ...int64) []ring.Range {
	p := ring.Murmur3
	var out []ring.Range
	start := p.Min
	for _, e := range ends {
		end := big.NewInt(e)
		out = append(out, ring.Range{Start: start, End: end})
		start = end
	}
	return append(out, ring.Range{Start: start, End: p.Max})
}

// memScan reads cols of memTable over ranges (nil: the whole ring as one range).
func memScan(ranges []ring.Range, cols ...planner.ScanColumn) *planner.RangeScan {
	if ranges == nil {
		ranges = memRanges()
	}
	return &planner.RangeScan{Table: memTable, Partitioner: ring.Murmur3, Ranges: ranges, Selectors: cols}
}

// memCol is a selector of memTable: the column name, of kind k.
func memCol(name string, k types.Kind) planner.ScanColumn {
	return planner.ScanColumn{CQL: name, Name: name, Type: types.Of(k), Column: name}
}

// ref is a bound reference to position i of a row, a column of kind k.
func ref(i int, name string, k types.Kind) *expr.Col {
	return &expr.Col{Index: i, Name: name, T: types.Of(k)}
}

// aggOf is the aggregate fn(arg) with the result type the planner gives it (planner/bind.go):
// count is a bigint; sum and avg of an integer column a bigint, of a float a double, otherwise the
// column's type; min and max the column's type.
func aggOf(fn string, arg *expr.Col, distinct bool) planner.Aggregate {
	a := planner.Aggregate{Func: fn, Arg: arg, Distinct: distinct, T: arg.T}
	switch {
	case fn == "count":
		a.T = types.Of(types.BigInt)
	case (fn == "sum" || fn == "avg") && arg.T.IsInteger():
		a.T = types.Of(types.BigInt)
	case (fn == "sum" || fn == "avg") && arg.T.Kind == types.Float:
		a.T = types.Of(types.Double)
	}
	return a
}

var countStar = planner.Aggregate{Func: "count", Star: true, T: types.Of(types.BigInt)}

// nullConst is the literal NULL.
var nullConst = &expr.Const{Value: nil, T: types.Of(types.Null), Text: "NULL"}

// runPlan builds node on src as a statement's plan would be built, and reads all of it, with a
// deadline so that a hang fails rather than stalls the test.
func runPlan(t *testing.T, src Querier, node planner.Node) ([]Row, error) {
	t.Helper()
	it, err := New(src, Options{Concurrency: 4}).Build(node)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return Drain(ctx, it)
}

// mustRun is runPlan for plans that must not fail.
func mustRun(t *testing.T, src Querier, node planner.Node) []Row {
	t.Helper()
	rows, err := runPlan(t, src, node)
	if err != nil {
		t.Fatalf("%s: %v", node.Describe(), err)
	}
	return rows
}

// showRows prints rows one a line with each value's Go type, so that the int 1, the double 1.0 and
// the varint 1 differ, and NULL and Empty show apart.
func showRows(rows []Row) string {
	lines := make([]string, len(rows))
	for i, r := range rows {
		parts := make([]string, len(r))
		for j, v := range r {
			parts[j] = showValue(v)
		}
		lines[i] = "(" + strings.Join(parts, ", ") + ")"
	}
	return strings.Join(lines, "\n")
}

// showSorted is showRows with the lines sorted, for results whose order is not promised.
func showSorted(rows []Row) string {
	lines := strings.Split(showRows(rows), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func showValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case types.Empty:
		return "EMPTY"
	case string:
		return strconv.Quote(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64) + "d"
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("%T(%v)", v, v)
}

// pick returns rows[i] for each i, for the expected results of cases that keep some rows.
func pick(rows []Row, idx ...int) []Row {
	out := make([]Row, len(idx))
	for k, i := range idx {
		out[k] = rows[i]
	}
	return out
}

// uuidOf parses a canonical uuid.
func uuidOf(t *testing.T, s string) types.UUIDValue {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	var u types.UUIDValue
	if err != nil || len(b) != len(u) {
		t.Fatalf("bad uuid %q", s)
	}
	copy(u[:], b)
	return u
}
