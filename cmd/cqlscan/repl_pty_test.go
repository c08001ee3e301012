package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// ptyShell is the cqlscan shell running in a real pseudo-terminal, inside a detached tmux session:
// keys go in with send-keys, the screen comes back with capture-pane.
type ptyShell struct {
	t       *testing.T
	session string
}

func startTerminal(t *testing.T, command string) *ptyShell {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		testcluster.Missing(t, "tmux is needed for the terminal tests: apt-get install tmux")
	}
	term := &ptyShell{t: t, session: fmt.Sprintf("cqlscan-test-%d", os.Getpid())}
	out, err := exec.Command("tmux", "new-session", "-d", "-s", term.session, "-x", "150", "-y", "50", command).CombinedOutput()
	if err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", term.session).Run() })
	return term
}

// tmux runs a tmux command on the session.
func (tm *ptyShell) tmux(args ...string) {
	tm.t.Helper()
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		tm.t.Fatalf("tmux %q: %v: %s", args, err, out)
	}
}

// typeText types text (no Enter); tmux would read a final ';' as its own command separator.
func (tm *ptyShell) typeText(text string) {
	tm.t.Helper()
	if strings.HasSuffix(text, ";") {
		text = strings.TrimSuffix(text, ";") + `\;`
	}
	tm.tmux("send-keys", "-t", tm.session, "-l", text)
}

// key presses keys by tmux name: Enter, Tab, C-c, C-d.
func (tm *ptyShell) key(keys ...string) {
	tm.t.Helper()
	tm.tmux(append([]string{"send-keys", "-t", tm.session}, keys...)...)
}

func (tm *ptyShell) screen() string {
	out, err := exec.Command("tmux", "capture-pane", "-p", "-t", tm.session, "-S", "-2000").Output()
	if err != nil {
		tm.t.Fatalf("tmux capture-pane: %v", err)
	}
	return string(out)
}

