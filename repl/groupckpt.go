package repl

import (
	"fmt"
	"strings"
	"sync"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/executor/agg"
	"github.com/cqlscan/cqlscan/executor/checkpoint"
	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
)

// progressSaver saves a scan's progress: when it fails or is stopped (Save), and when it has
// finished with --checkpoint or --resume (Finish, after which a --resume of the file is refused).
type progressSaver interface {
	Save() error
	Finish() error
	File() string
}

// rangeSaver is a range aggregate's recorder (its partial rows per sub-range).
type rangeSaver struct{ rec *checkpoint.Recorder }

func (r rangeSaver) Save() error   { return r.rec.Save() }
func (r rangeSaver) Finish() error { return r.rec.Finish() }
func (r rangeSaver) File() string  { return r.rec.Path }

// groupSaver is a client-side aggregate's recorder: the sub-ranges done and the group table.
type groupSaver struct {
	rec   *checkpoint.GroupRecorder
	table *agg.Table
}

func (g groupSaver) Save() error { return g.rec.SaveLast() } // the table may hold part of a range

func (g groupSaver) Finish() error { return g.rec.Finish(g.table) }
func (g groupSaver) File() string  { return g.rec.Path }

// findGroupAggregate returns the HashAggregate of a plan that aggregates on the client rows of a
// range scan, or nil.
func findGroupAggregate(n planner.Node) *planner.HashAggregate {
	for ; n != nil && len(n.Children()) > 0; n = n.Children()[0] {
		if ha, ok := n.(*planner.HashAggregate); ok {
			if _, scans := leaf(ha).(*planner.RangeScan); scans {
				return ha
			}
			return nil
		}
	}
	return nil
}

// groupCheckpointFor sets up --checkpoint and --resume of an aggregate the client computes (GROUP BY
// on any expression, COUNT(DISTINCT), HAVING, ORDER BY on top): the scan's input is read in token
// order into a group table given to the executor, and each time a sub-range has gone into it whole,
// the ranges done and the table (whose size grows with the groups, not the rows) are saved, at most
// every second. A resumed scan loads the table and reads only the ranges left. Without either flag
// nothing is set up: the scan reads in any order, as fast as it can, and saves nothing.
func (s *Session) groupCheckpointFor(sel *parser.Select, ha *planner.HashAggregate, plan planner.Node, opt *executor.Options) (progressSaver, error) {
	if s.Checkpoint == "" && s.Resume == "" {
		return nil, nil
	}
	scan := leaf(plan).(*planner.RangeScan)
	table, err := executor.NewGroupTable(ha)
	if err != nil {
		return nil, err
	}
	key := checkpoint.Key{Query: sel.String(), Keyspace: s.Keyspace, Ring: scan.Ring}
	shape := groupShape(ha)
	var done []ring.Range
	if s.Resume != "" {
		if done, err = checkpoint.LoadGroups(s.Resume, key, shape, table); err != nil {
			return nil, err
		}
	}
	path := s.Checkpoint
	if path == "" {
		path = s.Resume // a resumed scan keeps its file up to date
	}
	rec := checkpoint.NewGroupRecorder(path, key, shape, done)
	if err := rec.Begin(table); err != nil {
		return nil, err
	}
	var once sync.Once
	opt.Groups, opt.Skip = table, done
	opt.Emitted = func(r ring.Range) {
		if err := rec.RangeDone(r, table); err != nil {
			once.Do(func() { fmt.Fprintf(s.Err, "checkpoint: warning: progress not saved: %v\n", err) })
		}
	}
	return groupSaver{rec, table}, nil
}

// groupShape names a HashAggregate's aggregates and group types, which a group checkpoint must match.
func groupShape(ha *planner.HashAggregate) string {
	parts := make([]string, 0, len(ha.Aggs)+len(ha.Groups))
	for _, g := range ha.Groups {
		parts = append(parts, "group "+g.Type().String())
	}
	for _, a := range ha.Aggs {
		parts = append(parts, a.String()+" "+a.T.String())
	}
	return strings.Join(parts, ", ")
}
