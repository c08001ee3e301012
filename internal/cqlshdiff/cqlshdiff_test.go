package cqlshdiff

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// keyspace is the test's own: the corpus's setup fills it, every statement reads it.
const keyspace = "cqlshdiff"

// TestAgainstCqlsh runs the corpus through cqlscan and cqlsh on the one-node test cluster and
// compares what they print, statement by statement (see Compare for what counts as the same).
//
// Each tool runs once, with every statement in one file (-f), a marker statement before each so that
// the output can be cut back into statements (Split): cqlsh takes about a second to start. Both
// read an empty cqlshrc, so that the tester's own settings change neither. cqlsh is the one the
// devcluster script installs from PyPI: $CQLSCAN_DEVCLUSTER (set by make test, else
// ../../scripts/devcluster) --name $CQLSCAN_TEST_ONE_NAME (default test1) cqlsh.
//
// Run it alone with: CQLSCAN_TEST_ONE=127.0.0.21 go test ./internal/cqlshdiff
func TestAgainstCqlsh(t *testing.T) {
	corpus := loadCorpus(t)
	hosts := testcluster.Hosts(t, testcluster.One)
	cqlsh := cqlshCommand(t, hosts[0])

	s, _ := testcluster.Session(t, testcluster.One)
	testcluster.Keyspace(t, s, keyspace, 1)
	setup := append([]Statement(nil), corpus.Setup...)
	setup = append(setup, Statement{Text: fmt.Sprintf("CREATE TABLE %s.marker (n int PRIMARY KEY);", keyspace)})
	for i := 0; i <= len(corpus.Statements); i++ {
		setup = append(setup, Statement{Text: fmt.Sprintf("INSERT INTO %s.marker (n) VALUES (%d);", keyspace, i)})
	}
	for _, st := range setup {
		if err := s.Query(strings.TrimSuffix(st.Text, ";")).Exec(); err != nil {
			t.Fatalf("setup (corpus line %d): %s: %v", st.Line, st.Text, err)
		}
	}

	dir := t.TempDir()
	cqlshrc := filepath.Join(dir, "cqlshrc")
	batch := filepath.Join(dir, "corpus.cql")
	var b strings.Builder
	for i, st := range corpus.Statements {
		fmt.Fprintf(&b, "%s\n%s\n", MarkerStatement(keyspace, i), st.Text)
	}
	fmt.Fprintf(&b, "%s\n", MarkerStatement(keyspace, len(corpus.Statements)))
	for name, text := range map[string]string{cqlshrc: "", batch: b.String()} {
		if err := os.WriteFile(name, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	bin := buildCqlscan(t, dir)
	cqlshOut, cqlshErr := run(t, append(cqlsh, "--cqlshrc", cqlshrc, "-f", batch)...)
	if !strings.Contains(cqlshOut, MarkerColumn) {
		testcluster.Missing(t, fmt.Sprintf("cqlsh printed no results (is it installed? devcluster installs it on first use):\n%s", cqlshErr))
	}
	cqlscanOut, cqlscanErr := run(t, bin, hosts[0], "--cqlshrc", cqlshrc, "--no-progress", "-f", batch)

	want, err := Split(cqlshOut, len(corpus.Statements))
	if err != nil {
		t.Fatalf("cutting cqlsh's output into statements: %v\nstdout:\n%s\nstderr:\n%s", err, cqlshOut, cqlshErr)
	}
	got, err := Split(cqlscanOut, len(corpus.Statements))
	if err != nil {
		t.Fatalf("cutting cqlscan's output into statements: %v\nstdout:\n%s\nstderr:\n%s", err, cqlscanOut, cqlscanErr)
	}
	var pending, fixed []string
	for i, st := range corpus.Statements {
		t.Run(fmt.Sprintf("line%d", st.Line), func(t *testing.T) {
			diffs := Compare(want[i], got[i], st.Unordered)
			nothing := len(want[i].Tables) == 0 && len(got[i].Tables) == 0 && len(want[i].Other) == 0 && len(got[i].Other) == 0
			switch {
			case st.Silent && errorsFor(cqlshErr, batch, 2*i+3) != indent(""):
				diffs = append(diffs, "a silent statement failed in cqlsh (see its errors below)")
			case !st.Silent && nothing:
				diffs = append(diffs, "neither tool printed anything: the statement fails in both (see their errors below)")
			}
			switch {
			case st.Pending != "" && len(diffs) == 0:
				fixed = append(fixed, fmt.Sprintf("line %d: %s", st.Line, st.Text))
			case st.Pending != "":
				pending = append(pending, fmt.Sprintf("line %d (%s): %s", st.Line, st.Pending, st.Text))
				t.Logf("pending (%s), still differs: %s", st.Pending, strings.Join(diffs, "; "))
			case len(diffs) > 0:
				t.Errorf("corpus line %d: %s\n%s\n\n%s\ncqlsh's errors:\n%s\ncqlscan's errors:\n%s",
					st.Line, st.Text, strings.Join(diffs, "\n"), SideBySide(want[i].Raw, got[i].Raw),
					errorsFor(cqlshErr, batch, 2*i+3), indent(cqlscanErr))
			}
		})
	}
	// cqlscan goes on after a failure, as cqlsh does, and names it on stderr as FILE:LINE:error: ….
	for _, l := range strings.Split(cqlscanErr, "\n") {
		if strings.HasPrefix(l, "error:") || strings.Contains(l, ":error: ") {
			t.Errorf("cqlscan reported an error, and every corpus statement works in cqlsh: %s", l)
		}
	}
	t.Logf("%d statements compared, %d pending:\n  %s", len(corpus.Statements), len(pending), strings.Join(pending, "\n  "))
	if len(fixed) > 0 {
		t.Logf("pending statements that now pass (remove their pending mark):\n  %s", strings.Join(fixed, "\n  "))
	}
}

func loadCorpus(t *testing.T) *Corpus {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("testdata", "corpus.cql"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseCorpus(string(text))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// cqlshCommand is the command line that runs cqlsh on the one-node test cluster, whose first node
// must be host.
func cqlshCommand(t *testing.T, host string) []string {
	t.Helper()
	script := os.Getenv("CQLSCAN_DEVCLUSTER")
	if script == "" {
		script = filepath.Join("..", "..", "scripts", "devcluster")
	}
	if _, err := os.Stat(script); err != nil {
		testcluster.Missing(t, fmt.Sprintf("the devcluster script, which runs cqlsh, is missing: %v", err))
	}
	name := os.Getenv("CQLSCAN_TEST_ONE_NAME")
	if name == "" {
		name = "test1"
	}
	out, err := exec.Command(script, "--name", name, "hosts").Output()
	if err != nil {
		testcluster.Missing(t, fmt.Sprintf("devcluster knows no cluster %q (set CQLSCAN_TEST_ONE_NAME): %v", name, err))
	}
	if first, _, _ := strings.Cut(strings.TrimSpace(string(out)), ","); first != host {
		t.Fatalf("devcluster cluster %q starts at %s, but CQLSCAN_TEST_ONE is %s: set CQLSCAN_TEST_ONE_NAME", name, first, host)
	}
	return []string{script, "--name", name, "cqlsh"}
}

// buildCqlscan builds the binary under test into dir.
func buildCqlscan(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "cqlscan")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/cqlscan/cqlscan/cmd/cqlscan").CombinedOutput(); err != nil {
		t.Fatalf("building cqlscan: %v\n%s", err, out)
	}
	return bin
}

// run runs a tool to the end and returns its standard output and error. Both tools exit with 2 when
// a statement failed, which the comparison reports statement by statement, so the status is not
// checked. The environment leaves out what would change the output: the tester's host, port and
// time zone; output is UTF-8.
func run(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "CQLSH_HOST", "CQLSH_PORT", "TZ", "LC_ALL", "LANG":
		default:
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "LC_ALL=C.UTF-8", "PYTHONIOENCODING=utf-8")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil && ctx.Err() != nil {
		t.Fatalf("%s did not finish in time: %v\n%s", filepath.Base(args[0]), err, errOut.String())
	}
	return out.String(), errOut.String()
}

// errorsFor picks cqlsh's error lines about a line of the batch file ("FILE:LINE:message"). cqlsh
// names the line after the statement's last: statement i, on line 2i+2 after its marker, is line 2i+3.
func errorsFor(stderr, batch string, line int) string {
	prefix := fmt.Sprintf("%s:%d:", batch, line)
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, strings.TrimPrefix(l, prefix))
		}
	}
	return indent(strings.Join(out, "\n"))
}

func indent(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "  (none)"
	}
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}
