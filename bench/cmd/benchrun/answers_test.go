package main

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/bench/dataset"
)

func TestParseCount(t *testing.T) {
	cases := []struct{ name, out, want string }{
		{"cqlscan csv", "count\r\n1000000\r\n", "1000000"},
		{"cqlsh table", "\n count\n---------\n 1000000\n\n(1 rows)\n\nWarnings :\nAggregation query used without partition key\n", "1000000"},
		{"wc -l", "   1000000\n", "1000000"},
	}
	for _, c := range cases {
		if got, err := parseCount(c.out); err != nil || got != c.want {
			t.Errorf("%s: parseCount = %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "count\n", "1\n2\n"} {
		if got, err := parseCount(bad); err == nil {
			t.Errorf("parseCount(%q) = %q, want an error", bad, got)
		}
	}
}

// cqlscan's CSV (with a header, groups in any order) and awk's lines give the same canonical answer;
// blobs compare in lower case and numbers whatever their form.
func TestParseGroupsCanonical(t *testing.T) {
	cqlscan := "C0,count\r\n0xAB01,7\r\n0x00ff,3\r\n"
	awk := "0x00ff,3\n0xab01,7\n"
	a, err1 := parseGroups(cqlscan)
	b, err2 := parseGroups(awk)
	if err1 != nil || err2 != nil || a != b || a != "0x00ff,3\n0xab01,7" {
		t.Errorf("cqlscan %q (%v) and awk %q (%v) differ", a, err1, b, err2)
	}
	sales, err := parseGroups("category,count,system.sum(qty)\r\ncat-0001,10,55.0\r\n")
	if err != nil || sales != "cat-0001,10,55" {
		t.Errorf("sales groups = %q, %v", sales, err)
	}
}

func TestCheckSalesRows(t *testing.T) {
	const n = 1000
	good := []string{"store", "seq", "category"}
	var rows [][]string
	rows = append(rows, good)
	for _, seq := range []int{0, 500, 999} {
		s := salesRowFor(seq, n)
		rows = append(rows, s)
	}
	if got, err := checkSalesRows(rows, n); err != nil || got != "3 rows of the table" {
		t.Errorf("checkSalesRows = %q, %v", got, err)
	}
	rows[2][2] = "cat-9999"
	if _, err := checkSalesRows(rows, n); err == nil {
		t.Error("a row with the wrong category passed")
	}
	table := " store | seq | category\n-------+-----+----------\n     0 |   0 | " + salesRowFor(0, n)[2] + "\n\n(1 rows)\n"
	recs, err := cqlshRecords(table)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := checkSalesRows(recs, n); err != nil || got != "1 rows of the table" {
		t.Errorf("cqlsh table: %q, %v (records %q)", got, err, recs)
	}
}

func TestMedian(t *testing.T) {
	runs := []Run{{Wall: 3 * time.Second, PeakRSS: 10}, {Wall: time.Second, PeakRSS: 30}, {Wall: 2 * time.Second, PeakRSS: 20}}
	if m := median(runs); m.Wall != 2*time.Second || m.PeakRSS != 20 {
		t.Errorf("median = %+v", m)
	}
	if m := median(runs[:2]); m.Wall != time.Second {
		t.Errorf("median of two = %v, want the lower", m.Wall)
	}
}

func TestServerCPUReadsProc(t *testing.T) {
	// After 100 ms of busy work this process has used CPU; a process that does not exist adds nothing.
	x := 0
	for began := time.Now(); time.Since(began) < 100*time.Millisecond; x++ {
	}
	self := serverCPU([]int{pidSelf()})
	if self <= 0 || serverCPU([]int{-1}) != 0 {
		t.Errorf("serverCPU(self) = %v after %d loops", self, x)
	}
	if !strings.HasPrefix(secs(1500*time.Millisecond), "1.50") {
		t.Error(secs(1500 * time.Millisecond))
	}
}

func salesRowFor(seq, n int) []string {
	s := dataset.SalesRow(seq, n)
	return []string{strconv.Itoa(s.Store), strconv.Itoa(s.Seq), s.Category}
}

func pidSelf() int { return os.Getpid() }
