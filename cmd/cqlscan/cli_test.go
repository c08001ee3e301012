package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestUnreachableHost needs no cluster: nothing listens on 127.0.0.254.
func TestUnreachableHost(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"127.0.0.254", "9042", "--connect-timeout", "2s", "-e",
		"SELECT COUNT(*) FROM ks.t"}, strings.NewReader(""), &out, &errb)
	if code != exitConnect {
		t.Fatalf("exit %d, want %d; stderr %q", code, exitConnect, errb.String())
	}
	if !strings.Contains(errb.String(), "cannot connect to 127.0.0.254 port 9042") {
		t.Fatalf("stderr %q does not name the host and port", errb.String())
	}
}

func TestEndpointAndUsage(t *testing.T) {
	t.Setenv("CQLSH_HOST", "")
	t.Setenv("CQLSH_PORT", "")
	cases := []struct {
		args    []string
		host    string
		port    int
		wantErr bool
	}{
		{nil, "127.0.0.1", 9042, false},
		{[]string{"10.1.2.3"}, "10.1.2.3", 9042, false},
		{[]string{"db", "19042"}, "db", 19042, false},
		{[]string{"db", "x"}, "", 0, true},
		{[]string{"db", "70000"}, "", 0, true},
		{[]string{"a", "1", "b"}, "", 0, true},
	}
	for _, c := range cases {
		h, p, err := endpoint(c.args)
		if (err != nil) != c.wantErr || (!c.wantErr && (h != c.host || p != c.port)) {
			t.Errorf("endpoint(%q) = %q, %d, %v", c.args, h, p, err)
		}
	}
	t.Setenv("CQLSH_HOST", "envhost")
	t.Setenv("CQLSH_PORT", "9999")
	if h, p, _ := endpoint(nil); h != "envhost" || p != 9999 {
		t.Errorf("CQLSH_HOST/CQLSH_PORT ignored: %s:%d", h, p)
	}

	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-e", "x", "-f", "y"}, strings.NewReader(""), &out, &errb); code != exitStatement {
		t.Errorf("-e with -f: exit %d", code)
	}
	if code := run(context.Background(), []string{"--no-such-flag"}, strings.NewReader(""), &out, &errb); code != exitStatement {
		t.Errorf("unknown flag: exit %d", code)
	}
}

func TestParseRate(t *testing.T) {
	cases := []struct {
		in         string
		rows, reqs float64
		bad        bool
	}{
		{"", 0, 0, false},
		{"50000", 50000, 0, false},
		{"2500.5rows/s", 2500.5, 0, false},
		{"200req/s", 0, 200, false},
		{"7 requests/s", 0, 7, false},
		{"0", 0, 0, true},
		{"-5", 0, 0, true},
		{"fast", 0, 0, true},
		{"10MB/s", 0, 0, true},
	}
	for _, c := range cases {
		rows, reqs, err := parseRate(c.in)
		if (err != nil) != c.bad || rows != c.rows || reqs != c.reqs {
			t.Errorf("parseRate(%q) = %v, %v, %v", c.in, rows, reqs, err)
		}
	}
}

// runCLI runs cqlscan in-process on the given standard input.
func runCLI(t *testing.T, stdin io.Reader, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	code = run(ctx, args, stdin, &out, &errb)
	return code, out.String(), errb.String()
}

