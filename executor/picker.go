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

// anyHost stands for "whichever coordinator the driver picks", for reads without known replicas.
var anyHost = []string{""}

// Acquire waits for a replica with a free slot and takes it. Call Release with the host when done.
// With no replicas it takes a slot of the driver's own choice of host, the empty host id.
func (p *ReplicaPicker) Acquire(ctx context.Context, replicas []string) (string, error) {
	if len(replicas) == 0 {
		replicas = anyHost
	}
	for {
		p.mu.Lock()
		best := -1 // an index: host ids may be empty (the driver's choice)
		for i, r := range replicas {
			if p.inflight[r] >= p.perHost {
				continue
			}
			if b := replicas[max(best, 0)]; best < 0 || p.inflight[r] < p.inflight[b] ||
				(p.inflight[r] == p.inflight[b] && p.assigned[r] < p.assigned[b]) {
				best = i
			}
		}
		if best >= 0 {
			h := replicas[best]
			p.inflight[h]++
			p.assigned[h]++
			p.mu.Unlock()
			return h, nil
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
