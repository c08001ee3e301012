package executor

import (
	"context"
	"sync"
	"time"
)

// ReplicaPicker chooses which replica of a range to query. It caps the requests in flight on each
// host and spreads ranges over the replicas: the least busy replica wins, then the one given least work.
type ReplicaPicker struct {
	perHost  int
	mu       sync.Mutex
	inflight map[string]int
	assigned map[string]int
	down     map[string]time.Time // hosts that failed, shunned until then
	streak   map[string]int       // failures since the host last answered
	since    map[string]time.Time // when that streak began
	wake     chan struct{}
}

// NewReplicaPicker returns a picker allowing perHost requests in flight on each host.
func NewReplicaPicker(perHost int) *ReplicaPicker {
	if perHost < 1 {
		perHost = 1
	}
	return &ReplicaPicker{perHost: perHost, inflight: map[string]int{}, assigned: map[string]int{},
		down: map[string]time.Time{}, streak: map[string]int{}, since: map[string]time.Time{}, wake: make(chan struct{})}
}

// anyHost stands for "whichever coordinator the driver picks", for reads without known replicas.
var anyHost = []string{""}

// Acquire waits for a replica with a free slot and takes it. Call Release with the host when done.
// With no replicas it takes a slot of the driver's own choice of host, the empty host id. Replicas
// in avoid (those that already failed this read) and hosts marked down are passed over while
// another replica remains.
func (p *ReplicaPicker) Acquire(ctx context.Context, replicas []string, avoid map[string]bool) (string, error) {
	if len(replicas) == 0 {
		replicas = anyHost
	}
	for {
		p.mu.Lock()
		replicas := p.candidates(replicas, avoid)
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

// candidates narrows replicas to those neither avoided nor down, then to those not avoided, keeping
// them all when every one is excluded: a replica that failed may be back, and trying beats giving up.
func (p *ReplicaPicker) candidates(replicas []string, avoid map[string]bool) []string {
	now := time.Now()
	var fresh, notAvoided []string
	for _, r := range replicas {
		if avoid[r] {
			continue
		}
		notAvoided = append(notAvoided, r)
		if now.After(p.down[r]) {
			fresh = append(fresh, r)
		}
	}
	switch {
	case len(fresh) > 0:
		return fresh
	case len(notAvoided) > 0:
		return notAvoided
	}
	return replicas
}

// hostShun is how long reads prefer other replicas after one failed.
const hostShun = 5 * time.Second

// A host counts as dead once it has failed deadStreak times in a row, without an answer between,
// over at least deadAfter: reads with no other replica then fail at once instead of each backing off
// through all its retries. Both conditions, so that a burst of errors does not condemn a live host.
const (
	deadStreak = 3
	deadAfter  = 3 * time.Second
)

// Failed records a host failure: other reads prefer the host's peers for a while.
func (p *ReplicaPicker) Failed(host string) {
	p.mu.Lock()
	now := time.Now()
	p.down[host] = now.Add(hostShun)
	if p.streak[host] == 0 {
		p.since[host] = now
	}
	p.streak[host]++
	p.mu.Unlock()
}

// Answered records that host served a request.
func (p *ReplicaPicker) Answered(host string) {
	p.mu.Lock()
	if p.streak[host] > 0 {
		p.streak[host] = 0
		delete(p.down, host)
	}
	p.mu.Unlock()
}

// AllDead reports whether every one of replicas counts as dead.
func (p *ReplicaPicker) AllDead(replicas []string) bool {
	if len(replicas) == 0 {
		replicas = anyHost
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range replicas {
		if p.streak[r] < deadStreak || time.Since(p.since[r]) < deadAfter {
			return false
		}
	}
	return true
}

// Release frees the slot taken on host.
func (p *ReplicaPicker) Release(host string) {
	p.mu.Lock()
	p.inflight[host]--
	close(p.wake)
	p.wake = make(chan struct{})
	p.mu.Unlock()
}
