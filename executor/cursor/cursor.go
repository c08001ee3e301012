// Package cursor keeps what an incremental read (--cursor) remembers between runs of one SELECT,
// and decides, row by row, which rows a run delivers.
//
// A cursor has a mark: a write time in microseconds since the epoch, as writetime() gives it
// (math.MinInt64, Beginning, for a cursor that starts from the beginning). A run that begins at
// wall-clock time now moves the mark, when it succeeds, from its old value O to
//
//	N = max(O, now − settle)
//
// The settle window allows for writes whose timestamps lag the wall clock (client clocks, requests
// still in flight): a write stamped at or before now − settle is assumed to be readable when the run
// begins. A row is judged by the newest (latest) and oldest write time among its regular cells:
//
//   - a row with no regular cell set carries no write time: not delivered, counted untracked;
//   - latest ≤ O: unchanged since the mark, not delivered;
//   - the cursor's overlap (versions delivered with a write time newer than an earlier mark) holds
//     the row's key with a write time ≥ latest: already delivered, not delivered again;
//   - otherwise delivered: "new" when every cell was written after O (an insert, or a full overwrite)
//     and the key is not in the overlap, else "updated". When latest > N the version is remembered,
//     so that the next run, whose old mark is N, does not deliver it again. Only those are kept, so
//     the cursor's size is bounded by the writes of one settle window, not by the table.
//
// The guarantee, given that assumption: after a successful run with mark M, every row whose latest
// write is at or before M has had that latest version delivered, by this run or an earlier one, and
// no version (primary key, latest write time) is delivered twice. A version overwritten before any
// run read it is never delivered (Cassandra keeps only the newest cell). Deletions are not seen, and
// a row whose newest cell is deleted is judged by the cells left.
//
// A run that does not finish changes nothing: the caller saves only the state Finish returns, so a
// failed run leaves the cursor file as it was and the next run delivers the same rows again.
package cursor

import (
	"maps"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/cqlscan/cqlscan/planner/ring"
)

// Beginning is the mark of a cursor that starts from the beginning: every written row is newer.
const Beginning int64 = math.MinInt64

// Identity is what a cursor belongs to: the statement (as its String method prints it), the
// session's keyspace when it was run, the table read, "ks.t", and a fingerprint of that table's
// primary key (its columns and types: the key identities of the overlap are made of them). A
// cursor refuses any other.
type Identity struct{ Statement, Keyspace, Table, Fingerprint string }

// Version is a row version delivered in the overlap: its key's identity (see KeyOf) and its latest
// write time, µs.
type Version struct {
	Key     string `json:"key"`
	Written int64  `json:"written"`
}

// State is a cursor between runs, as its file keeps it.
type State struct {
	Identity
	Mark      int64         // µs since the epoch; Beginning (math.MinInt64): from the beginning
	Settle    time.Duration // the settle window of the last run (informational)
	NextBatch int           // the number of the next batch file (from 1)
	Runs      int           // successful runs so far
	Overlap   []Version     // versions delivered with a write time newer than Mark, sorted by Key
	Last      *Summary      // the last successful run; nil before the first
	Pending   *Pending      // a run that stopped part way, which the next run carries on; or nil
}

// Summary tells what a run did: when it began, its marks, and how many of the rows it read were
// delivered as new or updated, or not delivered (already delivered, unchanged since the mark, or
// untracked: with no regular cell, hence no write time). Future counts delivered rows whose latest
// write time is later than the run's start (clocks ahead): they stay remembered until the mark
// passes them. Batches names the batch files the run wrote.
type Summary struct {
	Began     time.Time `json:"began"`
	OldMark   int64     `json:"old_mark"`
	NewMark   int64     `json:"new_mark"`
	Read      int64     `json:"read"`
	New       int64     `json:"new"`
	Updated   int64     `json:"updated"`
	Already   int64     `json:"already"`
	Unchanged int64     `json:"unchanged"`
	Untracked int64     `json:"untracked"`
	Future    int64     `json:"future"`
	Batches   []string  `json:"batches"`
}

// Delivered is how many rows the run delivered.
func (s Summary) Delivered() int64 { return s.New + s.Updated }

// New is a cursor of id that has delivered nothing yet, starting at mark since (Beginning, or a
// --since time from ParseSince).
func New(id Identity, since int64) *State {
	return &State{Identity: id, Mark: since, NextBatch: 1}
}

// Run is one run of a cursor: it judges the rows read (Offer) and builds the next state (Finish).
// Its methods may be called from several goroutines.
type Run struct {
	mu         sync.Mutex
	id         Identity
	began      time.Time
	settle     time.Duration
	now        int64 // began, µs
	oldMark    int64
	newMark    int64
	runs       int
	nextBatch  int
	overlap    map[string]int64 // delivered by earlier runs, newest write time per key
	remembered map[string]int64 // delivered by this run with a write time newer than newMark
	sum        Summary
	err        error

	// partial are versions delivered since the last RangeDone, from ranges not yet wholly delivered;
	// done and skip are the ranges wholly delivered by this run and by the pending run it carries on.
	partial    map[string]int64
	done, skip []ring.Range
	resumed    bool
	batches    []string      // written by the pending run carried on
	prevSettle time.Duration // the state's settle, kept by Suspend
	last       *Summary      // the state's last run, kept by Suspend
}

