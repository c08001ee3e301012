package main

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// oneNode is the one-node test cluster's first address.
func oneNode(t *testing.T) string {
	t.Helper()
	return testcluster.Hosts(t, testcluster.One)[0]
}

// Every flag of cqlsh 6's --help is taken with cqlsh's meaning: a statement runs with it and exits 0.
// Flags that do nothing in cqlscan say so on stderr.
func TestCqlshFlagsAccepted(t *testing.T) {
	host := oneNode(t)
	home := isolate(t)
	rc := writeConf(t, home, "rc/cqlshrc", "[connection]\nhostname = "+host+"\n", 0o600)
	creds := writeConf(t, home, "rc/credentials", "[PlainTextAuthProvider]\nusername = cassandra\npassword = cassandra\n", 0o600)
	file := writeConf(t, home, "q.cql", "SELECT cluster_name FROM system.local;\n", 0o600)
	const stmt = "SELECT cluster_name FROM system.local"
	cases := []struct {
		args   []string
		stderr string // what stderr must hold; otherwise it must be empty
	}{
		{args: []string{"-C"}}, {args: []string{"--color"}}, {args: []string{"--no-color"}},
		{args: []string{"--browser", "firefox"}, stderr: "--browser is accepted for cqlsh's sake and has no effect"},
		{args: []string{"--coverage"}, stderr: "--coverage is accepted for cqlsh's sake and has no effect"},
		{args: []string{"-u", "cassandra", "-p", "cassandra"}},
		{args: []string{"--username=cassandra", "--password=cassandra"}},
		{args: []string{"-k", "system", "-e", "SELECT cluster_name FROM local"}},
		{args: []string{"--keyspace", "system", "-e", "SELECT cluster_name FROM local"}},
		{args: []string{"--debug"}, stderr: "debug: cqlscan "},
		{args: []string{"--encoding", "utf-8"}}, {args: []string{"--encoding=UTF8"}},
		{args: []string{"--cqlshrc", rc}},
		{args: []string{"--credentials", creds}},
		{args: []string{"--cqlversion", "3.0.0"}}, {args: []string{"--cqlversion", "3.4"}},
		{args: []string{"--protocol-version", "4"}},
		// --debug shows the driver's events, and so that the driver speaks the version asked for.
		{args: []string{"--protocol-version", "3", "--debug"}, stderr: "protocol_version=3"},
		{args: []string{"-t"}}, {args: []string{"--tty"}},
		{args: []string{"--connect-timeout", "5"}}, {args: []string{"--connect-timeout", "5s"}},
		{args: []string{"--request-timeout", "30"}}, {args: []string{"--request-timeout", "2.5"}},
		{args: []string{"--request-timeout", "1m"}},
		{args: []string{"--disable-history"}},
		{args: []string{"--insecure-password-without-warning"}},
		{args: []string{"-f", file}}, {args: []string{"--file", file}},
		{args: []string{"--execute", stmt}},
		{args: []string{"--stop-on-error"}}, {args: []string{"--continue-on-error"}},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			args := append([]string{}, c.args...)
			if !strings.HasPrefix(c.args[0], "--cqlshrc") {
				args = append([]string{host}, args...)
			}
			if !hasAny(args, "-e", "--execute", "-f", "--file") {
				args = append(args, "-e", stmt)
			}
			code, out, errb := runCLI(t, strings.NewReader(""), args...)
			if code != exitOK || !strings.Contains(out, "cluster_name") {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errb)
			}
			if (c.stderr == "") != (errb == "") || !strings.Contains(errb, c.stderr) {
				t.Errorf("stderr %q, want %q", errb, c.stderr)
			}
		})
	}
}

func hasAny(args []string, names ...string) bool {
	for _, a := range args {
		for _, n := range names {
			if a == n || strings.HasPrefix(a, n+"=") {
				return true
			}
		}
	}
	return false
}

