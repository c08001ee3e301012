package main

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/cqlscan/cqlscan/executor/cluster"
	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// isolate points HOME at an empty directory, so that no real ~/.cassandra is read, and clears the
// environment variables cqlsh honours. It returns the new home.
func isolate(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, v := range []string{"CQLSH_HOST", "CQLSH_PORT", "SSL_CERTFILE", "SSL_VALIDATE"} {
		t.Setenv(v, "")
	}
	return home
}

// writeConf writes a file under dir with the given mode, creating directories, and returns its path.
func writeConf(t *testing.T, dir, name, text string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // not narrowed by the umask
		t.Fatal(err)
	}
	return path
}

// resolveWith parses args with the connection flags alone and resolves them, reading stdin for
// a prompt. It returns the configuration, what went to stderr, and the error.
func resolveWith(t *testing.T, stdin io.Reader, args ...string) (cluster.Config, string, error) {
	t.Helper()
	var c connFlags
	fs := pflag.NewFlagSet("cqlscan", pflag.ContinueOnError)
	c.register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parsing %q: %v", args, err)
	}
	var errb bytes.Buffer
	cfg, err := c.config(fs.Args(), stdin, &errb)
	return cfg, errb.String(), err
}

func resolve(t *testing.T, args ...string) (cluster.Config, string, error) {
	t.Helper()
	return resolveWith(t, strings.NewReader(""), args...)
}

// resolved is what a precedence case checks.
type resolved struct {
	host, user, pass, keyspace string
	port                       int
	connect, request           time.Duration
	tls                        bool
	validate                   bool   // when tls
	ca                         string // "ca1", "ca2" or "" (system roots), when tls
}

