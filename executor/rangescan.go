package executor

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
)

// read is one query of a scan: a token sub-range, or one partition, and the replicas that hold it
// (none: let the driver pick a coordinator).
type read struct {
	rng       ring.Range
	partition string // set for partition reads, for messages
	stmt      string
	args      []any
	replicas  []string
	depth     int // how many times the range was halved to get here
	pageSize  int // 0: the fetch size; smaller once pages of the range timed out
}

func (rd read) String() string {
	if rd.partition != "" {
		return "partition " + rd.partition
	}
	return "token range " + rd.rng.String()
}

// scanIter runs a RangeScan, a PartitionRead or a RangeAggregate: a readPool over its reads, each
// paged through on a replica with retries (runRead), every completed page normalised to the
// selectors' types and emitted.
type scanIter struct {
	reads []read
	sels  []planner.ScanColumn
	ex    *Executor
	// rowsIn says how many table rows a page stands for, in the stats (default: its length).
	rowsIn func(page []Row) int64
	// build makes the statement of a token range, so that a range can be split; nil for partition
	// reads, which cannot be.
	build func(r ring.Range) (string, []any)
	part  *ring.Partitioner
	// aggregate marks range aggregates: their completed ranges go to the journal, and they may keep
	// going past a failed range.
	aggregate bool
	// done are partial rows from an earlier run, emitted before the reads' rows.
	done []Row
	// rowsFallback, for range aggregates, reads a range's rows instead when the aggregate query keeps
	// timing out even on narrow ranges (one huge partition cannot be split by token, and Cassandra
	// gives an aggregate one timeout for all of it): the partials are then computed here, page by page.
	rowsFallback *rowsFallback
	// idle, set by the pool, reports whether a worker has nothing to do; a read whose first page
	// shows it holds more than a page is then halved, so that the idle worker takes half (see
	// runRead). Nil: reads are never split for size.
	idle func() bool
	// sizeSplits allows splitting reads for size (not for scans with a LIMIT per range).
	sizeSplits bool
}

// rowsFallback is how a range aggregate reads rows instead: the arguments of its aggregates.
type rowsFallback struct {
	aggs  []planner.PushedAgg
	sels  []planner.ScanColumn
	build func(r ring.Range) (string, []any)
}

// fallbackDepth is how many times an aggregate range is halved before it reads rows instead.
const fallbackDepth = 3

// pool returns the iterator that runs the reads: with ordered, one that emits their rows in the
// order of the reads; otherwise the faster one that emits pages as they complete.
func (it *scanIter) pool(ordered bool) Iter {
	ranges := make([]ring.Range, len(it.reads))
	for i, rd := range it.reads {
		ranges[i] = rd.rng
	}
	it.ex.opt.Stats.addPlanned(ranges)
	keepGoing := it.aggregate && it.ex.opt.KeepGoing
	rp := &readPool{concurrency: it.ex.opt.Concurrency, reads: it.reads, run: it.runRead, outcome: outcome{keepGoing: keepGoing}}
	var p Iter = rp
	idle := rp.idle
	if ordered {
		op := &orderedPool{concurrency: it.ex.opt.Concurrency, reads: it.reads, run: it.runRead, outcome: outcome{keepGoing: keepGoing}}
		if !it.aggregate && it.build != nil {
			op.emitted = it.ex.opt.Emitted // range reads: each has its token range
		}
		p, idle = op, op.idle
	}
	if it.build != nil && it.sizeSplits {
		it.idle = idle
	}
	if len(it.done) > 0 {
		return &prefixIter{rows: it.done, rest: p}
	}
	return p
}

// newRangeReads plans one read per sub-range.
func newRangeReads(sels []planner.ScanColumn, t *schema.Table, p *ring.Partitioner, ranges []ring.Range,
	restrictions []planner.Restriction, ppl, limit int64, ex *Executor) *scanIter {
	from := "SELECT " + selectorList(sels) + " FROM " + tableRef(t)
	it := &scanIter{sels: sels, ex: ex, part: p}
	rs := restrictionTerms(restrictions)
	it.build = func(r ring.Range) (string, []any) { return rangeStatement(from, t, p, r, rs, ppl, limit) }
	// A LIMIT per range caps the page: a full page then says nothing about the range's size.
	it.sizeSplits = limit == 0
	for _, r := range ranges {
		stmt, args := it.build(r)
		it.reads = append(it.reads, read{rng: r, stmt: stmt, args: args, replicas: r.Replicas})
	}
	return it
}