// Every command-line mistake is one line naming it, then the usage hint, on stderr, and exit 2,
// before anything connects (the host given, 127.0.0.254, has no cluster: a connection attempt
// would exit 1).
func TestCommandLineErrors(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "unknown flag: --bogus"},
		{[]string{"-Z"}, `unknown shorthand flag: 'Z' in -Z`},
		{[]string{"-e"}, "-e/--execute needs a value"},
		{[]string{"-f"}, "-f/--file needs a value"},
		{[]string{"-e", "x", "-f", "y"}, "use either -e or -f, not both"},
		{[]string{"-f", filepath.Join(dir, "none.cql")}, "none.cql: no such file"},
		{[]string{"-f", dir}, "is a directory"},
		{[]string{"a", "1", "b"}, `too many arguments ["a" "1" "b"]`},
		{[]string{"db", "0"}, `port "0": want a whole number from 1 to 65535`},
		{[]string{"db", "70000"}, `port "70000": want a whole number from 1 to 65535`},
		{[]string{"db", "x"}, `port "x"`},
		{[]string{"--splits", "abc"}, `--splits "abc": want a whole number, 1 or more`},
		{[]string{"--splits", "0"}, `--splits "0": want a whole number, 1 or more`},
		{[]string{"--splits", "-1"}, `--splits "-1": want a whole number, 1 or more`},
		{[]string{"--concurrency", "0"}, `--concurrency "0": want a whole number, 1 or more`},
		{[]string{"--concurrency", "-3"}, `--concurrency "-3"`},
		{[]string{"--per-host", "0"}, `--per-host "0": want a whole number, 1 or more`},
		{[]string{"--fetch-size", "0"}, `--fetch-size "0": want a whole number from 1 to`},
		{[]string{"--max-retries", "-2"}, `--max-retries "-2": want a whole number from 0 to 1000`},
		{[]string{"--timeout", "-1s"}, `--timeout "-1s": want a number of seconds (30) or a duration (10m), 0 for no limit`},
		{[]string{"--timeout", "soon"}, `--timeout "soon"`},
		{[]string{"--connect-timeout", "0"}, `--connect-timeout "0": want a positive number of seconds`},
		{[]string{"--connect-timeout", "abc"}, `--connect-timeout "abc"`},
		{[]string{"--request-timeout", "-5"}, `--request-timeout "-5": want a positive number of seconds`},
		{[]string{"--protocol-version", "2"}, `--protocol-version "2": want a whole number from 3 to 5`},
		{[]string{"--protocol-version", "x"}, `--protocol-version "x": want a whole number from 3 to 5`},
		{[]string{"--cqlversion", "2.0.0"}, `--cqlversion "2.0.0" is not a supported CQL version`},
		{[]string{"--cqlversion", "three"}, `--cqlversion "three": want a CQL version such as 3.4.7`},
		{[]string{"--encoding", "latin1"}, `--encoding "latin1": cqlscan writes UTF-8 only`},
		{[]string{"--color=maybe"}, `--color "maybe": want true or false`},
		{[]string{"--format", "xml"}, `--format: unknown format "xml"`},
		{[]string{"--consistency", "most"}, `--consistency "most": use ANY, ONE,`},
		{[]string{"--max-rate", "0"}, `--max-rate "0": want a positive number`},
		{[]string{"--checkpoint", filepath.Join(dir, "no", "such", "cp.json")}, "directory " + filepath.Join(dir, "no", "such") + " does not exist"},
		{[]string{"--checkpoint", dir}, "it is a directory"},
		{[]string{"--resume", filepath.Join(dir, "cp.json")}, "cp.json: no such file"},
		{[]string{"--resume", dir}, "is a directory"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			args := append([]string{"127.0.0.254"}, c.args...)
			if len(c.args) > 1 && !strings.HasPrefix(c.args[0], "-") {
				args = c.args
			}
			code, out, errb := runCLI(t, strings.NewReader(""), args...)
			lines := strings.Split(strings.TrimRight(errb, "\n"), "\n")
			if code != exitStatement || out != "" || len(lines) != 2 || !strings.HasPrefix(lines[0], "cqlscan: ") ||
				!strings.Contains(lines[0], c.want) || lines[1] != "cqlscan: "+usageHint {
				t.Errorf("exit %d, stdout %q, stderr %q: want exit 2, nothing on stdout, and on stderr a line saying %q, then the usage hint",
					code, out, errb, c.want)
			}
		})
	}
}

// Settings files are checked before anything connects: a bad value is one line naming the file,
// section and key, and exit 2.
func TestSettingsErrors(t *testing.T) {
	for _, c := range []struct{ rc, want string }{
		{"[ui]\ntimezone = Mars/Olympus\n", `[ui] timezone = "Mars/Olympus" is not a time zone of the tz database`},
		{"[ui]\nfloat_precision = many\n", `[ui] float_precision = "many": want a number of digits`},
		{"[ui]\ndouble_precision = -1\n", `[ui] double_precision = "-1"`},
		{"[ui]\nencoding = latin1\n", `[ui] encoding = "latin1": cqlscan writes UTF-8 only`},
		{"[ui]\ncolor = sometimes\n", `[ui] color = "sometimes": want true or false`},
		{"[protocol]\nversion = 9\n", `[protocol] version = "9": want a native protocol version from 3 to 5`},
		{"[cql]\nversion = 2\n", `[cql] version = "2" is not a supported CQL version`},
		{"[history]\ndisabled = perhaps\n", `[history] disabled = "perhaps"`},
		{"[connection]\nrequest_timeout = 0\n", `[connection] request_timeout = "0": want a positive number`},
	} {
		t.Run(c.want, func(t *testing.T) {
			home := isolate(t)
			writeConf(t, home, ".cassandra/cqlshrc", c.rc, 0o600)
			code, out, errb := runCLI(t, strings.NewReader(""), "127.0.0.254", "-e", "SELECT 1 FROM system.local")
			if code != exitStatement || out != "" || strings.Count(errb, "\n") != 1 || !strings.Contains(errb, c.want) {
				t.Errorf("exit %d, stdout %q, stderr %q: want exit 2 and one line saying %q", code, out, errb, c.want)
			}
		})
	}
}

// --help lists every flag of cqlsh 6's --help, and -v/--version prints the version.
func TestHelpAndVersion(t *testing.T) {
	code, out, errb := runCLI(t, strings.NewReader(""), "--help")
	if code != exitOK || errb != "" {
		t.Fatalf("--help: exit %d, stderr %q", code, errb)
	}
	if code, short, _ := runCLI(t, strings.NewReader(""), "-h"); code != exitOK || short != out {
		t.Errorf("-h: exit %d, and not --help's text", code)
	}
	for _, f := range []string{"-h, --help", "-v, --version", "-C, --color", "--no-color", "--browser", "--ssl", "-u, --username",
		"-p, --password", "-k, --keyspace", "-f, --file", "--debug", "--coverage", "--encoding", "--cqlshrc",
		"--credentials", "--cqlversion", "--protocol-version", "-e, --execute", "--connect-timeout",
		"--request-timeout", "-t, --tty", "--disable-history", "--stop-on-error"} {
		if !strings.Contains(out, f) {
			t.Errorf("--help does not list %s", f)
		}
	}
	for _, arg := range []string{"-v", "--version"} {
		if code, out, errb := runCLI(t, strings.NewReader(""), arg); code != exitOK || out != "cqlscan "+version+"\n" || errb != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", arg, code, out, errb)
		}
	}
}