// TestConfigPrecedence checks that each setting comes from the flag, else the environment, else
// the cqlshrc file, else the default.
func TestConfigPrecedence(t *testing.T) {
	cas := map[string]*testcluster.CA{"ca1": testcluster.NewCA(t, "ca1"), "ca2": testcluster.NewCA(t, "ca2")}
	files := t.TempDir()
	ca1 := testcluster.WriteFile(t, files, "ca1.pem", cas["ca1"].PEM)
	ca2 := testcluster.WriteFile(t, files, "ca2.pem", cas["ca2"].PEM)
	fullRC := fmt.Sprintf(`
[authentication]
username = alice
password = pw-in-rc
keyspace = ks_rc

[connection]
hostname = 10.0.0.1
port = 19042
connect_timeout = 7
request_timeout = 30
ssl = true

[ssl]
certfile = %s
validate = false
`, ca1)
	cases := []struct {
		name string
		rc   string // ~/.cassandra/cqlshrc, if not empty
		env  map[string]string
		args []string
		want resolved
	}{
		{name: "defaults", want: resolved{host: "127.0.0.1", port: 9042, connect: 5 * time.Second, request: 12 * time.Second}},
		{name: "file", rc: fullRC, want: resolved{host: "10.0.0.1", port: 19042, user: "alice", pass: "pw-in-rc",
			keyspace: "ks_rc", connect: 7 * time.Second, request: 30 * time.Second, tls: true, validate: false, ca: "ca1"}},
		{name: "env over file", rc: fullRC,
			env: map[string]string{"CQLSH_HOST": "envhost", "CQLSH_PORT": "29042", "SSL_CERTFILE": ca2, "SSL_VALIDATE": "true"},
			want: resolved{host: "envhost", port: 29042, user: "alice", pass: "pw-in-rc", keyspace: "ks_rc",
				connect: 7 * time.Second, request: 30 * time.Second, tls: true, validate: true, ca: "ca2"}},
		{name: "flags over env and file", rc: fullRC,
			env: map[string]string{"CQLSH_HOST": "envhost", "CQLSH_PORT": "29042", "SSL_CERTFILE": ca2, "SSL_VALIDATE": "true"},
			args: []string{"3.3.3.3", "39042", "-u", "bob", "-p", "pw-flag", "--connect-timeout", "9s",
				"--request-timeout", "40s", "--ssl-ca", ca1, "--ssl-no-validate"},
			want: resolved{host: "3.3.3.3", port: 39042, user: "bob", pass: "pw-flag", keyspace: "ks_rc",
				connect: 9 * time.Second, request: 40 * time.Second, tls: true, validate: false, ca: "ca1"}},
		{name: "--ssl=false over file", rc: fullRC, args: []string{"--ssl=false"},
			want: resolved{host: "10.0.0.1", port: 19042, user: "alice", pass: "pw-in-rc", keyspace: "ks_rc",
				connect: 7 * time.Second, request: 30 * time.Second}},
		{name: "--ssl-ca implies --ssl", args: []string{"--ssl-ca", ca2},
			want: resolved{host: "127.0.0.1", port: 9042, connect: 5 * time.Second, request: 12 * time.Second,
				tls: true, validate: true, ca: "ca2"}},
		{name: "--ssl alone uses the system roots", args: []string{"--ssl"},
			want: resolved{host: "127.0.0.1", port: 9042, connect: 5 * time.Second, request: 12 * time.Second,
				tls: true, validate: true}},
		{name: "legacy timeout key; [certfiles] per host",
			rc: fmt.Sprintf("[connection]\nhostname = 10.0.0.9\ntimeout = 3\nssl = yes\n[ssl]\ncertfile = %s\n[certfiles]\n10.0.0.9 = %s\n", ca1, ca2),
			want: resolved{host: "10.0.0.9", port: 9042, connect: 3 * time.Second, request: 12 * time.Second,
				tls: true, validate: true, ca: "ca2"}},
		{name: "connect_timeout over timeout", rc: "[connection]\ntimeout = 3\nconnect_timeout = 4.5\n",
			want: resolved{host: "127.0.0.1", port: 9042, connect: 4500 * time.Millisecond, request: 12 * time.Second}},
		{name: "-u other than the file's user does not get its password", rc: fullRC,
			args: []string{"-u", "bob", "-p", "pw-flag", "--ssl=false"},
			want: resolved{host: "10.0.0.1", port: 19042, user: "bob", pass: "pw-flag", keyspace: "ks_rc",
				connect: 7 * time.Second, request: 30 * time.Second}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			home := isolate(t)
			if c.rc != "" {
				writeConf(t, home, ".cassandra/cqlshrc", c.rc, 0o600)
			}
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			cfg, _, err := resolve(t, c.args...)
			if err != nil {
				t.Fatalf("config: %v", err)
			}
			got := resolved{host: strings.Join(cfg.Hosts, ","), port: cfg.Port, user: cfg.Username, pass: cfg.Password,
				keyspace: cfg.Keyspace, connect: cfg.ConnectTimeout, request: cfg.RequestTimeout, tls: cfg.TLS != nil}
			if cfg.TLS != nil {
				got.validate = !cfg.TLS.InsecureSkipVerify
				for name, ca := range cas {
					pool := x509.NewCertPool()
					pool.AppendCertsFromPEM(ca.PEM)
					if cfg.TLS.RootCAs != nil && cfg.TLS.RootCAs.Equal(pool) {
						got.ca = name
					}
				}
			}
			if got != c.want {
				t.Errorf("resolved\n %+v\nwant\n %+v", got, c.want)
			}
		})
	}
}

