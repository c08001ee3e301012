package checkpoint

import (
	"errors"
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

func TestSaveLoadAndRefusals(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "scan.json")
	key := Key{Query: "SELECT count(*) FROM ks.t", Keyspace: "ks", Ring: "abc"}
	ts := []types.Type{types.Of(types.BigInt), types.Of(types.Varint)}
	r1 := ring.Range{Start: big.NewInt(-10), End: big.NewInt(20)}
	r2 := ring.Range{Start: big.NewInt(20), End: big.NewInt(99)}
	earlier := []executor.DoneRange{{Range: r1, Rows: []executor.Row{{int64(3), big.NewInt(7)}}}}
	rec := NewRecorder(path, key, ts, earlier)
	rec.RangeDone(r2, []executor.Row{{int64(0), nil}})
	if err := rec.Save(); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path, key, ts)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Range.String() != r1.String() || got[1].Range.String() != r2.String() ||
		types.Key([]any(got[0].Rows[0])) != types.Key([]any{int64(3), big.NewInt(7)}) || got[1].Rows[0][1] != nil {
		t.Fatalf("loaded %v", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left beside the checkpoint: %v", entries)
	}
	for name, c := range map[string]struct {
		key Key
		ts  []types.Type
	}{
		"query":    {Key{Query: "SELECT count(*) FROM ks.u", Keyspace: "ks", Ring: "abc"}, ts},
		"keyspace": {Key{Query: key.Query, Keyspace: "other", Ring: "abc"}, ts},
		"ring":     {Key{Query: key.Query, Keyspace: "ks", Ring: "def"}, ts},
		"types":    {key, ts[:1]},
		"type":     {key, []types.Type{types.Of(types.BigInt), types.Of(types.Decimal)}},
	} {
		if _, err := Load(path, c.key, c.ts); !errors.Is(err, ErrMismatch) {
			t.Errorf("%s: error %v, want a mismatch", name, err)
		}
	}
	os.WriteFile(path, []byte(`{"version": 1, "key": `), 0o600)
	if _, err := Load(path, key, ts); err == nil || !strings.Contains(err.Error(), "not a cqlscan checkpoint") {
		t.Errorf("torn file: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.json"), key, ts); err == nil {
		t.Error("a missing file loaded")
	}
}