// Begin starts a run at wall-clock time now with a settle window (a negative one counts as 0). The
// state itself is not changed.
func (s *State) Begin(now time.Time, settle time.Duration) *Run {
	settle = max(settle, 0)
	r := &Run{
		id: s.Identity, began: now, settle: settle, now: now.UnixMicro(),
		oldMark: s.Mark, runs: s.Runs, nextBatch: max(s.NextBatch, 1),
		overlap: make(map[string]int64, len(s.Overlap)), remembered: map[string]int64{},
		partial: map[string]int64{}, prevSettle: s.Settle, last: s.Last,
	}
	r.newMark = max(s.Mark, minus(r.now, settle))
	for _, v := range s.Overlap {
		if w, ok := r.overlap[v.Key]; !ok || v.Written > w {
			r.overlap[v.Key] = v.Written
		}
	}
	r.sum = Summary{Began: now, OldMark: r.oldMark, NewMark: r.newMark}
	if s.Pending != nil {
		r.resume(s.Pending)
	}
	return r
}

// minus is us − d in whole microseconds, d rounded up (so that the mark errs early, never late),
// saturating at math.MinInt64.
func minus(us int64, d time.Duration) int64 {
	step := int64((d + time.Microsecond - 1) / time.Microsecond)
	if us < math.MinInt64+step {
		return math.MinInt64
	}
	return us - step
}

// OldMark is the mark the run started from.
func (r *Run) OldMark() int64 { return r.oldMark }

// NewMark is the mark the cursor moves to when the run succeeds.
func (r *Run) NewMark() int64 { return r.newMark }

// Remembered is how many versions the cursor remembered when the run began (its overlap).
func (r *Run) Remembered() int { return len(r.overlap) }

// Offer judges a row read by the run: key is its primary key's values (partition key, then
// clustering columns), latest and oldest the newest and oldest write time (µs) among its regular
// cells, stamped false when it has none set. It reports whether the row is delivered.
//
// A key that cannot be told apart (a Go value no CQL type decodes to) is delivered, so that no row is
// lost, but not remembered; Err reports it, and the caller should fail the run.
func (r *Run) Offer(key []any, latest, oldest int64, stamped bool) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sum.Read++
	switch {
	case !stamped:
		r.sum.Untracked++
		return false
	case latest <= r.oldMark:
		r.sum.Unchanged++
		return false
	}
	k, err := KeyOf(key)
	if err != nil {
		if r.err == nil {
			r.err = err
		}
		r.sum.Updated++
		return true
	}
	before, seen := r.overlap[k]
	if seen && before >= latest {
		r.sum.Already++
		return false
	}
	if w, ok := r.remembered[k]; ok && w >= latest { // the same row read twice in one run
		r.sum.Already++
		return false
	}
	if oldest > r.oldMark && !seen {
		r.sum.New++
	} else {
		r.sum.Updated++
	}
	if latest > r.newMark {
		r.remembered[k] = max(r.remembered[k], latest)
	} else {
		r.partial[k] = max(r.partial[k], latest)
	}
	if latest > r.now {
		r.sum.Future++
	}
	return true
}

// Err is the first key Offer could not tell apart, or nil.
func (r *Run) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Summary is what the run has done so far.
func (r *Run) Summary() Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sum
}

// Finish builds the state the cursor moves to when the run has succeeded, having written batches:
// the new mark; the overlap of earlier runs and the versions this run remembered, keeping the newest
// write time per key and dropping those at or before the new mark; one more run; the next batch
// number. It does not save it, and it may be called again.
func (r *Run) Finish(batches []string) *State {
	r.mu.Lock()
	defer r.mu.Unlock()
	merged := make(map[string]int64, len(r.overlap)+len(r.remembered))
	for _, m := range []map[string]int64{r.overlap, r.remembered} {
		for k, w := range m {
			if cur, ok := merged[k]; w > r.newMark && (!ok || w > cur) {
				merged[k] = w
			}
		}
	}
	overlap := make([]Version, 0, len(merged))
	for _, k := range slices.Sorted(maps.Keys(merged)) {
		overlap = append(overlap, Version{Key: k, Written: merged[k]})
	}
	sum := r.sum
	sum.Batches = append(slices.Clone(r.batches), batches...)
	return &State{
		Identity: r.id, Mark: r.newMark, Settle: r.settle,
		NextBatch: r.nextBatch + len(batches), Runs: r.runs + 1,
		Overlap: overlap, Last: &sum,
	}
}
