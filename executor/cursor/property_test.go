package cursor

import (
	"fmt"
	"maps"
	"math/big"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/planner/ring"
)

// simTable is a table of rows with three regular cells each, as Cassandra keeps it: per cell the
// newest write wins. A write carries a client timestamp and becomes readable (lands) some time
// after it, less than the settle window; a few clocks run ahead, stamping writes in the future.
type simTable struct {
	rows    map[int64]*[3]int64 // key → write time of each cell (0: not set)
	written map[version]bool    // every row version that was ever the row's latest
}

// version is a row version: its key and its latest write time.
type version struct{ key, latest int64 }

// write lands a write stamped ts on some cells of row key (nil cells: a row with no regular cell,
// as an INSERT of the primary key alone makes).
func (tb *simTable) write(key, ts int64, cells []int) {
	row := tb.rows[key]
	if row == nil {
		row = new([3]int64)
		tb.rows[key] = row
	}
	for _, c := range cells {
		row[c] = max(row[c], ts)
	}
	if latest, _, ok := tb.stamps(key); ok {
		tb.written[version{key, latest}] = true
	}
}

// stamps is what writetime() tells of a row: its newest and oldest cell, and whether it has one.
func (tb *simTable) stamps(key int64) (latest, oldest int64, ok bool) {
	for _, w := range tb.rows[key] {
		if w == 0 {
			continue
		}
		if !ok || w > latest {
			latest = w
		}
		if !ok || w < oldest {
			oldest = w
		}
		ok = true
	}
	return latest, oldest, ok
}

// TestNoneMissedNoneTwice simulates a consumer running an incremental read every few seconds while
// writers insert and update rows, with timestamps that lag the wall clock (by less than the settle
// window) or run ahead of it, some runs failing mid-way, and the cursor going through its file now
// and then. After a final run it checks the cursor's guarantee: every row's latest version at or
// before the final mark was delivered exactly once, no version was delivered twice, and every
// version delivered was really written. After each successful run it checks the same of its mark.
func TestNoneMissedNoneTwice(t *testing.T) {
	simulateSeeds(t, false)
}

// TestResumedRunsNoneMissedNoneTwice is the same simulation with runs that stop part way saving
// themselves as pending (Suspend), the rows they delivered counted as delivered, and the next run
// carrying them on: it reads only the token ranges not delivered whole (Skip), in token order as an
// ordered scan does, and must still deliver every latest version once.
func TestResumedRunsNoneMissedNoneTwice(t *testing.T) {
	simulateSeeds(t, true)
}

// simulateSeeds runs the simulation for 40 seeds (5 with -short), settle window 5 s.
func simulateSeeds(t *testing.T, resume bool) {
	const settle = 5 * time.Second
	seeds := 40
	if testing.Short() {
		seeds = 5
	}
	for seed := range uint64(seeds) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { simulate(t, seed, settle, resume) })
	}
}

// simRanges is how many token ranges the simulated table's keys fall in: key k in range k % simRanges,
// the token range (10·i, 10·i + 10].
const simRanges = 6

func simRange(i int64) ring.Range {
	return ring.Range{Start: big.NewInt(10 * i), End: big.NewInt(10*i + 10)}
}