// What the cluster refuses: TLS on a plain port, a CQL version later than the cluster's. Exit 1, as
// cqlsh's connection errors.
func TestConnectionRefusals(t *testing.T) {
	host := oneNode(t)
	isolate(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--ssl"}, "does not speak TLS on this port: drop --ssl"},
		{[]string{"--cqlversion", "3.99.0"}, "CQL version 3.99.0 is not supported by the cluster, which speaks CQL 3."},
		{[]string{"--cqlversion", "4.0"}, "CQL version 4.0 is not supported by the cluster"},
	} {
		code, out, errb := runCLI(t, strings.NewReader(""), append([]string{host, "-e", "SELECT cluster_name FROM system.local"}, c.args...)...)
		if code != exitConnect || out != "" || !strings.Contains(errb, c.want) || strings.Count(errb, "\n") != 1 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q: want exit 1 and one line saying %q", c.args, code, out, errb, c.want)
		}
	}
}

// batchScript fails on lines 2, 4 (a statement over two lines, after a comment) and 9, and its other
// statements insert k = 1, 2, 3 and count them.
const batchScript = `INSERT INTO clitest_batch.TABLE (k, v) VALUES (1, 'one');
SELEC bad;

-- a comment
SELECT * FROM
  clitest_batch.no_such_table;
INSERT INTO clitest_batch.TABLE (k, v)
  VALUES (2, 'two');
INSERT INTO clitest_batch.TABLE (k, v) VALUES ('three', 3); INSERT INTO clitest_batch.TABLE (k, v) VALUES (3, 'three');
SELECT count(*) FROM clitest_batch.TABLE;
`

// A batch run goes on after a failing statement, as cqlsh's: each failure is FILE:LINE:error: …
// with the line its statement starts on, the rest runs, and the exit status is 2; --stop-on-error
// stops at the first. The same holds for piped standard input (<stdin>) and -e (<execute>). cqlsh,
// run on the same file, also goes on, fails as often and exits 2.
func TestBatchAsCqlsh(t *testing.T) {
	host := oneNode(t)
	isolate(t)
	s, _ := testcluster.Session(t, testcluster.One)
	testcluster.Keyspace(t, s, "clitest_batch", 1)
	dir := t.TempDir()
	cases := []struct {
		name      string
		stop      bool
		input     string // "file", "stdin" or "execute"
		wantLines []int  // where failures are reported
		wantCount string // the last SELECT's answer; "" : it does not run
	}{
		{"file", false, "file", []int{2, 5, 9}, "3"},
		{"file, stop on error", true, "file", []int{2}, ""},
		{"stdin", false, "stdin", []int{2, 5, 9}, "3"},
		{"execute", false, "execute", []int{2, 5, 9}, "3"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			table := "t" + string(rune('a'+i))
			if err := s.Query("CREATE TABLE clitest_batch." + table + " (k int PRIMARY KEY, v text)").Exec(); err != nil {
				t.Fatal(err)
			}
			text := strings.ReplaceAll(batchScript, "TABLE", table)
			path := filepath.Join(dir, table+".cql")
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			args, stdin, name := []string{host, "--format", "csv", "-f", path}, strings.NewReader(""), path
			switch c.input {
			case "stdin":
				args, stdin, name = []string{host, "--format", "csv"}, strings.NewReader(text), stdinName
			case "execute":
				args, name = []string{host, "--format", "csv", "-e", text}, executeName
			}
			if c.stop {
				args = append(args, "--stop-on-error")
			}
			code, out, errb := runCLI(t, stdin, args...)
			if code != exitStatement {
				t.Errorf("exit %d, want 2", code)
			}
			lines := strings.Split(strings.TrimRight(errb, "\n"), "\n")
			if len(lines) != len(c.wantLines) {
				t.Fatalf("stderr %q: want %d failures", errb, len(c.wantLines))
			}
			for j, l := range lines {
				if want := name + ":" + strconv.Itoa(c.wantLines[j]) + ":error: "; !strings.HasPrefix(l, want) {
					t.Errorf("failure %q does not start with %q", l, want)
				}
			}
			if c.wantCount == "" {
				if out != "" {
					t.Errorf("stdout %q: nothing should have run after the first failure", out)
				}
				return
			}
			if want := "count\r\n" + c.wantCount + "\r\n"; out != want {
				t.Errorf("stdout %q, want %q: the statements after the failures did not all run", out, want)
			}
		})
	}

	t.Run("cqlsh does the same", func(t *testing.T) {
		if err := s.Query("CREATE TABLE clitest_batch.cqlsh (k int PRIMARY KEY, v text)").Exec(); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "cqlsh.cql")
		if err := os.WriteFile(path, []byte(strings.ReplaceAll(batchScript, "TABLE", "cqlsh")), 0o600); err != nil {
			t.Fatal(err)
		}
		script, name := cqlshScript(t)
		out, err := exec.Command(script, "--name", name, "cqlsh", "-f", path).CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 {
			t.Fatalf("cqlsh: %v, want exit 2\n%s", err, out)
		}
		failures := regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(path)+`:\d+:`).FindAllString(string(out), -1)
		if len(failures) != 3 || !strings.Contains(string(out), "     3\n") {
			t.Errorf("cqlsh reported %d failures and then counted %q; cqlscan reports 3 and counts 3", len(failures), out)
		}
	})
}

