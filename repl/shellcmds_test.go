package repl

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// TestSwitchMessages: ON/OFF commands say what they did in cqlsh 6's words, on the session's Err.
func TestSwitchMessages(t *testing.T) {
	s, _, errb := session()
	for _, stmt := range []string{"TRACING", "EXPAND ON", "EXPAND ON", "EXPAND", "EXPAND OFF", "PAGING", "PAGING 7", "PAGING OFF", "PAGING ON"} {
		if err := s.Execute(context.Background(), stmt); err != nil && !strings.HasPrefix(stmt, "TRACING") {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	want := "TRACING is OFF\nEXPAND set to ON\nEXPAND is already ON\nEXPAND is ON\nEXPAND set to OFF\n" +
		"PAGING is OFF\nPage size: 7\nPAGING set to OFF\nPAGING set to ON\nPage size: 100\n" // OFF forgets the size, as in cqlsh
	if errb.String() != want {
		t.Errorf("messages:\n%s\nwant\n%s", errb.String(), want)
	}
}

// TestNewShellCommands: CLEAR and CLS clear the screen, UNICODE explains, HISTORY lists the history
// file's last entries, LOGIN without a way to reconnect and SERIAL without CONSISTENCY are errors.
func TestNewShellCommands(t *testing.T) {
	hist := filepath.Join(t.TempDir(), "history")
	t.Setenv("CQLSCAN_HISTORY", hist)
	if err := os.WriteFile(hist, []byte("SELECT 1 FROM t;\nEXPAND ON\n\"SELECT\\n2 FROM t;\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ stmt, out, err string }{
		{"CLEAR", "\x1b[H\x1b[2J", ""},
		{"cls", "\x1b[H\x1b[2J", ""},
		{"UNICODE", "UTF-8", ""},
		{"HISTORY", "SELECT 1 FROM t;\nEXPAND ON\nSELECT\n2 FROM t;\n", ""},
		{"HISTORY 1", "SELECT\n2 FROM t;\n", ""},
		{"HISTORY x", "", "want a number of statements"},
		{"LOGIN bob 'pw'", "", "LOGIN is not available"},
		{"SERIAL ONE", "", "use SERIAL CONSISTENCY"},
		{"HELP TRACING SELECT_JSON", "TRACING [ON|OFF]", ""},
		{"HELP NO_SUCH", "", "no help topic NO_SUCH"},
	} {
		s, out, _ := session()
		err := s.Execute(context.Background(), c.stmt)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.stmt, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: error %v, want one saying %q", c.stmt, err, c.err)
		case !strings.Contains(out.String(), c.out):
			t.Errorf("%s printed %q, want %q in it", c.stmt, out.String(), c.out)
		}
	}
}

// TestHelpCoversCqlsh: every shell command and CQL help topic the real cqlsh's HELP lists is one
// cqlscan's HELP lists and explains.
func TestHelpCoversCqlsh(t *testing.T) {
	script := os.Getenv("CQLSCAN_DEVCLUSTER")
	if script == "" {
		testcluster.Missing(t, "CQLSCAN_DEVCLUSTER is not set: run the tests with `make test`")
	}
	testcluster.Hosts(t, testcluster.One)
	theirs, err := exec.Command(script, "--name", "test1", "cqlsh", "-e", "HELP").Output()
	if err != nil {
		t.Fatalf("cqlsh HELP: %v", err)
	}
	s, out, _ := session()
	if err := s.Execute(context.Background(), "HELP"); err != nil {
		t.Fatal(err)
	}
	ours := map[string]bool{}
	for _, w := range strings.Fields(out.String()) {
		ours[w] = true
	}
	words := regexp.MustCompile(`\b[A-Z][A-Z_]+\b`).FindAllString(string(theirs), -1)
	if len(words) < 60 {
		t.Fatalf("cqlsh's HELP listed %d topics:\n%s", len(words), theirs)
	}
	for _, w := range words {
		if w == "CQL" || w == "WARNING" || w == "COPY" { // COPY: a command of its own, tested apart
			continue
		}
		if !ours[w] {
			t.Errorf("cqlsh's HELP lists %s; cqlscan's does not", w)
			continue
		}
		if err := s.Execute(context.Background(), "HELP "+w); err != nil {
			t.Errorf("HELP %s: %v", w, err)
		}
	}
}

// TestCaptureFileNames: CAPTURE takes a file name quoted as cqlsh takes it (a doubled quote is one) and
// names it in its messages as cqlsh does.
func TestCaptureFileNames(t *testing.T) {
	dir := t.TempDir()
	s, _, errb := session()
	name := filepath.Join(dir, "it's here.txt")
	for _, stmt := range []string{"CAPTURE '" + strings.ReplaceAll(name, "'", "''") + "'", "CAPTURE OFF"} {
		if err := s.Execute(context.Background(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if _, err := os.Stat(name); err != nil {
		t.Fatalf("no capture file %q: %v", name, err)
	}
	if want := `Now capturing query output to "` + name + `".`; !strings.Contains(errb.String(), want) {
		t.Errorf("messages %q, want %q", errb.String(), want)
	}
}

// TestSourceGoesOn: a failing statement in a SOURCEd file is told as FILE:LINE: and the file's other
// statements still run, as in cqlsh; the SOURCE itself then fails, so a batch run exits 2.
func TestSourceGoesOn(t *testing.T) {
	file := filepath.Join(t.TempDir(), "inner.cql")
	if err := os.WriteFile(file, []byte("EXPAND ON\nSET SPLITS zero\nTIMING ON\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, _, errb := session()
	err := s.Execute(context.Background(), "SOURCE '"+file+"'")
	if err == nil || !s.Expanded || !s.Timing {
		t.Errorf("SOURCE: error %v, EXPAND %v, TIMING %v; want an error and both set", err, s.Expanded, s.Timing)
	}
	if want := file + ":2:"; !strings.Contains(errb.String(), want) {
		t.Errorf("the failure is not told as %s…: %q", want, errb.String())
	}
}

// TestHistoryKeepsNoSecrets: what may carry a password (LOGIN, … PASSWORD …) is not written to the
// history file; other statements are, and read back as typed, over several lines too.
func TestHistoryKeepsNoSecrets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	for _, e := range []string{"SELECT 1 FROM t;", "LOGIN bob 'hunter2'", "  login bob", "CREATE ROLE r WITH PASSWORD = 'x';", "SELECT\n2 FROM t;"} {
		appendHistory(path, e)
	}
	got := loadHistory(path)
	want := []string{"SELECT 1 FROM t;", "SELECT\n2 FROM t;"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("history %q, want %q", got, want)
	}
}
