package executor

import (
	"fmt"

	"github.com/cqlscan/cqlscan/planner"
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
	// Stats, when set, collects per-host figures.
	Stats *Stats
}

// Default execution settings.
const (
	DefaultConcurrency = 16
	DefaultPerHost     = 8
	DefaultFetchSize   = 5000
)

// Executor builds iterators for plan trees.
type Executor struct {
	q      Querier
	opt    Options
	picker *ReplicaPicker
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
	return &Executor{q: q, opt: opt, picker: NewReplicaPicker(opt.PerHost)}
}

// Build returns the iterator that runs node.
func (e *Executor) Build(node planner.Node) (Iter, error) {
	switch n := node.(type) {
	case *planner.RangeAggregate:
		return newRangeAggregateIter(n, e).pool(), nil
	case *planner.MergeAggregate:
		child, err := e.Build(n.Child)
		if err != nil {
			return nil, err
		}
		return &mergeAggIter{child: child, aggs: n.Aggs, finals: n.Finals}, nil
	}
	if it, err := e.buildOperator(node); it != nil || err != nil {
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