// waitFor waits until the screen shows want n times in all, and returns the screen.
func (tm *ptyShell) waitFor(want string, n int, within time.Duration) string {
	tm.t.Helper()
	deadline := time.Now().Add(within)
	for {
		s := tm.screen()
		if strings.Count(s, want) >= n {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen does not show %q (%d times) after %v:\n%s", want, n, within, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitForMatch waits until the screen matches re, and returns the screen.
func (tm *ptyShell) waitForMatch(re *regexp.Regexp, within time.Duration) string {
	tm.t.Helper()
	deadline := time.Now().Add(within)
	for {
		s := tm.screen()
		if re.MatchString(s) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen does not match %s after %v:\n%s", re, within, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// enter types a line, waits for the prompt to echo it, and presses Enter. Typing and Enter apart
// is what a person does; sent together, go-prompt takes them as pasted text.
func (tm *ptyShell) enter(line string) {
	tm.t.Helper()
	tm.typeText(line)
	tm.waitFor(line, 1, 15*time.Second)
	tm.key("Enter")
}

// TestShellInTerminal drives the interactive shell through a real terminal: the banner, a
// statement typed over two lines, a column completed with Tab, Tab on an empty word listing the
// tables, Ctrl-C at --More-- dropping the rest of a result, TRACING ON showing a trace, a long scan
// cancelled with Ctrl-C while the shell stays, Ctrl-D to leave, and the terminal's settings restored
// afterwards.
func TestShellInTerminal(t *testing.T) {
	const ks = "shelltest_pty"
	s, hosts := testcluster.Session(t, testcluster.Three)
	testcluster.Keyspace(t, s, ks, 1)
	if _, err := testcluster.Datasets[0].Load(context.Background(), s, ks); err != nil {
		t.Fatal(err)
	}
	if err := s.Query("CREATE TABLE " + ks + ".other (k int PRIMARY KEY)").Exec(); err != nil {
		t.Fatal(err)
	}
	// With the data flushed and the size estimates refreshed, progress counts the share of the data.
	testcluster.RefreshSizeEstimates(t, ks, len(hosts))
	dir := t.TempDir()
	bin := filepath.Join(dir, "cqlscan")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v: %s", err, out)
	}
	history, stty := filepath.Join(dir, "history"), filepath.Join(dir, "stty")
	// --max-rate makes the GROUP BY scan take about 10 s, long enough to interrupt.
	tm := startTerminal(t, fmt.Sprintf("env CQLSCAN_HISTORY=%s HOME=%s %s %s --max-rate 500; echo EXITED $?; stty -a > %s; sleep 60",
		history, dir, bin, hosts[0], stty))
	screen := tm.waitFor("cqlscan>", 1, 30*time.Second)
	banner := regexp.MustCompile(`Connected to \S+ at ` + regexp.QuoteMeta(hosts[0]) + `:9042\n` +
		`\[cqlscan dev \| Cassandra 5\.\d+\.\d+ \| CQL spec 3\.\d+\.\d+ \| Native protocol v5\]\nUse HELP for help\.\ncqlscan>`)
	if !banner.MatchString(screen) {
		t.Errorf("no banner as cqlsh's before the prompt:\n%s", screen)
	}

	prompt := "cqlscan:" + ks + ">"
	tm.enter("USE " + ks + ";")
	tm.waitFor(prompt, 1, 10*time.Second)
	tm.enter("SELECT COUNT(*)")
	tm.waitFor("......", 1, 15*time.Second) // the continuation prompt
	tm.typeText("FROM single_pk WHERE ")
	time.Sleep(time.Second) // the schema cache fills in the background
	tm.typeText("i")
	tm.waitFor("int, partition key", 1, 15*time.Second) // the suggestion: id, with its type and kind
	tm.key("Tab")
	tm.waitFor("WHERE id", 1, 15*time.Second)
	tm.typeText(" >= -20000;")
	tm.waitFor("WHERE id >= -20000;", 1, 15*time.Second)
	tm.key("Enter")
	screen = tm.waitFor("(1 rows)", 1, 60*time.Second)
	if !strings.Contains(screen, " 5000\n") {
		t.Errorf("the count is not 5000:\n%s", screen)
	}

	// Tab on an empty word after FROM lists the keyspace's tables, then the keyspaces, and inserts
	// nothing: the table typed next follows FROM with one space.
	tm.typeText("SELECT v FROM ")
	tm.waitFor("SELECT v FROM", 1, 15*time.Second)
	tm.key("Tab")
	screen = tm.waitForMatch(regexp.MustCompile(`\bsingle_pk +table\b`), 15*time.Second)
	// The menu shows a screenful: the tables, then as many keyspaces as fit (any: the clusters hold
	// other tests' keyspaces too, some before this one in order).
	if !regexp.MustCompile(`\bother +table\b(.|\n)*\bsingle_pk +table\b(.|\n)*\b\w+ +keyspace\b`).MatchString(screen) {
		t.Errorf("Tab after FROM lists not the tables (other, single_pk), then the keyspaces:\n%s", screen)
	}
	tm.typeText("single_pk WHERE id = -20000;")
	tm.waitFor("SELECT v FROM single_pk WHERE id = -20000;", 1, 15*time.Second)
	tm.key("Enter")
	tm.waitFor("(1 rows)", 2, 30*time.Second)

	// Ctrl-C at --More-- drops the rest of the result; the statement typed next runs.
	tm.enter("SELECT id FROM single_pk LIMIT 250;")
	tm.waitFor("--More--", 1, 30*time.Second)
	tm.key("C-c")
	tm.enter("SELECT v FROM single_pk WHERE id = -12081;")
	screen = tm.waitFor("(1 rows)", 3, 30*time.Second)
	if strings.Contains(screen, "(250 rows)") || strings.Count(screen, "--More--") != 1 {
		t.Errorf("after Ctrl-C at --More--, more of the result was shown:\n%s", screen)
	}

	// TRACING ON: a statement Cassandra answers as written is followed by its trace, as in cqlsh.
	tm.enter("TRACING ON")
	tm.waitFor("TRACING set to ON", 1, 10*time.Second)
	tm.enter("INSERT INTO other (k) VALUES (1);")
	screen = tm.waitFor("Request complete", 1, 30*time.Second)
	if !regexp.MustCompile(`Tracing session: [0-9a-f-]{36}`).MatchString(screen) || !strings.Contains(screen, " activity ") {
		t.Errorf("TRACING ON shows no trace after an INSERT:\n%s", screen)
	}
	tm.enter("TRACING OFF")
	tm.waitFor("TRACING set to OFF", 1, 10*time.Second)

	tm.enter("SELECT v, COUNT(*) FROM single_pk GROUP BY v;")
	tm.waitFor("of the data)", 1, 10*time.Second) // the progress line, after half a second
	prompts := strings.Count(tm.screen(), prompt)
	began := time.Now()
	tm.key("C-c")
	screen = tm.waitFor("error: interrupted", 1, 15*time.Second)
	if d := time.Since(began); d > 5*time.Second { // loose: the screen is polled, the machine busy
		t.Errorf("Ctrl-C took %v to stop the scan", d)
	}
	tm.waitFor(prompt, prompts+1, 15*time.Second) // the shell is still there: a new prompt
	tm.enter("SHOW HOST")
	tm.waitFor("Connected to", 2, 10*time.Second) // the banner's, then SHOW HOST's
	tm.key("C-d")
	screen = tm.waitFor("EXITED", 1, 10*time.Second)
	if !strings.Contains(screen, "EXITED 0") {
		t.Errorf("the shell did not exit with status 0:\n%s", screen)
	}
	checkTerminalRestored(t, stty)
	hist, err := os.ReadFile(history)
	if err != nil || !strings.Contains(string(hist), "USE "+ks+";") || !strings.Contains(string(hist), `"SELECT COUNT(*)\nFROM single_pk WHERE id >= -20000;"`) {
		t.Errorf("history file %q (%v): want each statement, the two-line one quoted", hist, err)
	}
}

// checkTerminalRestored waits for the terminal settings the pane's shell wrote to stty after cqlscan
// exited, and checks that cqlscan left the terminal in its usual (cooked) mode.
func checkTerminalRestored(t *testing.T, stty string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	var settings []byte
	for len(settings) == 0 && time.Now().Before(deadline) {
		settings, _ = os.ReadFile(stty)
		time.Sleep(100 * time.Millisecond)
	}
	for _, flag := range []string{"icanon", "echo", "isig", "icrnl"} {
		if !strings.Contains(" "+strings.Join(strings.Fields(string(settings)), " ")+" ", " "+flag+" ") {
			t.Errorf("the terminal was left without %s:\n%s", flag, settings)
		}
	}
}