// newRangeScanIter reads the rows of every sub-range.
func newRangeScanIter(n *planner.RangeScan, ex *Executor) *scanIter {
	return newRangeReads(n.Selectors, n.Table, n.Partitioner, n.Ranges, n.Restrictions, n.PerPartitionLimit, n.Limit, ex)
}

// newRangeAggregateIter reads each sub-range's partial aggregates, one row per sub-range, for the
// MergeAggregate above it to fold. Ranges the executor's Done list already covers are not read
// again: their partial rows are emitted as they were recorded.
func newRangeAggregateIter(n *planner.RangeAggregate, ex *Executor) (*scanIter, error) {
	sels := make([]planner.ScanColumn, len(n.Aggregates))
	for i, a := range n.Aggregates {
		sels[i] = planner.ScanColumn{CQL: a.String(), Name: a.String(), Type: a.T}
	}
	ranges := n.Ranges
	var done []Row
	if len(ex.opt.Done) > 0 {
		var covered []ring.Range
		for _, d := range ex.opt.Done {
			covered = append(covered, d.Range)
			for _, r := range d.Rows {
				if len(r) != len(sels) {
					return nil, fmt.Errorf("a recorded range has %d partial values, the plan wants %d", len(r), len(sels))
				}
				done = append(done, r)
			}
		}
		var err error
		if ranges, err = ring.Subtract(n.Ranges, covered); err != nil {
			return nil, err
		}
	}
	it := newRangeReads(sels, n.Table, n.Partitioner, ranges, n.Restrictions, 0, 0, ex)
	it.aggregate, it.done = true, done
	fb := &rowsFallback{aggs: n.Aggregates}
	for _, a := range n.Aggregates {
		c := planner.ScanColumn{CQL: a.Arg, Name: a.Arg, Type: a.T}
		switch {
		case a.Arg == "*":
			c = planner.ScanColumn{CQL: planner.TokenCall(n.Table), Name: "token", Type: types.Of(types.BigInt)}
		case a.Func == planner.AggCount:
			c.Type = types.Type{} // only whether it is NULL matters
		}
		fb.sels = append(fb.sels, c)
	}
	from := "SELECT " + selectorList(fb.sels) + " FROM " + tableRef(n.Table)
	rs := restrictionTerms(n.Restrictions)
	fb.build = func(r ring.Range) (string, []any) {
		return rangeStatement(from, n.Table, n.Partitioner, r, rs, 0, 0)
	}
	it.rowsFallback = fb
	if n.Aggregates[0].Func == planner.AggCount {
		it.rowsIn = func(page []Row) int64 { // the rows counted, not the one row that says so
			var rows int64
			for _, r := range page {
				c, _ := r[0].(int64)
				rows += c
			}
			return rows
		}
	}
	return it, nil
}

// newPartitionReadIter plans one read per partition, in the plan's order (Cassandra's). Keys and
// restrictions go as bind values where their types allow, so that every read sends the same
// statement, which the driver prepares once, and a long key is never copied into a statement.
func newPartitionReadIter(n *planner.PartitionRead, ex *Executor) *scanIter {
	from := "SELECT " + selectorList(n.Selectors) + " FROM " + tableRef(n.Table)
	rs := restrictionTerms(n.Restrictions)
	it := &scanIter{sels: n.Selectors, ex: ex, reads: make([]read, 0, len(n.Keys))}
	var last, lastStmt string // reads whose keys are all bound share one statement string
	for i, k := range n.Keys {
		key := keyTerms(n.Table, k)
		where := strings.Join(key.cql, " AND ")
		if where != last {
			last, lastStmt = where, statement(from, key.cql, rs.cql, n.PerPartitionLimit, 0)
		}
		args := append(key.args, rs.args...)
		rd := read{partition: planner.PartitionWhere(n.Table, k), stmt: lastStmt, args: args}
		if i < len(n.Replicas) {
			rd.replicas = n.Replicas[i] // routed as range reads are; none: the driver's choice
		}
		it.reads = append(it.reads, rd)
	}
	return it
}

