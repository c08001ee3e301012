package executor

import (
	"fmt"
	"time"

	"github.com/cqlscan/cqlscan/executor/agg"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
)

// Options tune execution.
type Options struct {
	// Concurrency is the number of sub-ranges queried at once.
	Concurrency int
	// PerHost caps the requests in flight on any one host.
	PerHost int
	// FetchSize is the page size of range queries.
	FetchSize int
	// HostNames maps host ids to addresses for messages and stats; ids are used where missing.
	HostNames map[string]string
	// Stats, when set, collects per-host figures and progress.
	Stats *Stats
	// MaxRetries is how many times a failed request is retried (default DefaultMaxRetries); a
	// negative value means none.
	MaxRetries int
	// RetryBase is the first backoff between retries, doubled at each retry (with jitter) up to
	// MaxBackoff. Default 100ms.
	RetryBase time.Duration
	// MaxRows and MaxRequests, when positive, bound rows per second (read or counted) and requests
	// per second over the whole run.
	MaxRows, MaxRequests float64
	// KeepGoing makes range aggregates finish every range they can when one fails for good, and then
	// report all failures in a *ScanError; Journal learns of every range completed meanwhile.
	KeepGoing bool
	// Journal, when set, is told of each range aggregate's completed ranges and their partial rows.
	Journal Journal
	// Done lists ranges already aggregated by an earlier run, with their partial rows: a resumed
	// range aggregate emits those rows and reads only the rest of its ranges.
	Done []DoneRange
	// Changes decides which rows an incremental read (planner.ChangedRows) delivers.
	Changes Changes
	// Emitted, when set, is told of each sub-range of a range scan read in order (no ORDER BY above
	// it) once its last row has gone to the scan's consumer: with operators that pass rows on as
	// they come, every row of the range has then reached the output.
	Emitted func(r ring.Range)
	// Skip lists token ranges a range scan does not read (a resumed incremental read's, or a resumed
	// aggregate's).
	Skip []ring.Range
	// Groups, when set, is the group table a HashAggregate adds its rows to (see NewGroupTable),
	// holding what a resumed scan had aggregated; its input is then read in token order, so that at
	// each Emitted call the table holds exactly the rows of the sub-ranges emitted so far.
	Groups *agg.Table
}

// Default execution settings.
const (
	DefaultConcurrency = 16
	DefaultPerHost     = 8
	DefaultFetchSize   = 5000
	DefaultMaxRetries  = 6
	defaultRetryBase   = 100 * time.Millisecond
	// MaxBackoff caps the wait between two attempts.
	MaxBackoff = 5 * time.Second
	// minPageSize is as small as a page gets when pages time out.
	minPageSize = 50
	// maxSplitDepth bounds adaptive splitting: a range is halved at most this many times (2^-16 of its
	// width), since below a partition's token nothing narrower can be asked.
	maxSplitDepth = 16
)

// DoneRange is a range whose partial aggregate rows are known.
type DoneRange struct {
	Range ring.Range
	Rows  []Row
}

// Journal records completed ranges of range aggregates, for checkpoints. Implementations must be
// safe for concurrent use.
type Journal interface {
	RangeDone(r ring.Range, rows []Row)
}

// Executor builds iterators for plan trees.
type Executor struct {
	q        Querier
	opt      Options
	picker   *ReplicaPicker
	throttle *throttle
}

// New returns an executor that runs queries through q.
func New(q Querier, opt Options) *Executor {
	if opt.Concurrency <= 0 {
		opt.Concurrency = DefaultConcurrency
	}
	if opt.PerHost <= 0 {
		opt.PerHost = DefaultPerHost
	}
	if opt.FetchSize <= 0 {
		opt.FetchSize = DefaultFetchSize
	}
	if opt.MaxRetries == 0 {
		opt.MaxRetries = DefaultMaxRetries
	}
	if opt.RetryBase <= 0 {
		opt.RetryBase = defaultRetryBase
	}
	return &Executor{q: q, opt: opt, picker: NewReplicaPicker(opt.PerHost),
		throttle: newThrottle(opt.MaxRequests, opt.MaxRows, opt.FetchSize)}
}

// Build returns the iterator that runs node. Without ORDER BY, rows come in the order Cassandra
// itself returns them (token order, then clustering order; for partition reads, key order) wherever
// that order shows in the result; where it cannot (see childOrdered), scans run unordered.
func (e *Executor) Build(node planner.Node) (Iter, error) { return e.build(node, true) }

// build returns the iterator of node; ordered says whether the order of node's rows shows.
func (e *Executor) build(node planner.Node, ordered bool) (Iter, error) {
	switch n := node.(type) {
	case *planner.RangeAggregate:
		it, err := newRangeAggregateIter(n, e)
		if err != nil {
			return nil, err
		}
		return it.pool(false), nil
	case *planner.MergeAggregate:
		child, err := e.build(n.Child, childOrdered(n, ordered))
		if err != nil {
			return nil, err
		}
		return &mergeAggIter{child: child, aggs: n.Aggs, finals: n.Finals}, nil
	}
	if it, err := e.buildOperator(node, ordered); it != nil || err != nil {
		return it, err
	}
	return nil, fmt.Errorf("executor: no iterator for plan node %T", node)
}

func (e *Executor) hostName(id string) string {
	if name, ok := e.opt.HostNames[id]; ok {
		return name
	}
	return id
}