func simulate(t *testing.T, seed uint64, settle time.Duration, resume bool) {
	rng := rand.New(rand.NewPCG(seed, 15))
	path := filepath.Join(t.TempDir(), "cursor.json")
	tb := &simTable{rows: map[int64]*[3]int64{}, written: map[version]bool{}}
	settleUS := settle.Microseconds()
	clock := us(0) // the wall clock, µs
	used := map[int64]bool{}
	// writeNow lands one write at the current wall-clock time: stamped up to the settle window
	// earlier (a lagging client, or a request in flight), or now and then up to 3 s in the future.
	writeNow := func() {
		ts := clock - rng.Int64N(settleUS)
		if rng.IntN(20) == 0 {
			ts = clock + rng.Int64N(3_000_000)
		}
		for used[ts] { // one write per µs, so that a version is one write
			ts++
		}
		used[ts] = true
		key := rng.Int64N(30)
		var cells []int
		if rng.IntN(15) > 0 {
			cells = rng.Perm(3)[:1+rng.IntN(3)]
		}
		tb.write(key, ts, cells)
	}

	delivered := map[version]int{}
	state := New(testID, Beginning)
	runs := 25 + rng.IntN(10)
	for run := 0; ; run++ {
		final := run >= runs     // and a last one after it, if it carried on a pending run (its marks)
		for range rng.IntN(40) { // writes between runs
			clock += rng.Int64N(300_000)
			if !final {
				writeNow()
			}
		}
		if final { // the writers stop; the last run comes after the settle window
			clock += settleUS + 3_000_000 + 1
		}
		r := state.Begin(time.UnixMicro(clock), settle)
		carriedOn := r.Resumed()
		fails := !final && rng.IntN(6) == 0
		var got []version
		keys := slices.Sorted(maps.Keys(tb.rows))
		rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		if resume { // token order: range by range, skipping what a pending run delivered whole
			skip := map[int64]bool{}
			for _, sr := range r.Skip() {
				skip[sr.Start.Int64()/10] = true
			}
			var ordered []int64
			for i := int64(0); i < simRanges; i++ {
				for _, k := range slices.Sorted(maps.Keys(tb.rows)) {
					if k%simRanges == i && !skip[i] {
						ordered = append(ordered, k)
					}
				}
			}
			keys = ordered
		}
		stopAt := len(keys) / 2
		if resume && len(keys) > 0 {
			stopAt = rng.IntN(len(keys))
		}
		for i, key := range keys { // the scan: rows keep changing while it reads
			if resume && i > 0 && key%simRanges != keys[i-1]%simRanges {
				r.RangeDone(simRange(keys[i-1] % simRanges))
			}
			if fails && i == stopAt {
				break
			}
			for range rng.IntN(3) {
				clock += rng.Int64N(50_000)
				if !final {
					writeNow()
				}
			}
			latest, oldest, ok := tb.stamps(key)
			if r.Offer([]any{key, "server"}, latest, oldest, ok) {
				got = append(got, version{key, latest})
			}
		}
		if fails && resume { // saved as pending: what it delivered is delivered, the rest comes next
			state = r.Suspend(nil)
			if rng.IntN(2) == 0 {
				state = throughFile(t, state, path)
			}
			for _, v := range got {
				delivered[v]++
			}
			continue
		}
		if fails { // no Finish, no Save: the rows it delivered are delivered again later
			continue
		}
		if resume && len(keys) > 0 {
			r.RangeDone(simRange(keys[len(keys)-1] % simRanges))
		}
		state = r.Finish(nil)
		if run%4 == 0 || final { // through the file now and then (each save syncs the disk)
			state = throughFile(t, state, path)
		}
		for _, v := range got {
			delivered[v]++
		}
		// The guarantee for this run's mark.
		for key := range tb.rows {
			if latest, _, ok := tb.stamps(key); ok && latest <= state.Mark && delivered[version{key, latest}] == 0 {
				t.Fatalf("run %d (mark %s): row %d's latest version at %d was never delivered", run, MarkText(state.Mark), key, latest)
			}
		}
		if final && !carriedOn {
			break
		}
	}
	for v, n := range delivered {
		if n > 1 {
			t.Errorf("row %d's version at %d delivered %d times", v.key, v.latest, n)
		}
		if !tb.written[v] {
			t.Errorf("row %d's version at %d delivered, never written", v.key, v.latest)
		}
	}
	for key := range tb.rows {
		latest, _, ok := tb.stamps(key)
		if ok && latest > state.Mark {
			t.Errorf("row %d's latest write %d is after the final mark %d: the simulation did not settle", key, latest, state.Mark)
		}
	}
	if len(state.Overlap) != 0 {
		t.Errorf("after the writers stopped and the settle window passed, %d versions are still remembered", len(state.Overlap))
	}
	if len(delivered) == 0 {
		t.Error("nothing was delivered: the simulation tests nothing")
	}
}

// throughFile saves state at path and loads it back.
func throughFile(t *testing.T, state *State, path string) *State {
	t.Helper()
	if err := state.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(path, testID)
	if err != nil {
		t.Fatal(err)
	}
	return loaded
}
