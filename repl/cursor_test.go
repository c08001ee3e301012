package repl

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/repl/render"
)

// memTable is a Cluster holding one table, ks.t (k int PRIMARY KEY, v text), in memory: each row
// with its value and the write time of that value. Range reads return every row (the tests plan one
// sub-range) in pages; failAfter, when positive, makes the page after that many fail.
type memTable struct {
	offline
	mu        sync.Mutex
	rows      map[int64]memRow
	pages     int
	failAfter int
}

type memRow struct {
	v string
	w int64
}

var memSchema = &schema.Table{Keyspace: "ks", Name: "t", Replication: ring.Replication{Strategy: ring.SimpleStrategy, Factor: 1},
	Columns: []schema.Column{{Name: "k", Type: "bigint", Kind: schema.PartitionKey}, {Name: "v", Type: "text"}}}

func (m *memTable) Table(_ context.Context, ks, name string) (*schema.Table, error) {
	if ks != "ks" || name != "t" {
		return nil, fmt.Errorf("no table %s.%s", ks, name)
	}
	return memSchema, nil
}

func (m *memTable) Ring(context.Context) (*ring.Ring, error) {
	return ring.New(ring.Murmur3, []ring.Host{{ID: "h1", Tokens: []*big.Int{big.NewInt(0)}}})
}

func (m *memTable) HostNames() map[string]string { return map[string]string{"h1": "127.0.0.1"} }
func (m *memTable) Consistency() string          { return "ONE" }

// QueryPage answers SELECT <selectors> FROM ks.t with the columns k, v and writetime(v), one row
// a page.
func (m *memTable) QueryPage(ctx context.Context, req executor.PageRequest) (executor.Page, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pages++
	if m.failAfter > 0 && m.pages > m.failAfter {
		return executor.Page{}, errors.New("Invalid query: the test's failure")
	}
	sels := strings.Split(strings.TrimPrefix(req.Stmt[:strings.Index(req.Stmt, " FROM ")], "SELECT "), ", ")
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	args := req.Args
	if strings.Contains(req.Stmt, "token(k) > ?") {
		lo, args = args[0].(int64), args[1:]
	}
	if strings.Contains(req.Stmt, "token(k) <= ?") {
		hi = args[0].(int64)
	}
	keys := make([]int64, 0, len(m.rows))
	for k := range m.rows {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(k))
		if tok := ring.Murmur3Token(b[:]); tok > lo && tok <= hi {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] }) // one range's rows, in any fixed order
	at := 0
	if req.PageState != nil {
		fmt.Sscan(string(req.PageState), &at)
	}
	var page executor.Page
	if at < len(keys) {
		r := m.rows[keys[at]]
		row := executor.Row{}
		for _, s := range sels {
			switch s {
			case "k":
				row = append(row, keys[at])
			case "v":
				row = append(row, r.v)
			case "writetime(v)":
				row = append(row, r.w)
			default:
				return executor.Page{}, fmt.Errorf("memTable: selector %q", s)
			}
		}
		page.Rows = []executor.Row{row}
		if at+1 < len(keys) {
			page.Next = []byte(fmt.Sprint(at + 1))
		}
	}
	return page, nil
}

func (m *memTable) write(k int64, v string, w time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rows[k] = memRow{v, w.UnixMicro()}
}

