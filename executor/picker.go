package executor

import (
	"context"
	"sync"
)

// ReplicaPicker chooses which replica of a range to query. It caps the requests in flight on each
// host and spreads ranges over the replicas: the least busy replica wins, then the one given least work.
type ReplicaPicker struct {
	perHost  int
	mu       sync.Mutex
	inflight map[string]int
	assigned map[string]int
	wake     chan struct{}
}

// NewReplicaPicker returns a picker allowing perHost requests in flight on each host.
func NewReplicaPicker(perHost int) *ReplicaPicker {
	if perHost < 1 {
		perHost = 1
	}
	return &ReplicaPicker{perHost: perHost, inflight: map[string]int{}, assigned: map[string]int{},
		wake: make(chan struct{})}
}

// Acquire waits for a replica with a free slot and takes it. Call Release with the host when done.
func (p *ReplicaPicker) Acquire(ctx context.Context, replicas []string) (string, error) {
	for {
		p.mu.Lock()
		best := ""
		for _, r := range replicas {
			if p.inflight[r] >= p.perHost {
				continue
			}
			if best == "" || p.inflight[r] < p.inflight[best] ||
				(p.inflight[r] == p.inflight[best] && p.assigned[r] < p.assigned[best]) {
				best = r
			}
		}
		if best != "" {
			p.inflight[best]++
			p.assigned[best]++
			p.mu.Unlock()
			return best, nil
		}
		wake := p.wake
		p.mu.Unlock()
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-wake:
		}
	}
}

// Release frees the slot taken on host.
func (p *ReplicaPicker) Release(host string) {
	p.mu.Lock()
	p.inflight[host]--
	close(p.wake)
	p.wake = make(chan struct{})
	p.mu.Unlock()
}
