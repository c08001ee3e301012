package executor

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

// Stats collects what a run did, per host, for --verbose and --stats.
type Stats struct {
	mu    sync.Mutex
	hosts map[string]*HostStats
}

// HostStats is one host's share of a run.
type HostStats struct {
	Ranges int           // sub-ranges answered
	Rows   int64         // rows counted or read
	Busy   time.Duration // total time its requests took
}

func (s *Stats) record(host string, rows int64, d time.Duration) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hosts == nil {
		s.hosts = map[string]*HostStats{}
	}
	h := s.hosts[host]
	if h == nil {
		h = &HostStats{}
		s.hosts[host] = h
	}
	h.Ranges++
	h.Rows += rows
	h.Busy += d
}

// Hosts returns a copy of the per-host figures.
func (s *Stats) Hosts() map[string]HostStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]HostStats{}
	for k, v := range s.hosts {
		out[k] = *v
	}
	return out
}

// Print writes one line per host.
func (s *Stats) Print(w io.Writer) {
	hosts := s.Hosts()
	names := make([]string, 0, len(hosts))
	for h := range hosts {
		names = append(names, h)
	}
	sort.Strings(names)
	for _, h := range names {
		st := hosts[h]
		fmt.Fprintf(w, "  host %-21s %6d ranges %12d rows  busy %v\n", h, st.Ranges, st.Rows,
			st.Busy.Round(time.Millisecond))
	}
}
