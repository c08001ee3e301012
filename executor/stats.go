package executor

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cqlscan/cqlscan/planner/ring"
)

// Stats collects what a run did, for --verbose, --stats, EXPLAIN ANALYZE and progress displays. A
// nil *Stats records nothing.
type Stats struct {
	// Progress, readable while the run goes on.
	RangesTotal atomic.Int64 // reads planned, plus one for each split (a split adds two, ends one)
	RangesDone  atomic.Int64
	Rows        atomic.Int64 // rows read, or counted by the replicas
	RowsDone    atomic.Int64 // the part of Rows in reads that completed

	mu     sync.Mutex
	hosts  map[string]*HostStats
	splits int
	// sizeSplits are reads halved because they held more than a page while workers were idle
	sizeSplits int
	// fallbacks counts aggregate ranges read as rows after timing out even when narrow.
	fallbacks int
	slowest   []ReadTiming // the slowest completed reads, slowest first
	est       estimate
}

// HostStats is one host's share of a run.
type HostStats struct {
	Ranges  int             // reads it completed
	Rows    int64           // rows counted or read
	Pages   int             // requests that succeeded
	Retries int             // requests that failed and were retried (here or elsewhere)
	Busy    time.Duration   // total time its successful requests took
	latency []time.Duration // in arrival order while recording; sorted in the copies Hosts returns
}

// Latency returns the q-quantile (0 ≤ q ≤ 1) of the host's request latencies.
func (h HostStats) Latency(q float64) time.Duration {
	if len(h.latency) == 0 {
		return 0
	}
	return h.latency[min(len(h.latency)-1, int(q*float64(len(h.latency))))]
}

// ReadTiming is how long one completed read took, from its first request to its last page.
type ReadTiming struct {
	What     string     // the token range or partition
	Range    ring.Range // the token range; zero for a partition
	Host     string
	Duration time.Duration
	Rows     int64
}

const keepSlowest = 5

func (s *Stats) host(name string) *HostStats {
	if s.hosts == nil {
		s.hosts = map[string]*HostStats{}
	}
	h := s.hosts[name]
	if h == nil {
		h = &HostStats{}
		s.hosts[name] = h
	}
	return h
}

func (s *Stats) page(host string, rows int64, d time.Duration) {
	if s == nil {
		return
	}
	s.Rows.Add(rows)
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.host(host)
	h.Pages++
	h.Rows += rows
	h.Busy += d
	h.latency = append(h.latency, d)
}

func (s *Stats) addPlanned(ranges []ring.Range) {
	if s == nil {
		return
	}
	s.RangesTotal.Add(int64(len(ranges)))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range ranges {
		s.weighPlanned(r)
	}
}

func (s *Stats) retry(host string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.host(host).Retries++
	s.mu.Unlock()
}

func (s *Stats) split() {
	if s == nil {
		return
	}
	s.RangesTotal.Add(1) // one read became two
	s.mu.Lock()
	s.splits++
	s.mu.Unlock()
}

func (s *Stats) sizeSplit() {
	if s == nil {
		return
	}
	s.RangesTotal.Add(1)
	s.mu.Lock()
	s.sizeSplits++
	s.mu.Unlock()
}

// SizeSplits returns how many reads were halved because they turned out bigger than a page while
// workers had nothing to do.
func (s *Stats) SizeSplits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sizeSplits
}

func (s *Stats) fallback() {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.fallbacks++
	s.mu.Unlock()
}

func (s *Stats) readDone(t ReadTiming) {
	if s == nil {
		return
	}
	s.RangesDone.Add(1)
	s.RowsDone.Add(t.Rows)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.host(t.Host).Ranges++
	s.weighEnded(t.Range)
	i := sort.Search(len(s.slowest), func(i int) bool { return s.slowest[i].Duration < t.Duration })
	if i < keepSlowest {
		s.slowest = slices.Insert(s.slowest, i, t)
		if len(s.slowest) > keepSlowest {
			s.slowest = s.slowest[:keepSlowest]
		}
	}
}

// Hosts returns a copy of the per-host figures.
func (s *Stats) Hosts() map[string]HostStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]HostStats{}
	for k, v := range s.hosts {
		c := *v
		c.latency = slices.Clone(v.latency)
		slices.Sort(c.latency)
		out[k] = c
	}
	return out
}

// Splits returns how many reads were split in two after timing out.
func (s *Stats) Splits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.splits
}

// Fallbacks returns how many aggregate ranges were read as rows after timing out even when narrow.
func (s *Stats) Fallbacks() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fallbacks
}

// Slowest returns the slowest completed reads, slowest first.
func (s *Stats) Slowest() []ReadTiming {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.slowest)
}

// Print writes one line per host, then the splits and the slowest reads.
func (s *Stats) Print(w io.Writer) {
	hosts := s.Hosts()
	names := make([]string, 0, len(hosts))
	for h := range hosts {
		names = append(names, h)
	}
	sort.Strings(names)
	ms := func(d time.Duration) string { return d.Round(100 * time.Microsecond).String() }
	for _, h := range names {
		st := hosts[h]
		fmt.Fprintf(w, "  host %-21s %6d ranges %12d rows %6d pages %4d retries  latency p50 %s p95 %s p99 %s max %s\n",
			h, st.Ranges, st.Rows, st.Pages, st.Retries, ms(st.Latency(0.5)), ms(st.Latency(0.95)),
			ms(st.Latency(0.99)), ms(st.Latency(1)))
	}
	fmt.Fprintf(w, "  %d ranges read, %d split for idle workers, %d split after timeouts, %d aggregated here from rows, %d rows\n",
		s.RangesDone.Load(), s.SizeSplits(), s.Splits(), s.Fallbacks(), s.Rows.Load())
	if slow := s.Slowest(); len(slow) > 0 {
		fmt.Fprintln(w, "  slowest ranges:")
		for _, t := range slow {
			fmt.Fprintf(w, "    %-10s %s on %s, %d rows\n", ms(t.Duration), t.What, t.Host, t.Rows)
		}
	}
}
