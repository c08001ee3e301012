package repl

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/executor/cluster"
	"github.com/cqlscan/cqlscan/internal/testcluster"
	"github.com/cqlscan/cqlscan/repl/render"
)

// traceHeader is the header line of a trace table, as cqlsh 6.2 prints it.
var traceHeader = regexp.MustCompile(`(?m)^ activity\s+\| timestamp\s+\| source\s+\| source_elapsed \| client$`)

// TestTracingOnTheCluster: with TRACING ON, a statement Cassandra answers as written is followed by
// its trace, as cqlsh prints one (the session line, the header, the request first and "Request
// complete" last, events as "activity [thread]"); SHOW SESSION prints the same trace again; a
// cqlscan scan gets a note instead; SERIAL CONSISTENCY is applied to a conditional write.
func TestTracingOnTheCluster(t *testing.T) {
	s, hosts := testcluster.Session(t, testcluster.One)
	testcluster.Keyspace(t, s, "shellcmd_trace", 1)
	if err := s.Query(`CREATE TABLE shellcmd_trace.t (k int PRIMARY KEY, v text)`).Exec(); err != nil {
		t.Fatal(err)
	}
	conn, err := cluster.Connect(cluster.Config{Hosts: hosts})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var out, errb bytes.Buffer
	sess := &Session{Cluster: conn, Out: &out, Err: &errb, Settings: Settings{Format: render.Table}}
	ctx := context.Background()
	run := func(stmt string) {
		t.Helper()
		if err := sess.Execute(ctx, stmt); err != nil {
			t.Fatalf("%s: %v\n%s", stmt, err, errb.String())
		}
	}
	run("TRACING ON")
	run("INSERT INTO shellcmd_trace.t (k, v) VALUES (1, 'a')")
	trace := out.String()
	m := regexp.MustCompile(`Tracing session: ([0-9a-f-]{36})`).FindStringSubmatch(trace)
	if m == nil || !traceHeader.MatchString(trace) {
		t.Fatalf("no trace after the INSERT:\n%s", trace)
	}
	lines := strings.Split(strings.TrimSpace(trace), "\n")
	if len(lines) < 5 || !strings.HasPrefix(strings.TrimSpace(lines[4]), "Execute CQL3 ") {
		t.Fatalf("the trace's first row is not the request:\n%s", trace)
	}
	if strings.Count(trace, "Tracing session") != 1 || strings.Contains(trace, "rows)") {
		t.Errorf("want one trace, without a row count, as cqlsh prints it:\n%s", trace)
	}
	if !strings.Contains(trace, " Request complete |") || !regexp.MustCompile(`\[[A-Za-z0-9:_-]+\]`).MatchString(trace) {
		t.Errorf("the trace has no 'Request complete' row or no event with its thread:\n%s", trace)
	}
	out.Reset()
	run("SHOW SESSION " + m[1])
	if !strings.Contains(out.String(), "Tracing session: "+m[1]) || !traceHeader.MatchString(out.String()) {
		t.Errorf("SHOW SESSION printed:\n%s", out.String())
	}
	out.Reset()
	errb.Reset()
	run("SELECT count(*) FROM shellcmd_trace.t")
	if !strings.Contains(errb.String(), "--stats") || strings.Contains(out.String(), "Tracing session") {
		t.Errorf("a scan with TRACING ON: out %q, err %q", out.String(), errb.String())
	}
	run("TRACING OFF")
	run("SERIAL CONSISTENCY LOCAL_SERIAL")
	if got := conn.SerialConsistency(); got != "LOCAL_SERIAL" {
		t.Errorf("serial consistency %s after SERIAL CONSISTENCY LOCAL_SERIAL", got)
	}
	out.Reset()
	run("INSERT INTO shellcmd_trace.t (k, v) VALUES (2, 'b') IF NOT EXISTS")
	if !strings.Contains(out.String(), "True") {
		t.Errorf("a conditional write at LOCAL_SERIAL printed %q", out.String())
	}
	if err := sess.Execute(ctx, "SHOW SESSION 00000000-0000-1000-8000-000000000000"); err == nil ||
		!strings.Contains(err.Error(), "wasn't found") {
		t.Errorf("SHOW SESSION of an unknown id: %v", err)
	}
}