// TestCredentialsFile checks cqlsh's credentials file: honoured when only its owner may read it,
// ignored with a warning otherwise, preferred to cqlshrc's [authentication], and its password
// given only to its own user.
func TestCredentialsFile(t *testing.T) {
	const creds = "[PlainTextAuthProvider]\nusername = carol\npassword = pw-in-creds\n"
	cases := []struct {
		name       string
		mode       os.FileMode
		rcAuth     string // more [authentication] lines
		args       []string
		user, pass string
		warn       string // a substring of stderr ("" for none)
		err        string // a substring of the error ("" for none)
	}{
		{name: "0600 honoured", mode: 0o600, user: "carol", pass: "pw-in-creds"},
		{name: "0400 honoured", mode: 0o400, user: "carol", pass: "pw-in-creds"},
		{name: "0644 ignored with a warning", mode: 0o644, rcAuth: "username = dave\npassword = pw-dave\n",
			user: "dave", pass: "pw-dave", warn: "mode is 0644"},
		{name: "0640 ignored with a warning", mode: 0o640, args: []string{"-u", "x", "-p", "y"},
			user: "x", pass: "y", warn: "ignoring credentials file"},
		{name: "preferred to cqlshrc", mode: 0o600, rcAuth: "username = dave\npassword = pw-dave\n",
			user: "carol", pass: "pw-in-creds"},
		{name: "-u same user takes its password", mode: 0o600, args: []string{"-u", "carol"},
			user: "carol", pass: "pw-in-creds"},
		{name: "-u other user gets no stored password", mode: 0o600, args: []string{"-u", "erin"},
			err: `no password for user "erin"`},
		{name: "-p over the file", mode: 0o600, args: []string{"-p", "pw-flag"}, user: "carol", pass: "pw-flag"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			home := isolate(t)
			credPath := writeConf(t, home, "secrets/creds", creds, c.mode)
			writeConf(t, home, ".cassandra/cqlshrc", "[authentication]\ncredentials = "+credPath+"\n"+c.rcAuth, 0o600)
			cfg, stderr, err := resolve(t, c.args...)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("config: %v", err)
			}
			if cfg.Username != c.user || cfg.Password != c.pass {
				t.Errorf("user %q password %q, want %q %q", cfg.Username, cfg.Password, c.user, c.pass)
			}
			if c.warn == "" && strings.Contains(stderr, "ignoring credentials file") {
				t.Errorf("unexpected warning %q", stderr)
			}
			if c.warn != "" && (!strings.Contains(stderr, c.warn) || !strings.Contains(stderr, credPath)) {
				t.Errorf("stderr %q: want a warning naming %s with %q", stderr, credPath, c.warn)
			}
		})
	}

	t.Run("default file and --credentials", func(t *testing.T) {
		home := isolate(t)
		writeConf(t, home, ".cassandra/credentials", creds, 0o600)
		if cfg, _, err := resolve(t); err != nil || cfg.Username != "carol" || cfg.Password != "pw-in-creds" {
			t.Errorf("~/.cassandra/credentials: %q %v", cfg.Username, err)
		}
		other := writeConf(t, home, "other", "[PlainTextAuthProvider]\nusername = fred\npassword = pw-fred\n", 0o600)
		if cfg, _, err := resolve(t, "--credentials", other); err != nil || cfg.Username != "fred" || cfg.Password != "pw-fred" {
			t.Errorf("--credentials: %q %v", cfg.Username, err)
		}
		missing := filepath.Join(home, "nope")
		if _, _, err := resolve(t, "--credentials", missing); err == nil || !strings.Contains(err.Error(), missing) {
			t.Errorf("missing --credentials file: error %v, want one naming %s", err, missing)
		}
	})
}

// TestCqlshrcFile checks the file's own rules: a missing default is fine, a missing --cqlshrc is
// an error naming it, a bad value is an error naming file, section and key, and a password in it
// draws a warning.
func TestCqlshrcFile(t *testing.T) {
	home := isolate(t)
	if _, stderr, err := resolve(t); err != nil || stderr != "" {
		t.Errorf("no ~/.cassandra/cqlshrc: error %v, stderr %q", err, stderr)
	}
	missing := filepath.Join(home, "missing-cqlshrc")
	if _, _, err := resolve(t, "--cqlshrc", missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing --cqlshrc: error %v, want one naming %s", err, missing)
	}
	given := writeConf(t, home, "my-rc", "[connection]\nhostname = 10.1.1.1\n", 0o644)
	if cfg, _, err := resolve(t, "--cqlshrc", given); err != nil || cfg.Hosts[0] != "10.1.1.1" {
		t.Errorf("--cqlshrc: hosts %v, error %v", cfg.Hosts, err)
	}
	inline := writeConf(t, home, "inline-rc", "[authentication]\nusername = u\npassword = a#b;c\n", 0o600)
	if cfg, _, err := resolve(t, "--cqlshrc", inline); err != nil || cfg.Password != "a#b;c" {
		t.Errorf("# and ; inside a value must be kept, as configparser does: error %v", err)
	}

	bad := []struct{ rc, env, want string }{
		{rc: "[connection]\nport = nine\n", want: "[connection] port"},
		{rc: "[connection]\nrequest_timeout = soon\n", want: "[connection] request_timeout"},
		{rc: "[connection]\nssl = maybe\n", want: "[connection] ssl"},
		{rc: "[connection]\nssl = true\n", env: "maybe", want: "env SSL_VALIDATE"},
		{rc: "[connection]\nssl = true\n[ssl]\ncertfile = /no/such/ca.pem\n", want: "[ssl] certfile"},
		{rc: "[connection]\nssl = true\n[ssl]\nusercert = /tmp/c.pem\n", want: "--ssl-key"},
	}
	for _, b := range bad {
		path := writeConf(t, home, "bad-rc", b.rc, 0o600)
		t.Setenv("SSL_VALIDATE", b.env)
		_, _, err := resolve(t, "--cqlshrc", path)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("cqlshrc %q: error %v, want one naming %q", b.rc, err, b.want)
		}
	}
}