// Input with nothing to run succeeds silently and never reaches the interactive prompt: /dev/null,
// an empty -e, a file or stdin holding only a byte-order mark and comments. A BOM before a statement
// is skipped.
func TestNothingToRun(t *testing.T) {
	host := oneNode(t)
	home := isolate(t)
	empty := writeConf(t, home, "empty.cql", "\ufeff-- nothing\n\n", 0o600)
	bom := writeConf(t, home, "bom.cql", "\ufeffSELECT cluster_name FROM system.local;\n", 0o600)
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	closed, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	defer closed.Close()
	for _, c := range []struct {
		name  string
		stdin io.Reader
		args  []string
		want  string // stdout
	}{
		{"/dev/null", devNull, nil, ""},
		{"a closed pipe", closed, nil, ""},
		{"-e ''", nil, []string{"-e", ""}, ""},
		{"-e with blanks and a comment", nil, []string{"-e", "  -- nothing\n"}, ""},
		{"a file of a BOM and a comment", nil, []string{"-f", empty}, ""},
		{"a BOM before a statement", nil, []string{"-f", bom}, "cluster_name"},
		{"a BOM on stdin", strings.NewReader("\ufeffSELECT cluster_name FROM system.local;"), nil, "cluster_name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			stdin := c.stdin
			if stdin == nil {
				stdin = strings.NewReader("")
			}
			code, out, errb := runCLI(t, stdin, append([]string{host}, c.args...)...)
			if code != exitOK || errb != "" || (c.want == "") != (out == "") || !strings.Contains(out, c.want) {
				t.Errorf("exit %d, stdout %q, stderr %q: want exit 0, nothing on stderr and stdout %q", code, out, errb, c.want)
			}
		})
	}
}

// -t on input that is not a terminal is cqlsh's tty mode: the prompt before each line, failures as
// at the prompt, and exit 0.
func TestTTYModeOnAPipe(t *testing.T) {
	host := oneNode(t)
	isolate(t)
	in := "SELECT * FROM clitest_none.t;\nSELECT cluster_name\n  FROM system.local;\n"
	code, out, errb := runCLI(t, strings.NewReader(in), host, "-t")
	if code != exitOK || !strings.HasPrefix(out, "cqlscan> cqlscan>      ... ") || !strings.Contains(out, "cluster_name") ||
		!strings.HasPrefix(errb, "error: ") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errb)
	}
}

// cqlshScript is scripts/devcluster, which runs the real cqlsh, and the one-node cluster's name.
func cqlshScript(t *testing.T) (script, cluster string) {
	t.Helper()
	script = os.Getenv("CQLSCAN_DEVCLUSTER")
	if script == "" {
		script = filepath.Join("..", "..", "scripts", "devcluster")
	}
	if _, err := os.Stat(script); err != nil {
		testcluster.Missing(t, "the devcluster script, which runs cqlsh, is missing: "+err.Error())
	}
	cluster = os.Getenv("CQLSCAN_TEST_ONE_NAME")
	if cluster == "" {
		cluster = "test1"
	}
	return script, cluster
}
