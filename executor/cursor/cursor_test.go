package cursor

import (
	"math"
	"reflect"
	"sync"
	"testing"
	"time"
)

var testID = Identity{Statement: "SELECT a FROM ks.t", Keyspace: "ks", Table: "ks.t"}

// origin is a fixed wall-clock time; at(s) is s seconds after it, us(s) the same instant in µs.
var origin = time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)

func at(s float64) time.Time { return origin.Add(time.Duration(s * float64(time.Second))) }
func us(s float64) int64     { return at(s).UnixMicro() }

func TestMarks(t *testing.T) {
	cases := []struct {
		name    string
		mark    int64
		now     time.Time
		settle  time.Duration
		newMark int64
	}{
		{"from the beginning", Beginning, at(100), 10 * time.Second, us(90)},
		{"settle subtracted", us(50), at(100), 10 * time.Second, us(90)},
		{"no settle", us(50), at(100), 0, us(100)},
		{"negative settle counts as none", us(50), at(100), -time.Second, us(100)},
		{"never below the old mark", us(95), at(100), 10 * time.Second, us(95)},
		{"clock gone back", us(200), at(100), 0, us(200)},
		{"settle rounded up to a whole µs", us(50), at(100), 1500 * time.Nanosecond, us(100) - 2},
		{"a settle longer than time saturates", Beginning, time.UnixMicro(math.MinInt64 + 5), time.Hour, Beginning},
	}
	for _, c := range cases {
		s := New(testID, c.mark)
		r := s.Begin(c.now, c.settle)
		if r.OldMark() != c.mark || r.NewMark() != c.newMark {
			t.Errorf("%s: marks %d → %d, want %d → %d", c.name, r.OldMark(), r.NewMark(), c.mark, c.newMark)
		}
		next := r.Finish(nil)
		if next.Mark != c.newMark || next.Runs != 1 || next.NextBatch != 1 {
			t.Errorf("%s: finished at mark %d, runs %d, next batch %d", c.name, next.Mark, next.Runs, next.NextBatch)
		}
		if s.Mark != c.mark || s.Runs != 0 {
			t.Errorf("%s: Begin/Finish changed the state they started from", c.name)
		}
	}
}

// offer is one Offer call and its expected verdict.
type offer struct {
	key            []any
	latest, oldest float64 // seconds after origin
	unstamped      bool
	want           bool
}

func TestOfferVerdicts(t *testing.T) {
	// Old mark at 50 s; a run at 100 s with a settle of 10 s moves it to 90 s. The overlap remembers
	// key "a" at 60 s and key "b" at 95 s.
	s := New(testID, us(50))
	s.Overlap = mustOverlap(t, map[string]float64{"a": 60, "b": 95})
	r := s.Begin(at(100), 10*time.Second)
	if r.Remembered() != 2 {
		t.Fatalf("remembered %d, want 2", r.Remembered())
	}
	cases := []struct {
		name string
		offer
	}{
		{"no regular cell: untracked", offer{key: k("u"), latest: 70, oldest: 70, unstamped: true}},
		{"older than the mark: unchanged", offer{key: k("c"), latest: 40, oldest: 30}},
		{"at the mark: unchanged", offer{key: k("c2"), latest: 50, oldest: 50}},
		{"remembered at the same time: already", offer{key: k("a"), latest: 60, oldest: 55}},
		{"remembered later: already", offer{key: k("b"), latest: 80, oldest: 80}},
		{"remembered, and updated since: delivered", offer{key: k("a"), latest: 70, oldest: 55, want: true}},
		{"written after the mark: new", offer{key: k("n"), latest: 60, oldest: 55, want: true}},
		{"partly written after the mark: updated", offer{key: k("p"), latest: 60, oldest: 45, want: true}},
		{"in the new overlap: new, remembered", offer{key: k("o"), latest: 92, oldest: 91, want: true}},
		{"in the future: new, remembered, counted", offer{key: k("f"), latest: 130, oldest: 120, want: true}},
		{"read twice in one run: already", offer{key: k("o"), latest: 92, oldest: 91}},
	}
	for _, c := range cases {
		got := r.Offer(c.key, us(c.latest), us(c.oldest), !c.unstamped)
		if got != c.want {
			t.Errorf("%s: delivered %v, want %v", c.name, got, c.want)
		}
	}
	want := Summary{Began: at(100), OldMark: us(50), NewMark: us(90),
		Read: 11, New: 3, Updated: 2, Already: 3, Unchanged: 2, Untracked: 1, Future: 1}
	if got := r.Summary(); !sameSummary(got, want) {
		t.Errorf("summary %+v\nwant    %+v", got, want)
	}

	next := r.Finish([]string{"batch-000001.csv", "batch-000002.csv"})
	// a at 60 and 70 is pruned (at or before 90); b at 95 is carried over; o and f are remembered.
	wantOverlap := mustOverlap(t, map[string]float64{"b": 95, "o": 92, "f": 130})
	if !sameVersions(next.Overlap, wantOverlap) {
		t.Errorf("overlap %v, want %v", next.Overlap, wantOverlap)
	}
	if next.NextBatch != 3 || next.Runs != 1 || next.Last == nil || len(next.Last.Batches) != 2 || next.Last.New != 3 {
		t.Errorf("next state: batch %d, runs %d, last %+v", next.NextBatch, next.Runs, next.Last)
	}
	if next.Settle != 10*time.Second || next.Identity != testID {
		t.Errorf("next state: settle %v, identity %+v", next.Settle, next.Identity)
	}
}

