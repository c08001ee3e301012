package repl

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/types"
	"github.com/cqlscan/cqlscan/repl/render"
)

func TestStatementBuffer(t *testing.T) {
	cases := []struct {
		name  string
		lines []string
		want  []string
		rest  string
	}{
		{"one line", []string{"SELECT * FROM t;"}, []string{"SELECT * FROM t"}, ""},
		{"over lines", []string{"SELECT *", "FROM t", "WHERE a = ';';"}, []string{"SELECT *\nFROM t\nWHERE a = ';'"}, ""},
		{"two on a line", []string{"USE ks; SELECT 1 FROM t;"}, []string{"USE ks", "SELECT 1 FROM t"}, ""},
		{"shell command ends with its line", []string{"CONSISTENCY QUORUM", "SELECT 1 FROM t;"}, []string{"CONSISTENCY QUORUM", "SELECT 1 FROM t"}, ""},
		{"shell command then CQL", []string{"PAGING OFF; SELECT 1 FROM t;"}, []string{"PAGING OFF", "SELECT 1 FROM t"}, ""},
		{"CQL then shell command", []string{"SELECT 1 FROM t; expand on"}, []string{"SELECT 1 FROM t", "expand on"}, ""},
		{"a command word inside a statement is not a command", []string{"SELECT", "show FROM t;"}, []string{"SELECT\nshow FROM t"}, ""},
		{"unfinished at the end", []string{"SELECT * FROM t"}, nil, "SELECT * FROM t"},
		{"comments only", []string{"-- nothing", "/* here */"}, nil, ""},
		{"a batch over lines", []string{"BEGIN UNLOGGED BATCH", "INSERT INTO t (a) VALUES (1);", "INSERT INTO t (a) VALUES (2);", "APPLY BATCH;", "SELECT 1 FROM t;"},
			[]string{"BEGIN UNLOGGED BATCH\nINSERT INTO t (a) VALUES (1);\nINSERT INTO t (a) VALUES (2);\nAPPLY BATCH", "SELECT 1 FROM t"}, ""},
		{"a batch on one line", []string{"BEGIN BATCH INSERT INTO t (a) VALUES (1); INSERT INTO t (a) VALUES (2); APPLY BATCH; TIMING ON"},
			[]string{"BEGIN BATCH INSERT INTO t (a) VALUES (1); INSERT INTO t (a) VALUES (2); APPLY BATCH", "TIMING ON"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b statementBuffer
			var got []string
			for _, l := range c.lines {
				got = append(got, b.add(l)...)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("statements %q, want %q", got, c.want)
			}
			if rest := b.flush(); rest != c.rest {
				t.Errorf("left over %q, want %q", rest, c.rest)
			}
		})
	}
}

func TestStatementComplete(t *testing.T) {
	for text, want := range map[string]bool{
		"": true, "  ": true, "SELECT * FROM t;": true, "SELECT *\nFROM t": false, "HELP": true,
		"consistency one": true, "SELECT 'a;": false, "USE ks": false, "SELECT 1 FROM t; SELECT": false,
		"BEGIN BATCH INSERT INTO t (a) VALUES (1);": false, "BEGIN BATCH INSERT INTO t (a) VALUES (1); APPLY BATCH;": true,
	} {
		if got := statementComplete(text); got != want {
			t.Errorf("statementComplete(%q) = %v, want %v", text, got, want)
		}
	}
}

// offline is a Cluster for commands that do not reach the cluster; calling it fails the test.
type offline struct{ Cluster }

// session is a Session with buffers for its output.
func session() (*Session, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Session{Cluster: offline{}, Out: &out, Err: &errb, Settings: Settings{Format: render.Table}}, &out, &errb
}

func TestShellSettings(t *testing.T) {
	s, out, errb := session()
	script := strings.Join([]string{
		"PAGING 25", "EXPAND ON", "TIMING on", "SET CONCURRENCY 12", "SET SPLITS 99", "SET FORMAT jsonl", "HELP PAGING", "paging off",
	}, "\n")
	if err := s.RunScript(context.Background(), strings.NewReader(script), false); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	if s.PageSize != 0 || !s.Expanded || !s.Timing || s.Concurrency != 12 || s.Splits != 99 || s.Format != render.JSONL {
		t.Errorf("settings after the script: %+v", s.Settings)
	}
	if !strings.Contains(out.String(), "PAGING [ON|OFF|rows]") {
		t.Errorf("HELP PAGING printed %q", out.String())
	}
	for _, want := range []string{"Page size: 25", "EXPAND set to ON", "CONCURRENCY set to 12", "PAGING set to OFF"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("messages %q do not say %q", errb.String(), want)
		}
	}
}

