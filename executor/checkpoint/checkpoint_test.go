package checkpoint

import (
	"errors"
	"io/fs"
	"math"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/executor/savefile"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/types"
)

func TestValuesRoundTrip(t *testing.T) {
	ts := time.Date(1969, 7, 20, 20, 17, 40, 123456789, time.UTC)
	cases := []struct {
		t types.Type
		v any
	}{
		{types.Of(types.BigInt), int64(math.MinInt64)},
		{types.Of(types.Counter), int64(42)},
		{types.Of(types.Varint), new(big.Int).Lsh(big.NewInt(-3), 200)},
		{types.Of(types.Decimal), inf.NewDec(-12345, 7)},
		{types.Of(types.Double), math.Inf(-1)},
		{types.Of(types.Double), math.NaN()},
		{types.Of(types.Float), -0.0},
		{types.Of(types.Double), 5e-324},
		{types.Of(types.Text), "é\n\"x\""},
		{types.Of(types.Ascii), ""},
		{types.Of(types.Boolean), true},
		{types.Of(types.Blob), []byte{0, 0xff}},
		{types.Of(types.TimeUUID), types.UUIDValue{0xd2, 0x17, 0x7d, 0xd0, 0xea, 0xa2, 0x11, 0xde, 0xa5}},
		{types.Of(types.Timestamp), ts},
		{types.Of(types.Date), time.Date(-200, 1, 1, 0, 0, 0, 0, time.UTC)},
		{types.Of(types.Time), 13*time.Hour + 1},
		{types.Of(types.Inet), net.ParseIP("10.1.2.3").To4()},
		{types.Of(types.Inet), net.ParseIP("2001:db8::1")},
		{types.Of(types.Int), nil},
	}
	for _, c := range cases {
		s, err := encode(c.t, c.v)
		if err != nil {
			t.Errorf("encode(%s, %v): %v", c.t, c.v, err)
			continue
		}
		got, err := decode(c.t, s)
		if err != nil || types.Key(got) != types.Key(c.v) {
			t.Errorf("%s %v came back as %v (%T), %v", c.t, c.v, got, got, err)
		}
	}
	if _, err := encode(types.Type{Kind: types.List}, []any{int64(1)}); err == nil {
		t.Error("a list was accepted")
	}
	bad := "zz"
	if _, err := decode(types.Of(types.Varint), &bad); err == nil {
		t.Error("a bad varint was accepted")
	}
}

// sample saves a checkpoint of two ranges (one of them resumed from an earlier run) and returns its
// path, key and types.
func sample(t *testing.T) (string, Key, []types.Type) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "scan.json")
	key := Key{Query: "SELECT count(*), sum(v) FROM ks.t", Keyspace: "ks", Ring: "abc"}
	ts := []types.Type{types.Of(types.BigInt), types.Of(types.Varint)}
	r1 := ring.Range{Start: big.NewInt(-10), End: big.NewInt(20)}
	r2 := ring.Range{Start: big.NewInt(20), End: big.NewInt(99)}
	earlier := []executor.DoneRange{{Range: r1, Rows: []executor.Row{{int64(4242), big.NewInt(7)}}}}
	rec := NewRecorder(path, key, ts, earlier)
	rec.RangeDone(r2, []executor.Row{{int64(0), nil}})
	if err := rec.Save(); err != nil {
		t.Fatal(err)
	}
	return path, key, ts
}

func TestSaveLoad(t *testing.T) {
	path, key, ts := sample(t)
	got, err := Load(path, key, ts)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Range.String() != "(-10, 20]" || got[1].Range.String() != "(20, 99]" ||
		types.Key([]any(got[0].Rows[0])) != types.Key([]any{int64(4242), big.NewInt(7)}) || got[1].Rows[0][1] != nil {
		t.Fatalf("loaded %v", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("files left beside the checkpoint: %v", entries)
	}
	// Layout is not content: the file re-indented by an editor still loads.
	data, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.ReplaceAll(string(data), "\n", "\n  ")), 0o600)
	if _, err := Load(path, key, ts); err != nil {
		t.Errorf("re-indented checkpoint refused: %v", err)
	}
}