// TestNewestPerKey: the overlap keeps one version per key, the newest, whichever run it came from.
func TestNewestPerKey(t *testing.T) {
	s := New(testID, us(50))
	s.Overlap = []Version{{keyOf(t, "a"), us(95)}, {keyOf(t, "b"), us(99)}}
	r := s.Begin(at(100), 10*time.Second)
	if !r.Offer(k("a"), us(97), us(97), true) {
		t.Fatal("an update of a remembered row was not delivered")
	}
	if !r.Offer(k("c"), us(93), us(93), true) {
		t.Fatal("a new row was not delivered")
	}
	got := r.Finish(nil).Overlap
	want := mustOverlap(t, map[string]float64{"a": 97, "b": 99, "c": 93})
	if !sameVersions(got, want) {
		t.Errorf("overlap %v, want %v", got, want)
	}
	// Duplicate keys in a state (not written by Finish) count by their newest version.
	s = New(testID, us(50))
	s.Overlap = []Version{{keyOf(t, "a"), us(95)}, {keyOf(t, "a"), us(60)}}
	r = s.Begin(at(100), 10*time.Second)
	if r.Remembered() != 1 || r.Offer(k("a"), us(94), us(94), true) {
		t.Errorf("remembered %d; a version older than the newest remembered was delivered", r.Remembered())
	}
}

// TestAcrossRuns follows one row through runs: delivered once, refused while remembered, refused
// once the mark has passed it, delivered again when updated.
func TestAcrossRuns(t *testing.T) {
	settle := 10 * time.Second
	s := New(testID, Beginning)
	steps := []struct {
		now            float64
		latest, oldest float64
		want           bool
		remembered     int // after the run
	}{
		{100, 95, 95, true, 1},   // run 1 (mark 90): newer than the mark, remembered
		{103, 95, 95, false, 1},  // run 2 (marks 90 → 93): remembered, refused, kept
		{110, 95, 95, false, 0},  // run 3 (93 → 100): remembered, refused; the mark passes it, pruned
		{120, 112, 95, true, 1},  // run 4 (100 → 110): updated at 112, delivered and remembered
		{125, 112, 95, false, 0}, // run 5 (110 → 115): refused; pruned
		{140, 126, 95, true, 0},  // run 6 (115 → 130): updated at 126, delivered, not kept
		{150, 126, 95, false, 0}, // run 7 (130 → 140): unchanged since the mark
	}
	for i, st := range steps {
		r := s.Begin(at(st.now), settle)
		if got := r.Offer(k("row"), us(st.latest), us(st.oldest), true); got != st.want {
			t.Errorf("run %d: delivered %v, want %v", i+1, got, st.want)
		}
		s = r.Finish(nil)
		if len(s.Overlap) != st.remembered {
			t.Errorf("run %d: overlap %v, want %d versions", i+1, s.Overlap, st.remembered)
		}
	}
	if s.Runs != len(steps) {
		t.Errorf("runs %d, want %d", s.Runs, len(steps))
	}
}

// TestNewOrUpdated: a row is new when every cell was written after the mark and the cursor has not
// delivered it before; else it is an update.
func TestNewOrUpdated(t *testing.T) {
	s := New(testID, us(50))
	s.Overlap = mustOverlap(t, map[string]float64{"seen": 60})
	r := s.Begin(at(100), 10*time.Second)
	r.Offer(k("insert"), us(70), us(70), true)
	r.Offer(k("overwrite"), us(70), us(51), true)
	r.Offer(k("partial"), us(70), us(20), true)
	r.Offer(k("seen"), us(70), us(65), true) // delivered at 60 already: an update, though all cells are new
	if got := r.Summary(); got.New != 2 || got.Updated != 2 || got.Delivered() != 4 {
		t.Errorf("new %d, updated %d, delivered %d; want 2, 2, 4", got.New, got.Updated, got.Delivered())
	}
}

// TestUnencodableKey: a key no CQL value decodes to is delivered (never lost) and reported.
func TestUnencodableKey(t *testing.T) {
	r := New(testID, Beginning).Begin(at(100), 0)
	if !r.Offer([]any{make(chan int)}, us(1), us(1), true) {
		t.Error("a row with an unencodable key was not delivered")
	}
	if r.Err() == nil {
		t.Error("no error for an unencodable key")
	}
	if len(r.Finish(nil).Overlap) != 0 {
		t.Error("an unencodable key was remembered")
	}
}

// TestConcurrentOffers: a run may be offered rows from several goroutines (run with -race).
func TestConcurrentOffers(t *testing.T) {
	r := New(testID, Beginning).Begin(at(100), 10*time.Second)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 250 {
				r.Offer([]any{int64(g), int64(i)}, us(95), us(95), true)
				_ = r.Summary()
			}
		})
	}
	wg.Wait()
	if got := r.Summary(); got.New != 1000 || len(r.Finish(nil).Overlap) != 1000 {
		t.Errorf("new %d, overlap %d; want 1000 each", got.New, len(r.Finish(nil).Overlap))
	}
}

func k(s string) []any { return []any{s, int64(1)} }

func keyOf(t *testing.T, s string) string {
	t.Helper()
	key, err := KeyOf(k(s))
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// mustOverlap is a sorted overlap of the keys k(name) at the times given (seconds after origin, > 0).
func mustOverlap(t *testing.T, versions map[string]float64) []Version {
	t.Helper()
	r := New(testID, Beginning).Begin(at(0), 0)
	for name, when := range versions {
		r.Offer(k(name), us(when), us(when), true)
	}
	return r.Finish(nil).Overlap
}

func sameVersions(a, b []Version) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// sameSummary compares summaries but for their batches.
func sameSummary(a, b Summary) bool {
	a.Batches, b.Batches = nil, nil
	return reflect.DeepEqual(a, b)
}
