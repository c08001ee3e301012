package main

import (
	"math"
	"math/big"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// The hand-written peer's slices cover the Murmur3 ring exactly once, in equal widths: a row
// missed or counted twice would show only as a wrong answer in a long run.
func TestPeerSlicesCoverTheRing(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		testcluster.Missing(t, "python3 is not on PATH")
	}
	for _, n := range []int{1, 3, 8, 64} {
		out, err := exec.Command(python, "../../peer/ring_count.py", "--print-slices", strconv.Itoa(n)).CombinedOutput()
		if err != nil {
			t.Fatalf("--print-slices %d: %v\n%s", n, err, out)
		}
		lines := strings.Fields(string(out))
		if len(lines) != n {
			t.Fatalf("--print-slices %d: %d slices", n, len(lines))
		}
		prev := big.NewInt(math.MinInt64)
		var widths []*big.Int
		for _, l := range lines {
			a, b, _ := strings.Cut(l, ",")
			start, ok1 := new(big.Int).SetString(a, 10)
			end, ok2 := new(big.Int).SetString(b, 10)
			if !ok1 || !ok2 || start.Cmp(prev) != 0 || end.Cmp(start) <= 0 {
				t.Fatalf("--print-slices %d: slice %q does not follow %v", n, l, prev)
			}
			widths = append(widths, new(big.Int).Sub(end, start))
			prev = end
		}
		if prev.Cmp(big.NewInt(math.MaxInt64)) != 0 {
			t.Errorf("--print-slices %d ends at %v, not the ring's end", n, prev)
		}
		// Equal but for the last, which takes the remainder of the division (under n tokens).
		slack := new(big.Int).Sub(widths[n-1], widths[0])
		if slack.Sign() < 0 || slack.Cmp(big.NewInt(int64(n))) >= 0 {
			t.Errorf("--print-slices %d: widths %v", n, widths)
		}
	}
	if out, err := exec.Command(python, "../../peer/ring_count.py", "--print-slices", "0").CombinedOutput(); err == nil {
		t.Errorf("--print-slices 0 succeeded: %s", out)
	}
}

// The peer is told the table, its node, its process count and the filter, if any.
func TestPeerArgv(t *testing.T) {
	e := env{host: "127.0.0.61", python: "/venv/bin/python", peer: "bench/peer/ring_count.py"}
	got := peerTool("bench.sales", "region = 'eu-west'").Argv(e)
	want := []string{"/venv/bin/python", "bench/peer/ring_count.py", "--host", "127.0.0.61", "--table", "bench.sales",
		"--processes", strconv.Itoa(peerProcesses), "--where", "region = 'eu-west'"}
	if !slices.Equal(got, want) {
		t.Errorf("argv %q, want %q", got, want)
	}
	if got := peerTool("ks.t", "").Argv(e); slices.Contains(got, "--where") {
		t.Errorf("argv %q has --where without a filter", got)
	}
}
