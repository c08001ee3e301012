package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// cqlshFormats formats values with cqlsh's own formatting module, run by the Python of the cqlsh
// that scripts/devcluster installs: floats with format_floating_point_type at a precision, and
// timestamps with strftime in a format and zone. Each case is one JSON line in, one text line out.
const cqlshFormats = `
import json, sys, zoneinfo
from cqlshlib import formatting, displaying
for line in sys.stdin:
    c = json.loads(line)
    if c["kind"] == "float":
        out = formatting.format_floating_point_type(c["v"], displaying.NO_COLOR_MAP, c["p"])
    else:
        tz = zoneinfo.ZoneInfo(c["tz"]) if c["tz"] else None
        out = formatting.strftime(c["fmt"], c["s"], microseconds=c["us"], timezone=tz)
    print(out)
`

// cqlshPython is the Python interpreter that has cqlshlib.
func cqlshPython(t *testing.T) string {
	cache := os.Getenv("CQLSCAN_CACHE")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "cqlscan")
	}
	py := filepath.Join(cache, "venv-cqlsh", "bin", "python")
	if _, err := os.Stat(py); err != nil {
		testcluster.Missing(t, "no cqlsh Python at "+py+" (make test-clusters installs it)")
	}
	return py
}

// formatCase is one value for cqlsh to format.
type formatCase struct {
	Kind string  `json:"kind"`
	V    float64 `json:"v"`
	P    int     `json:"p"`
	Fmt  string  `json:"fmt"`
	S    int64   `json:"s"`
	US   int     `json:"us"`
	TZ   string  `json:"tz"`
}

// askCqlsh returns cqlsh's text for each case.
func askCqlsh(t *testing.T, cases []formatCase) []string {
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for _, c := range cases {
		if err := enc.Encode(c); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(cqlshPython(t), "-c", cqlshFormats)
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cqlsh's formatting: %v\n%s", err, stderr.String())
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) != len(cases) {
		t.Fatalf("cqlsh formatted %d values of %d", len(lines), len(cases))
	}
	return lines
}

// TestFloatPrecisionAsCqlsh: with float_precision or double_precision set, the table view rounds
// floats exactly as cqlsh's own formatter does, on random values of every magnitude.
func TestFloatPrecisionAsCqlsh(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	var cases []formatCase
	for _, v := range []float64{0, 1, -1, 0.1, 0.05, 0.0001, 0.00001234, 123456.789, 1e15, 1e-300, math.MaxFloat64, 99999.5, 0.5} {
		for _, p := range []int{1, 3, 5, 12} {
			cases = append(cases, formatCase{Kind: "float", V: v, P: p})
		}
	}
	for range 2000 {
		v := (rng.Float64() - 0.5) * math.Pow(10, float64(rng.Intn(40)-20))
		cases = append(cases, formatCase{Kind: "float", V: v, P: 1 + rng.Intn(15)})
	}
	want := askCqlsh(t, cases)
	for i, c := range cases {
		if got := CqlshFloat(c.V, c.P); got != want[i] {
			t.Errorf("%v at precision %d: %q, cqlsh %q", c.V, c.P, got, want[i])
		}
	}
}

// TestDateTimeFormatAsCqlsh: a cqlshrc datetimeformat and timezone print timestamps as cqlsh does.
func TestDateTimeFormatAsCqlsh(t *testing.T) {
	formats := []string{"%Y-%m-%d %H:%M:%S.%f%z", "%Y-%m-%d %H:%M:%S%z", "%d/%m/%Y %I:%M %p %Z", "%a %b %d %j %%", "%H:%M"}
	zones := []string{"", "UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"}
	moments := []time.Time{
		time.Date(2026, 11, 21, 13, 14, 15, 123000000, time.UTC),
		time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), // around Europe's change to summer time
		time.Date(1969, 12, 31, 23, 59, 59, 999000000, time.UTC),
		time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC),
	}
	var cases []formatCase
	for _, f := range formats {
		for _, z := range zones {
			for _, m := range moments {
				us := m.Nanosecond() / 1000
				cases = append(cases, formatCase{Kind: "ts", Fmt: f, S: m.Unix(), US: us, TZ: z})
			}
		}
	}
	want := askCqlsh(t, cases)
	for i, c := range cases {
		p := printer{Display: Display{DateTimeFormat: c.Fmt}}
		if c.TZ != "" {
			loc, err := time.LoadLocation(c.TZ)
			if err != nil {
				t.Fatal(err)
			}
			p.TimeZone = loc
		}
		got := p.timestampText(time.Unix(c.S, int64(c.US)*1000).UTC())
		if got != want[i] {
			t.Errorf("%s in %q: %q, cqlsh %q", time.Unix(c.S, int64(c.US)*1000).UTC(), c.TZ, got, want[i])
		}
	}
}
