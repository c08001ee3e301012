package cursor

import (
	"fmt"
	"maps"
	"math/big"
	"slices"
	"time"

	"github.com/cqlscan/cqlscan/planner/ring"
)

// Pending is a run that stopped — failed, timed out or interrupted — after delivering part of its
// rows. The next run carries it on rather than starting over: it keeps the pending run's marks,
// reads only the token ranges the pending run had not finished, and does not deliver again what
// it delivered (versions newer than its new mark, and every version of the ranges it had begun).
// A run carried on this way is resumed exactly: no row is delivered twice, none is missed.
type Pending struct {
	Began   time.Time // when the pending run began
	Settle  time.Duration
	OldMark int64
	NewMark int64
	// Done are the token ranges all of whose rows were delivered (written in batches, or printed).
	Done []ring.Range
	// Delivered are the versions the pending run delivered that the rest of it must not deliver
	// again, newest write time per key, sorted by key.
	Delivered []Version
	// Summary counts what the pending run did; its Batches are the files it wrote.
	Summary Summary
}

// RangeDone tells the run that every row of token range rg has been delivered: a run that stops
// later need not read it again. Rows delivered since the last call belong to ranges not yet done.
func (r *Run) RangeDone(rg ring.Range) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done = append(r.done, ring.Range{Start: new(big.Int).Set(rg.Start), End: new(big.Int).Set(rg.End)})
	clear(r.partial)
}

// Resumed reports whether the run carries on a pending one.
func (r *Run) Resumed() bool { return r.resumed }

// Skip lists the token ranges a resumed run need not read: the pending run delivered them whole.
func (r *Run) Skip() []ring.Range { return slices.Clone(r.skip) }

// Suspend builds the state to save when the run stops before its end, having written batches: the
// cursor as it was (same mark and overlap) with the run pending, so that the next run carries it on.
// It does not save it.
func (r *Run) Suspend(batches []string) *State {
	r.mu.Lock()
	defer r.mu.Unlock()
	delivered := maps.Clone(r.remembered)
	for k, w := range r.partial {
		delivered[k] = max(delivered[k], w)
	}
	p := &Pending{Began: r.began, Settle: r.settle, OldMark: r.oldMark, NewMark: r.newMark,
		Done: append(slices.Clone(r.skip), r.done...), Summary: r.sum}
	for _, k := range slices.Sorted(maps.Keys(delivered)) {
		p.Delivered = append(p.Delivered, Version{Key: k, Written: delivered[k]})
	}
	p.Summary.Batches = append(slices.Clone(r.batches), batches...)
	s := &State{Identity: r.id, Mark: r.oldMark, Settle: r.prevSettle, NextBatch: r.nextBatch + len(batches),
		Runs: r.runs, Last: r.last, Pending: p}
	for _, k := range slices.Sorted(maps.Keys(r.overlap)) {
		s.Overlap = append(s.Overlap, Version{Key: k, Written: r.overlap[k]})
	}
	return s
}

// resume makes r carry on pending run p.
func (r *Run) resume(p *Pending) {
	r.resumed = true
	r.began, r.settle = p.Began, p.Settle
	r.oldMark, r.newMark = p.OldMark, p.NewMark
	r.skip = slices.Clone(p.Done)
	for _, v := range p.Delivered {
		r.remembered[v.Key] = max(r.remembered[v.Key], v.Written)
	}
	r.sum = p.Summary
	r.batches = slices.Clone(p.Summary.Batches)
	r.sum.Batches = nil
}

// pendingBody is Pending as the file keeps it.
type pendingBody struct {
	Began     time.Time `json:"began"`
	Settle    string    `json:"settle"`
	OldMark   int64     `json:"old_mark"`
	NewMark   int64     `json:"new_mark"`
	Done      []span    `json:"done"`
	Delivered []Version `json:"delivered"`
	Summary   Summary   `json:"summary"`
}

// span is a token range (start, end] in decimal.
type span struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

func (p *Pending) body() *pendingBody {
	if p == nil {
		return nil
	}
	b := &pendingBody{Began: p.Began, Settle: p.Settle.String(), OldMark: p.OldMark, NewMark: p.NewMark,
		Delivered: p.Delivered, Summary: p.Summary, Done: []span{}}
	if b.Delivered == nil {
		b.Delivered = []Version{}
	}
	for _, d := range p.Done {
		b.Done = append(b.Done, span{d.Start.String(), d.End.String()})
	}
	return b
}

// pending reads what body wrote, checking it as check does the rest of the file.
func (b *pendingBody) pending(mark int64) (*Pending, error) {
	if b == nil {
		return nil, nil
	}
	settle, err := time.ParseDuration(b.Settle)
	if err != nil || settle < 0 {
		return nil, fmt.Errorf("pending run's settle window %q", b.Settle)
	}
	if b.OldMark != mark || b.NewMark < b.OldMark {
		return nil, fmt.Errorf("pending run's marks %d -> %d do not follow the mark %d", b.OldMark, b.NewMark, mark)
	}
	p := &Pending{Began: b.Began, Settle: settle, OldMark: b.OldMark, NewMark: b.NewMark, Delivered: b.Delivered, Summary: b.Summary}
	for i, v := range b.Delivered {
		if !isKey(v.Key) || i > 0 && v.Key <= b.Delivered[i-1].Key {
			return nil, fmt.Errorf("pending run's delivered key %q not a key identity, or out of order", v.Key)
		}
	}
	for _, d := range b.Done {
		start, ok1 := new(big.Int).SetString(d.Start, 10)
		end, ok2 := new(big.Int).SetString(d.End, 10)
		if !ok1 || !ok2 || start.Cmp(end) >= 0 {
			return nil, fmt.Errorf("pending run's token range (%s, %s]", d.Start, d.End)
		}
		p.Done = append(p.Done, ring.Range{Start: start, End: end})
	}
	return p, nil
}
