package executor

import "github.com/cqlscan/cqlscan/planner/ring"

// estimate weighs a run's token ranges by the data Cassandra's size estimates put in them, so that
// progress is the share of the data read rather than the share of ranges: vnode ranges differ in
// size, and data is rarely spread evenly. The estimates may arrive after the run has started; the
// ranges planned and finished until then are kept and weighed when they do.
type estimate struct {
	est            *ring.Estimates
	planned, ended []ring.Range // waiting for est
	total, done    float64      // estimated data planned and read, in the estimates' unit
}

// SetEstimates gives the run the size estimates to weigh its ranges by. Estimates that know
// nothing are ignored, and progress stays counted in ranges.
func (s *Stats) SetEstimates(e *ring.Estimates) {
	if s == nil || !e.Known() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.est.est = e
	for _, r := range s.est.planned {
		s.est.total += e.Weight(r)
	}
	for _, r := range s.est.ended {
		s.est.done += e.Weight(r)
	}
	s.est.planned, s.est.ended = nil, nil
}

// Estimated returns the estimated data in the ranges read so far and in all the ranges the run
// reads; total is 0 when there are no estimates (or the run reads single partitions only).
func (s *Stats) Estimated() (done, total float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.est.est == nil {
		return 0, 0
	}
	return min(s.est.done, s.est.total), s.est.total
}

// weighPlanned and weighEnded record token ranges planned and read; s.mu is held. A split range
// changes neither: its halves weigh what it did. Partition reads (no range) weigh nothing.
func (s *Stats) weighPlanned(r ring.Range) { s.est.weigh(r, &s.est.total, &s.est.planned) }
func (s *Stats) weighEnded(r ring.Range)   { s.est.weigh(r, &s.est.done, &s.est.ended) }

// weigh adds r's weight to sum, or keeps r in pending until the estimates arrive.
func (e *estimate) weigh(r ring.Range, sum *float64, pending *[]ring.Range) {
	switch {
	case r.Start == nil:
	case e.est != nil:
		*sum += e.est.Weight(r)
	default:
		*pending = append(*pending, r)
	}
}