func TestShellErrors(t *testing.T) {
	for _, c := range []struct{ stmt, message string }{
		{"PAGING lots", `PAGING lots: use ON, OFF or a number of rows`},
		{"EXPAND maybe", `EXPAND maybe: use ON or OFF`},
		{"SET SPLITS 0", "want a positive whole number"},
		{"SET FORMAT xml", "unknown format"},
		{"SET COLOUR red", "cqlscan's settings are CONCURRENCY, SPLITS, FORMAT, CURSOR, SETTLE, OUT_DIR and BATCH_ROWS"},
		{"HELP FROBNICATE", "no help topic FROBNICATE"},
		{"SOURCE '/no/such/file.cql'", "no such file"},
		{"SOURCE", "SOURCE needs a file name"},
	} {
		s, _, _ := session()
		err := s.Execute(context.Background(), c.stmt)
		var se *StatementError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), c.message) {
			t.Errorf("%s: error %v, want a statement error saying %q", c.stmt, err, c.message)
		}
	}
}

// SOURCE runs a file's commands; EXIT ends the script it is in; CAPTURE appends output to a file.
func TestSourceCaptureExit(t *testing.T) {
	dir := t.TempDir()
	inner := filepath.Join(dir, "inner.cql")
	if err := os.WriteFile(inner, []byte("SET SPLITS 7\nHELP TIMING\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	capture := filepath.Join(dir, "out.txt")
	s, out, errb := session()
	script := "CAPTURE '" + capture + "'\nSOURCE '" + inner + "'\nCAPTURE OFF\nHELP EXPAND\nEXIT\nSET SPLITS 8\n"
	if err := s.RunScript(context.Background(), strings.NewReader(script), false); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	if s.Splits != 7 {
		t.Errorf("splits %d: want 7 from the sourced file, and nothing run after EXIT", s.Splits)
	}
	got, err := os.ReadFile(capture)
	if err != nil || !strings.Contains(string(got), "TIMING [ON|OFF]") || strings.Contains(string(got), "EXPAND") {
		t.Errorf("captured %q (%v): want HELP TIMING's output only", got, err)
	}
	if strings.Contains(out.String(), "TIMING [ON|OFF]") || !strings.Contains(out.String(), "EXPAND [ON|OFF]") {
		t.Errorf("screen got %q: want only what came after CAPTURE OFF", out.String())
	}
}

// Paging at the prompt: a page, --More--, the next page on Enter; q stops; the footer counts all rows.
func TestPaging(t *testing.T) {
	s, out, errb := session()
	s.Interactive, s.PageSize, s.More = true, 2, strings.NewReader("\nq\n")
	res := &render.Result{Columns: everyColumn("n")}
	for i := range 7 {
		res.Rows = append(res.Rows, []any{int64(i)})
	}
	if err := s.print(res); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(errb.String(), "--More--"); n != 2 {
		t.Errorf("%d --More-- prompts, want 2 (then q)", n)
	}
	if !strings.Contains(out.String(), " 3\n") || strings.Contains(out.String(), " 4\n") || !strings.HasSuffix(out.String(), "(7 rows)\n") {
		t.Errorf("paged output:\n%s", out.String())
	}
}

func everyColumn(names ...string) []planner.OutputColumn {
	out := make([]planner.OutputColumn, len(names))
	for i, n := range names {
		out[i] = planner.OutputColumn{Name: n, Type: types.Of(types.BigInt)}
	}
	return out
}

// Each statement is known by the line where its code starts: after blank lines and leading
// comments, over several lines, several on one line, a shell command after a ';', the rest at the end.
func TestStatementLines(t *testing.T) {
	lines := []string{
		"",                      // 1
		"-- a comment",          // 2
		"SELECT a",              // 3
		"  FROM t; PAGING OFF",  // 4
		"/* lead */ SELECT 1;",  // 5
		"SELECT 2; SELECT 3;",   // 6
		"CONSISTENCY ONE",       // 7
		"",                      // 8
		"  -- before",           // 9
		"",                      // 10
		"INSERT INTO t (a)",     // 11
		"  VALUES ('x;y'); SEL", // 12
		"ECT 4",                 // 13
	}
	var b statementBuffer
	var got []statement
	for _, l := range lines {
		got = append(got, b.addLine(l)...)
	}
	got = append(got, b.flushStatement())
	want := []statement{
		{"SELECT a\n  FROM t", 3}, {"PAGING OFF", 4}, {"/* lead */ SELECT 1", 5},
		{"SELECT 2", 6}, {"SELECT 3", 6}, {"CONSISTENCY ONE", 7},
		{"INSERT INTO t (a)\n  VALUES ('x;y')", 11}, {"SEL\nECT 4", 12},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("statements\n%+v\nwant\n%+v", got, want)
	}
}

// A batch run goes on after a failure and reports each as NAME:LINE:error: …, as cqlsh does; it
// fails at the end. StopOnError stops at the first failure; a BOM is skipped; tty mode shows the
// prompt and does not fail the run.
func TestRunBatch(t *testing.T) {
	const script = "\ufeffSET SPLITS 3\nPAGING lots\n\nSET SPLITS 4\nEXPAND maybe\nSET SPLITS 5\n"
	cases := []struct {
		name       string
		sc         Script
		stop       bool
		wantErr    string // "" : no error
		wantSplits int
		wantLines  []string // Err, line by line: how each starts, then the bad value it names
	}{
		{"goes on", Script{Name: "x.cql"}, false, "x.cql: 2 statements failed", 5, []string{
			"x.cql:2:error: lots", "x.cql:5:error: maybe"}},
		{"stops on error", Script{Name: "<stdin>"}, true, "<stdin>: stopped after 1 statement failed", 3, []string{
			"<stdin>:2:error: lots"}},
		{"tty mode", Script{Name: "<stdin>", TTY: true}, false, "", 5, []string{"error: lots", "error: maybe"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, out, errb := session()
			s.StopOnError = c.stop
			err := s.RunBatch(context.Background(), strings.NewReader(script), c.sc)
			var be *BatchError
			switch {
			case c.wantErr == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case c.wantErr != "" && (!errors.As(err, &be) || err.Error() != c.wantErr):
				t.Errorf("error %v, want a *BatchError %q", err, c.wantErr)
			}
			var lines []string
			for _, l := range strings.Split(strings.TrimSpace(errb.String()), "\n") {
				if strings.HasPrefix(l, "SPLITS set") {
					continue
				}
				lines = append(lines, l)
			}
			ok := len(lines) == len(c.wantLines)
			for i := 0; ok && i < len(lines); i++ {
				prefix, word, _ := strings.Cut(c.wantLines[i], " ")
				ok = strings.HasPrefix(lines[i], prefix+" ") && strings.Contains(lines[i], word)
			}
			if !ok {
				t.Errorf("stderr lines\n%q\nwant\n%q", lines, c.wantLines)
			}
			if s.Splits != c.wantSplits {
				t.Errorf("splits %d, want %d: the statements after a failure ran or not", s.Splits, c.wantSplits)
			}
			if prompts := strings.Count(out.String(), "cqlscan> "); c.sc.TTY != (prompts == 7) {
				t.Errorf("%d prompts on stdout %q (tty mode %t)", prompts, out.String(), c.sc.TTY)
			}
		})
	}
}

// Input that is empty, or only a BOM, blank lines and comments, runs nothing and succeeds.
func TestRunBatchNothing(t *testing.T) {
	for _, in := range []string{"", "\ufeff", "\n\n", "-- only\n/* comments */\n", ";;\n"} {
		s, out, errb := session()
		if err := s.RunBatch(context.Background(), strings.NewReader(in), Script{Name: "<stdin>"}); err != nil {
			t.Errorf("%q: %v", in, err)
		}
		if out.Len()+errb.Len() != 0 {
			t.Errorf("%q: printed %q and %q", in, out.String(), errb.String())
		}
	}
}

// A read error is reported at the line it stopped at, and fails the run.
func TestRunBatchReadError(t *testing.T) {
	s, _, errb := session()
	r := io.MultiReader(strings.NewReader("SET SPLITS 9\n"), iotest.ErrReader(errors.New("disk on fire")))
	err := s.RunBatch(context.Background(), r, Script{Name: "f.cql"})
	if err == nil || s.Splits != 9 || !strings.Contains(errb.String(), "f.cql:2:error: reading the input: disk on fire") {
		t.Errorf("error %v, splits %d, stderr %q", err, s.Splits, errb.String())
	}
}

// With Debug, an error line is followed by its chain of causes and their types.
func TestDebugChain(t *testing.T) {
	s, _, errb := session()
	s.Debug = true
	if err := s.RunBatch(context.Background(), strings.NewReader("PAGING lots\n"), Script{Name: "d.cql"}); err == nil {
		t.Fatal("want a failure")
	}
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[1], "debug: *repl.StatementError: ") || !strings.HasPrefix(lines[2], "debug:   ") {
		t.Errorf("stderr %q: want the error line, then its chain", errb.String())
	}
}
