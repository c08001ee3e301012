package resilience

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
)

// soakKey is a row's primary key.
type soakKey struct {
	server, hour string
	id           int
}

func (k soakKey) inFilter() bool {
	return k.server >= "esb12" && k.server <= "esb15" && k.hour >= "08:00" && k.hour <= "09:00"
}

// soakVersion is a row's content after one write: every write sets v to a value of its own.
type soakVersion struct {
	key soakKey
	v   string
}

func (v soakVersion) String() string {
	return fmt.Sprintf("(%s, %s, %d) v=%s", v.key.server, v.key.hour, v.key.id, v.v)
}

// soakWrite is one write of the test's log.
type soakWrite struct {
	soakVersion
	insert bool      // an INSERT of a new row, else an UPDATE of a known one
	ts     int64     // its USING TIMESTAMP, µs
	lagged bool      // ts is 1–3 s behind the clock
	acked  time.Time // when Cassandra acknowledged it; zero if it never did
}

// late reports whether the write might have become visible after the settle window closed over its
// timestamp, which the cursor does not promise to cover: never acknowledged, or acknowledged too late.
func (w *soakWrite) late() bool {
	return w.acked.IsZero() || w.acked.Sub(time.UnixMicro(w.ts)) >= soakSettle
}

// soakLog is every write of the soak.
type soakLog struct {
	mu      sync.Mutex
	writes  []*soakWrite
	byValue map[string]*soakWrite
	stamps  map[soakKey]map[int64]bool // timestamps used per row: unique, so the newest wins alone
	keys    []soakKey
	nextID  map[[2]string]int
	retries int
}

func newSoakLog() *soakLog {
	return &soakLog{byValue: map[string]*soakWrite{}, stamps: map[soakKey]map[int64]bool{}, nextID: map[[2]string]int{}}
}

// next plans a write with value v: 60% an update of a known row, else a new row in a random
// partition and hour (at least two times in three one the filter takes, so that runs have several
// batches to write); its timestamp is now, or for 20% of writes 1–3 s behind (within the settle
// window), and never one the row had already.
func (l *soakLog) next(r *rand.Rand, v string) *soakWrite {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := &soakWrite{soakVersion: soakVersion{v: v}, ts: time.Now().UnixMicro()}
	if len(l.keys) > 0 && r.IntN(10) < 6 {
		w.key = l.keys[r.IntN(len(l.keys))]
	} else {
		k := soakKey{server: soakServers[r.IntN(len(soakServers))], hour: soakHours[r.IntN(len(soakHours))]}
		for inside := r.IntN(3) < 2; inside && !k.inFilter(); {
			k = soakKey{server: soakServers[r.IntN(len(soakServers))], hour: soakHours[r.IntN(len(soakHours))]}
		}
		w.key, w.insert = l.newKey(k.server, k.hour), true
	}
	if r.IntN(5) == 0 {
		w.lagged, w.ts = true, w.ts-1_000_000-r.Int64N(2_000_000)
	}
	l.add(w)
	return w
}

// newKey allocates the next id in a partition and hour; l.mu is held.
func (l *soakLog) newKey(server, hour string) soakKey {
	part := [2]string{server, hour}
	k := soakKey{server, hour, l.nextID[part]}
	l.nextID[part]++
	l.keys = append(l.keys, k)
	return k
}

// add logs w, moving its timestamp back to one its row has not used; l.mu is held.
func (l *soakLog) add(w *soakWrite) {
	used := l.stamps[w.key]
	if used == nil {
		used = map[int64]bool{}
		l.stamps[w.key] = used
	}
	for used[w.ts] {
		w.ts--
	}
	used[w.ts] = true
	l.writes = append(l.writes, w)
	l.byValue[w.v] = w
}

// apply sends w at QUORUM with its timestamp, again with the same timestamp and value until it is
// acknowledged (a repeated write with an explicit timestamp is the same cell), for up to 10 s.
func (l *soakLog) apply(s *gocql.Session, w *soakWrite) {
	cql := "UPDATE soak_cursor.events USING TIMESTAMP ? SET v = ? WHERE server = ? AND hour = ? AND id = ?"
	args := []any{w.ts, w.v, w.key.server, w.key.hour, w.key.id}
	if w.insert {
		cql = "INSERT INTO soak_cursor.events (server, hour, id, v) VALUES (?, ?, ?, ?) USING TIMESTAMP ?"
		args = []any{w.key.server, w.key.hour, w.key.id, w.v, w.ts}
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		err := s.Query(cql, args...).Consistency(gocql.Quorum).ExecContext(ctx)
		cancel()
		l.mu.Lock()
		if err == nil {
			w.acked = time.Now()
			l.mu.Unlock()
			return
		}
		l.retries++
		l.mu.Unlock()
		time.Sleep(100 * time.Millisecond)
	}
}

// seed writes four rows into every partition and hour, in and out of the filter.
func (l *soakLog) seed(s *gocql.Session) {
	n := 0
	for _, server := range soakServers {
		for _, hour := range soakHours {
			for range 4 {
				l.mu.Lock()
				w := &soakWrite{soakVersion: soakVersion{key: l.newKey(server, hour), v: fmt.Sprintf("seed.%d", n)}, insert: true, ts: time.Now().UnixMicro()}
				l.add(w)
				l.mu.Unlock()
				l.apply(s, w)
				n++
			}
		}
	}
}

// latest returns, per row, the write that last-write-wins keeps: the newest timestamp.
func (l *soakLog) latest() map[soakKey]*soakWrite {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := map[soakKey]*soakWrite{}
	for _, w := range l.writes {
		if old := m[w.key]; old == nil || w.ts > old.ts {
			m[w.key] = w
		}
	}
	return m
}