// TestCursorRunStopsMidway: a run that fails part way writes out what it delivered and saves itself
// as pending; the next run carries it on, so that over both every changed row is delivered exactly
// once. A run with ORDER BY, whose rows come out only at its end, leaves the cursor as it was.
func TestCursorRunStopsMidway(t *testing.T) {
	base := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	m := &memTable{rows: map[int64]memRow{}}
	for k := int64(1); k <= 5; k++ {
		m.write(k, fmt.Sprint("v", k), base.Add(time.Duration(k)*time.Second))
	}
	cur := filepath.Join(t.TempDir(), "t.cursor")
	var out, errb bytes.Buffer
	now := base.Add(time.Minute)
	s := &Session{Cluster: m, Out: &out, Err: &errb, now: func() time.Time { return now },
		Settings: Settings{Format: render.CSV, Splits: 4, Concurrency: 1, FetchSize: 1, MaxRetries: -1,
			CursorSettings: CursorSettings{Cursor: cur, Settle: 10 * time.Second}}}
	// run returns the rows a run printed (CSV lines after the header) and its error.
	run := func(stmt string) ([]string, error) {
		out.Reset()
		errb.Reset()
		err := s.Execute(context.Background(), stmt)
		lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(out.String(), "\r\n", "\n")), "\n")
		var rows []string
		for _, l := range lines {
			if l != "" && l != "k,v" {
				rows = append(rows, l)
			}
		}
		if len(rows) > 50 {
			t.Fatalf("%d rows: %q…", len(rows), rows[:50])
		}
		return rows, err
	}
	const stmt = "SELECT k, v FROM ks.t"
	// exactlyOnce runs the statement failing after `fail` pages, then again without failures, and
	// checks that the two runs delivered want between them, each row once.
	exactlyOnce := func(fail int, want string) {
		t.Helper()
		m.failAfter, m.pages = fail, 0
		first, err := run(stmt)
		if err == nil || !strings.Contains(err.Error(), "progress saved in cursor") {
			t.Fatalf("failing run: %v", err)
		}
		m.failAfter = 0
		rest, err := run(stmt)
		if err != nil || !strings.Contains(errb.String(), "carrying on the run begun") {
			t.Fatalf("run after the failure: %v, %s", err, errb.String())
		}
		t.Logf("stopped after %d pages having delivered %q; the next run delivered %q", fail, first, rest)
		all := append(first, rest...)
		sort.Strings(all)
		if got := strings.Join(all, " "); got != want {
			t.Errorf("the stopped run delivered %q and the next %q: together %q, want %q", first, rest, got, want)
		}
	}
	exactlyOnce(3, "1,v1 2,v2 3,v3 4,v4 5,v5")
	if rows, err := run(stmt); err != nil || len(rows) != 0 {
		t.Fatalf("a run with nothing new: %q, %v", rows, err)
	}

	// Row 2 is updated and row 6 written; again a run stops part way and the next carries it on.
	now = now.Add(time.Minute)
	m.write(2, "v2b", now.Add(-30*time.Second))
	m.write(6, "v6", now.Add(-20*time.Second))
	exactlyOnce(2, "2,v2b 6,v6")
	// Row 2's only regular cell was overwritten: every cell newer than the mark, so it counts as new
	// (an insert cannot be told from a full overwrite by write times).
	if !strings.Contains(errb.String(), "rows delivered (2 new, 0 updated)") {
		t.Errorf("summary: %q", errb.String())
	}
	// A write stamped inside the settle window before the last run's start, landing late, is still
	// delivered by the next run; nothing else is.
	m.write(7, "v7", now.Add(-5*time.Second))
	now = now.Add(time.Minute)
	if rows, err := run(stmt); err != nil || strings.Join(rows, " ") != "7,v7" {
		t.Fatalf("late write: %q, %v", rows, err)
	}

	// With ORDER BY nothing is delivered before the end: a failure leaves the cursor file as it was.
	ordered := filepath.Join(t.TempDir(), "ordered.cursor")
	s.Cursor = ordered
	if rows, err := run(stmt + " ORDER BY v"); err != nil || len(rows) != 7 {
		t.Fatalf("ORDER BY: %q, %v", rows, err)
	}
	saved, err := os.ReadFile(ordered)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute)
	m.write(8, "v8", now.Add(-time.Minute))
	m.failAfter, m.pages = 1, 0
	if _, err := run(stmt + " ORDER BY v"); err == nil || !strings.Contains(err.Error(), "not moved") {
		t.Fatalf("failing ORDER BY run: %v", err)
	}
	if after, _ := os.ReadFile(ordered); !bytes.Equal(after, saved) {
		t.Fatal("a failed ORDER BY run changed the cursor file")
	}
	m.failAfter = 0
	if rows, err := run(stmt + " ORDER BY v"); err != nil || strings.Join(rows, " ") != "8,v8" {
		t.Fatalf("ORDER BY after the failure: %q, %v", rows, err)
	}
}