func selectorList(sels []planner.ScanColumn) string {
	parts := make([]string, len(sels))
	for i, c := range sels {
		parts[i] = c.CQL
	}
	return strings.Join(parts, ", ")
}

// runRead reads every page of one read. A failed page is asked again from the paging state of
// the last completed page, so rows already emitted are never read twice: after a host failure on
// another replica, after a timeout with a smaller page. A range that keeps timing out before its
// first page is split in two instead, the halves returned to be queued. Backoff between attempts
// doubles from RetryBase, with jitter, up to MaxBackoff.
func (it *scanIter) runRead(ctx context.Context, rd read, emit func([]Row) error) ([]read, error) {
	ex := it.ex
	began := time.Now()
	req := PageRequest{Stmt: rd.stmt, Args: rd.args, PageSize: ex.opt.FetchSize}
	if rd.pageSize > 0 {
		req.PageSize = rd.pageSize
	}
	var (
		rows             int64
		kept             []Row // a range aggregate's partial rows, for the journal
		failed, timeouts int   // attempts of the current page that failed, and how many timed out
		avoid            = map[string]bool{}
		name             string
		partial          Row // partials computed here, once a range aggregate reads rows instead
	)
	fail := func(err error) error {
		return &RangeError{Range: rd.rng, Partition: rd.partition, Host: name, Err: err}
	}
	for {
		if err := ex.throttle.request(ctx); err != nil {
			return nil, err
		}
		host, err := ex.picker.Acquire(ctx, rd.replicas, avoid)
		if err != nil {
			return nil, err
		}
		req.HostID, name = host, ex.hostName(host)
		t0 := time.Now()
		page, err := ex.q.QueryPage(ctx, req)
		ex.picker.Release(host)
		if err == nil {
			ex.picker.Answered(host)
			sels := it.sels
			if partial != nil {
				sels = it.rowsFallback.sels
			}
			if err := normalizePage(sels, page.Rows); err != nil {
				return nil, fail(err)
			}
			if req.PageState == nil && page.Next != nil && partial == nil && it.idle != nil &&
				rd.depth < maxSplitDepth && it.idle() {
				// The range holds more than a page and a worker has nothing to do: halve it, and let
				// this first page go unread (nothing of it was emitted), so both halves start clean.
				rd.pageSize = req.PageSize
				if pieces := it.split(rd); len(pieces) == 2 {
					ex.opt.Stats.sizeSplit()
					return pieces, ex.throttle.paid(ctx, int64(len(page.Rows)))
				}
			}
			if partial != nil { // fold the page into the partials; emit them when the range is done
				it.rowsFallback.fold(partial, page.Rows)
				if page.Next == nil {
					page.Rows = []Row{partial}
				} else {
					page.Rows = nil
				}
			}
			n := it.count(page.Rows)
			ex.opt.Stats.page(name, n, time.Since(t0))
			rows += n
			failed, timeouts = 0, 0
			if it.aggregate && ex.opt.Journal != nil {
				kept = append(kept, page.Rows...)
			}
			if len(page.Rows) > 0 {
				if err := emit(page.Rows); err != nil {
					return nil, err
				}
			}
			if page.Next == nil {
				it.finished(rd, name, rows, kept, time.Since(began))
				return nil, ex.throttle.paid(ctx, n) // the range is done even if this wait is cut short
			}
			if err := ex.throttle.paid(ctx, n); err != nil {
				return nil, err
			}
			req.PageState = page.Next
			continue
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		kind := kindOf(err)
		if kind == HostFailure {
			ex.picker.Failed(host)
			avoid[host] = true
		}
		failed++
		switch {
		case kind == Fatal:
			return nil, fail(err)
		case failed > max(ex.opt.MaxRetries, 0):
			return nil, fail(fmt.Errorf("gave up after %s: %w", attempts(failed), err))
		case kind == HostFailure && ex.picker.AllDead(rd.replicas):
			return nil, fail(fmt.Errorf("every replica is down (%s): %w", attempts(failed), err))
		}
		ex.opt.Stats.retry(name)
		if kind == Timeout {
			// Ask for less: a smaller page; when the range keeps timing out before its first page,
			// half the range; and for an aggregate already halved fallbackDepth times (Cassandra
			// gives a whole range aggregation one timeout), its rows instead.
			timeouts++
			req.PageSize = max(minPageSize, req.PageSize/2)
			if partial == nil && it.rowsFallback != nil && rd.depth >= fallbackDepth && timeouts >= 2 {
				req.Stmt, req.Args = it.rowsFallback.build(rd.rng)
				req.PageSize, req.PageState = ex.opt.FetchSize, nil
				partial = it.rowsFallback.start()
				failed, timeouts = 0, 0
				ex.opt.Stats.fallback()
				continue
			}
			if req.PageState == nil && timeouts >= 2 && it.build != nil && rd.depth < maxSplitDepth {
				rd.pageSize = req.PageSize
				if pieces := it.split(rd); len(pieces) == 2 {
					ex.opt.Stats.split()
					return pieces, nil
				}
			}
		}
		if err := sleep(ctx, backoff(ex.opt.RetryBase, failed)); err != nil {
			return nil, err
		}
	}
}

// finished records a completed read in the stats and, for range aggregates, the journal.
func (it *scanIter) finished(rd read, host string, rows int64, kept []Row, d time.Duration) {
	it.ex.opt.Stats.readDone(ReadTiming{What: rd.String(), Range: rd.rng, Host: host, Duration: d, Rows: rows})
	if it.aggregate && it.ex.opt.Journal != nil {
		it.ex.opt.Journal.RangeDone(rd.rng, kept)
	}
}

// split halves a range read; nil when the range is too narrow to halve.
func (it *scanIter) split(rd read) []read {
	halves := ring.Split([]ring.Range{rd.rng}, it.part, 2)
	if len(halves) != 2 {
		return nil
	}
	out := make([]read, 2)
	for i, h := range halves {
		stmt, args := it.build(h)
		out[i] = read{rng: h, stmt: stmt, args: args, replicas: rd.replicas, depth: rd.depth + 1, pageSize: rd.pageSize}
	}
	return out
}

func (it *scanIter) count(page []Row) int64 {
	if it.rowsIn != nil {
		return it.rowsIn(page)
	}
	return int64(len(page))
}

func normalizePage(sels []planner.ScanColumn, page []Row) error {
	for _, row := range page {
		if err := normalizeRow(sels, row); err != nil {
			return &QueryError{Kind: Fatal, Err: err}
		}
	}
	return nil
}

// start returns the partials of no rows: 0 for counts, NULL for the rest.
func (f *rowsFallback) start() Row {
	p := make(Row, len(f.aggs))
	for i, a := range f.aggs {
		p[i] = mergeValue(a, nil, nil)
	}
	return p
}

// fold adds a page of argument rows to the partials, as Cassandra's own aggregates would.
func (f *rowsFallback) fold(p Row, page []Row) {
	for _, row := range page {
		for i, a := range f.aggs {
			v := row[i]
			if a.Func == planner.AggCount {
				if v != nil || a.Arg == "*" {
					v = int64(1)
				} else {
					v = int64(0)
				}
			}
			p[i] = mergeValue(a, p[i], v)
		}
	}
}

// backoff is the wait before attempt n+1 (n ≥ 1): base·2^(n-1), capped at MaxBackoff, of which a
// random half is jitter so that ranges failing together do not retry together.
func backoff(base time.Duration, n int) time.Duration {
	d := MaxBackoff
	if n-1 < 20 {
		d = min(MaxBackoff, base<<(n-1))
	}
	return d/2 + rand.N(d/2+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func normalizeRow(sels []planner.ScanColumn, row Row) error {
	if len(row) != len(sels) {
		return fmt.Errorf("got %d columns, selected %d", len(row), len(sels))
	}
	for i, v := range row {
		nv, err := types.Normalize(sels[i].Type, v)
		if err != nil {
			return fmt.Errorf("column %s: %w", sels[i].Name, err)
		}
		row[i] = nv
	}
	return nil
}

// attempts says "1 attempt", "2 attempts", ….
func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}