// TestPasswordNeverPrinted resolves configurations holding a password through warnings and
// errors, prints the result and fails to connect with it: the password must appear nowhere.
func TestPasswordNeverPrinted(t *testing.T) {
	const secret = "S3cret-pw!"
	home := isolate(t)
	rc := writeConf(t, home, "rc", "[authentication]\nusername = u\npassword = "+secret+"\n", 0o644)
	creds := writeConf(t, home, "creds", "[PlainTextAuthProvider]\nusername = u\npassword = "+secret+"\n", 0o644)
	badRC := writeConf(t, home, "bad-rc", "[authentication]\nusername = u\npassword = "+secret+"\n[connection]\nport = x\n", 0o600)
	garbled := writeConf(t, home, "garbled", "[PlainTextAuthProvider]\nusername = u\n"+secret+"\n", 0o600)
	badTimeout := writeConf(t, home, "bad-timeout", "[connection]\nconnect_timeout = -1\n", 0o600)
	runs := [][]string{
		{"--cqlshrc", rc},
		{"--cqlshrc", rc, "--credentials", creds},
		{"--cqlshrc", badRC},
		{"--credentials", garbled},
		{"-u", "u", "-p", secret, "--ssl-ca", filepath.Join(home, "no-ca.pem")},
		{"-u", "u", "-p", secret, "--cqlshrc", badTimeout},
	}
	var cfgs []cluster.Config
	for _, args := range runs {
		cfg, stderr, err := resolve(t, args...)
		if strings.Contains(stderr, secret) || (err != nil && strings.Contains(err.Error(), secret)) {
			t.Errorf("%q: the password leaked: stderr %q, error %v", args, stderr, err)
		}
		if err == nil {
			cfgs = append(cfgs, cfg)
		}
	}
	if len(cfgs) == 0 {
		t.Fatal("no configuration resolved")
	}
	for _, cfg := range cfgs {
		if cfg.Password != secret {
			t.Fatalf("password %q not resolved", cfg.Password)
		}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			if s := fmt.Sprintf(verb, cfg); strings.Contains(s, secret) {
				t.Errorf("Printf(%s) shows the password: %s", verb, s)
			}
		}
	}
	// Nothing listens on 127.0.0.254: the connection error must not carry the password either.
	cfg := cfgs[0]
	cfg.Hosts, cfg.Port, cfg.ConnectTimeout = []string{"127.0.0.254"}, 9042, time.Second
	_, err := cluster.Connect(cfg)
	if !errors.Is(err, cluster.ErrConnect) || strings.Contains(err.Error(), secret) {
		t.Errorf("connection error %v: want ErrConnect without the password", err)
	}
}

// TestPasswordPrompt checks that -u without a password asks on the terminal, without echo, and
// that without a terminal the error says what to do instead.
func TestPasswordPrompt(t *testing.T) {
	isolate(t)
	_, _, err := resolve(t, "-u", "alice")
	if err == nil || !strings.Contains(err.Error(), "-p") || !strings.Contains(err.Error(), "credentials") {
		t.Fatalf("no terminal: error %v, want one pointing to -p and the credentials file", err)
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	saved := terminal
	t.Cleanup(func() { terminal = saved })
	var readFrom int
	terminal.isTerminal = func(fd int) bool { return fd == int(r.Fd()) }
	terminal.readPassword = func(fd int) ([]byte, error) { readFrom = fd; return []byte("typed-pw"), nil }
	cfg, stderr, err := resolveWith(t, r, "-u", "alice")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	if cfg.Password != "typed-pw" || readFrom != int(r.Fd()) {
		t.Errorf("password %q read from fd %d, want the typed one from stdin (fd %d)", cfg.Password, readFrom, r.Fd())
	}
	if !strings.HasPrefix(stderr, "Password: ") || strings.Contains(stderr, "typed-pw") {
		t.Errorf("stderr %q: want the prompt and no echo", stderr)
	}
	if _, stderr, _ := resolveWith(t, r, "-u", "alice", "-p", "given"); strings.Contains(stderr, "Password:") {
		t.Errorf("-p given, yet prompted: %q", stderr)
	}
}