// TestRefusals: every checkpoint that must not be resumed is refused with one line that names the
// file, and the errors are of the kinds callers test for.
func TestRefusals(t *testing.T) {
	path, key, ts := sample(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	finished := filepath.Join(dir, "finished.json")
	rec := NewRecorder(finished, key, ts, nil)
	rec.RangeDone(ring.Range{Start: big.NewInt(-10), End: big.NewInt(20)}, []executor.Row{{int64(3), nil}})
	if err := rec.Finish(); err != nil {
		t.Fatal(err)
	}
	future := filepath.Join(dir, "future.json")
	if err := savefile.Write(future, fileKind, fileVersion+1, body{Key: key}); err != nil {
		t.Fatal(err)
	}
	badRange := filepath.Join(dir, "badrange.json") // a valid checksum over content no cqlscan writes
	if err := savefile.Write(badRange, fileKind, fileVersion, body{Key: key, Types: []string{"bigint", "varint"},
		Ranges: []entry{{Start: "x", End: "20"}}}); err != nil {
		t.Fatal(err)
	}
	v1 := write("v1.json", `{"version": 1, "key": {"query": "SELECT count(*), sum(v) FROM ks.t", "keyspace": "ks", "ring": "abc"},
 "types": ["bigint", "varint"], "saved": "2026-11-01T10:00:00Z", "ranges": [{"start": "-10", "end": "20", "rows": [["-5000", "7"]]}]}`)
	cases := []struct {
		name string
		path string
		key  Key
		ts   []types.Type
		want error
		says string
	}{
		{"count edited by hand", write("edited.json", strings.Replace(string(data), `"4242"`, `"-5000"`, 1)), key, ts, savefile.ErrDamaged, "does not match its checksum"},
		{"torn", write("torn.json", string(data[:len(data)/2])), key, ts, savefile.ErrDamaged, "damaged or edited"},
		{"not a checkpoint", write("cursor.json", strings.Replace(string(data), `"cqlscan": "checkpoint"`, `"cqlscan": "cursor"`, 1)), key, ts, savefile.ErrDamaged, "not a cqlscan checkpoint"},
		{"bad range under a good checksum", badRange, key, ts, savefile.ErrDamaged, "bad range (x, 20]"},
		{"format version 1", v1, key, ts, savefile.ErrVersion, "format version 1"},
		{"a later format", future, key, ts, savefile.ErrVersion, "version 3"},
		{"finished", finished, key, ts, ErrFinished, "answer was printed then"},
		{"another query", path, Key{Query: "SELECT count(*) FROM ks.u", Keyspace: "ks", Ring: "abc"}, ts, ErrMismatch, "saved for the query SELECT count(*), sum(v) FROM ks.t"},
		{"another keyspace", path, Key{Query: key.Query, Keyspace: "other", Ring: "abc"}, ts, ErrMismatch, "USE ks first"},
		{"another ring", path, Key{Query: key.Query, Keyspace: "ks", Ring: "def"}, ts, ErrMismatch, "another token ring"},
		{"fewer partials", path, key, ts[:1], ErrMismatch, "2 partial aggregates where the plan has 1"},
		{"another type", path, key, []types.Type{types.Of(types.BigInt), types.Of(types.Decimal)}, ErrMismatch, "type varint where the plan has decimal"},
		{"missing", filepath.Join(dir, "missing.json"), key, ts, fs.ErrNotExist, "missing.json"},
	}
	for _, c := range cases {
		before, _ := os.ReadFile(c.path)
		_, err := Load(c.path, c.key, c.ts)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.want)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") || !strings.Contains(msg, c.path) || !strings.Contains(msg, c.says) {
			t.Errorf("%s: error %q: want one line naming %s and saying %q", c.name, msg, c.path, c.says)
		}
		if c.want != fs.ErrNotExist && !strings.Contains(msg, "--resume") {
			t.Errorf("%s: error %q does not say what to do about --resume", c.name, msg)
		}
		if after, _ := os.ReadFile(c.path); string(after) != string(before) {
			t.Errorf("%s: refusing the file changed it", c.name)
		}
	}
}

// TestFinishRecordsWhen: a finished checkpoint says when it finished, and still holds its ranges.
func TestFinishRecordsWhen(t *testing.T) {
	path, key, ts := sample(t)
	done, err := Load(path, key, ts)
	if err != nil {
		t.Fatal(err)
	}
	rec := NewRecorder(path, key, ts, done)
	began := time.Now().UTC().Truncate(time.Second)
	if err := rec.Finish(); err != nil {
		t.Fatal(err)
	}
	var b body
	if err := savefile.Read(path, fileKind, fileVersion, &b); err != nil {
		t.Fatal(err)
	}
	at, err := time.Parse(time.RFC3339, b.Finished)
	if err != nil || at.Before(began) || at.After(time.Now().Add(time.Second)) || len(b.Ranges) != 2 {
		t.Errorf("finished checkpoint: finished %q (%v), %d ranges; want now and 2", b.Finished, err, len(b.Ranges))
	}
	var fe *FinishedError
	if _, err := Load(path, key, ts); !errors.As(err, &fe) || fe.At != b.Finished {
		t.Errorf("loading it: %v, want a FinishedError at %s", err, b.Finished)
	}
}
