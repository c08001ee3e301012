package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// TestSecureCluster runs the CLI against a node that demands a password and TLS with a client
// certificate (see testcluster.StartSecure): the right settings, from flags or from cqlshrc (with
// its default keyspace) and a credentials file, count; a wrong password, a missing user, an untrusted CA and a missing client
// certificate each fail with exit 1 and a message that says what is wrong, never the password.
func TestSecureCluster(t *testing.T) {
	sec := testcluster.StartSecure(t)
	home := isolate(t)
	const count = "SELECT COUNT(*) FROM system_schema.keyspaces"
	tlsFlags := []string{"--ssl-ca", sec.CA, "--ssl-cert", sec.ClientCert, "--ssl-key", sec.ClientKey}
	otherCA := testcluster.WriteFile(t, home, "other-ca.pem", testcluster.NewCA(t, "unrelated CA").PEM)
	creds := writeConf(t, home, "creds", "[PlainTextAuthProvider]\nusername = cassandra\npassword = cassandra\n", 0o600)
	rc := writeConf(t, home, "cqlshrc", fmt.Sprintf(
		"[authentication]\ncredentials = %s\nkeyspace = system_schema\n[connection]\nhostname = %s\nssl = true\n[ssl]\ncertfile = %s\nusercert = %s\nuserkey = %s\n",
		creds, sec.Host, sec.CA, sec.ClientCert, sec.ClientKey), 0o600)

	successes := []struct {
		name, query string
		args        []string
	}{
		{"right password and CA", count, append([]string{sec.Host, "-u", "cassandra", "-p", "cassandra"}, tlsFlags...)},
		{"cqlshrc and credentials file; cqlshrc's keyspace", "SELECT COUNT(*) FROM keyspaces", []string{"--cqlshrc", rc}},
		{"--ssl-no-validate with an unrelated CA", count, []string{"--cqlshrc", rc, "--ssl-ca", otherCA, "--ssl-no-validate"}},
	}
	for _, s := range successes {
		t.Run(s.name, func(t *testing.T) {
			code, out, errOut := cli(t, append(s.args, "--format", "csv", "-e", s.query)...)
			if code != exitOK || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			if n := csvCount(t, out); n < 5 {
				t.Errorf("%d keyspaces in system_schema, want the system ones at least", n)
			}
		})
	}

	// LOGIN switches users on the live connection: a wrong password is refused (the session keeps
	// its connection), the right one makes what follows run as the new user.
	t.Run("LOGIN", func(t *testing.T) {
		// The node's clients table names the user of each connection: after LOGIN, only cli_bob's
		// are this process's (the first connection is closed).
		script := "CREATE ROLE IF NOT EXISTS cli_bob WITH PASSWORD = 'bob-pw-7' AND LOGIN = true;\n" +
			"LOGIN cli_bob 'bad-pw-9'\n" +
			"LOGIN cli_bob 'bob-pw-7'\n" +
			"SELECT username FROM system_views.clients;\n"
		code, out, errOut := cli(t, append(append([]string{sec.Host, "-u", "cassandra", "-p", "cassandra"}, tlsFlags...),
			"--format", "csv", "-e", script)...)
		if code != exitStatement || !strings.HasPrefix(errOut, "<execute>:2:error: ") || strings.Count(errOut, "\n") != 1 ||
			!strings.Contains(errOut, "authentication failed") {
			t.Fatalf("exit %d, stderr %q; want 2 and the bad LOGIN (line 2) refused", code, errOut)
		}
		if strings.Contains(errOut, "bad-pw-9") || strings.Contains(errOut, "bob-pw-7") {
			t.Errorf("stderr shows a password: %q", errOut)
		}
		users := strings.Fields(strings.TrimPrefix(strings.TrimSpace(out), "username"))
		if len(users) == 0 || slices.ContainsFunc(users, func(u string) bool { return u != "cli_bob" }) {
			t.Errorf("connections after LOGIN cli_bob belong to %q", users)
		}
	})

	const wrongPassword = "not-the-Password-42"
	failures := []struct {
		name string
		args []string
		want []string // substrings of stderr
	}{
		{"wrong password", append([]string{sec.Host, "-u", "cassandra", "-p", wrongPassword}, tlsFlags...),
			[]string{`authentication failed for user "cassandra"`}},
		{"no user", append([]string{sec.Host}, tlsFlags...),
			[]string{"requires a user name and password", "-u"}},
		{"untrusted CA", []string{sec.Host, "-u", "cassandra", "-p", wrongPassword, "--ssl-ca", otherCA,
			"--ssl-cert", sec.ClientCert, "--ssl-key", sec.ClientKey},
			[]string{"the server's certificate is not trusted", "--ssl-ca"}},
		{"no client certificate", []string{sec.Host, "-u", "cassandra", "-p", wrongPassword, "--ssl-ca", sec.CA},
			[]string{"client certificate", "--ssl-cert"}},
		{"no TLS", []string{sec.Host, "-u", "cassandra", "-p", wrongPassword, "--connect-timeout", "3s"},
			[]string{"cannot connect", "--ssl"}},
	}
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			code, _, errOut := cli(t, append(f.args, "-e", count)...)
			if code != exitConnect {
				t.Errorf("exit %d, want %d; stderr %q", code, exitConnect, errOut)
			}
			if lines := strings.Count(strings.TrimSpace(errOut), "\n") + 1; lines != 1 {
				t.Errorf("stderr has %d lines, want one: %q", lines, errOut)
			}
			for _, w := range f.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q does not say %q", errOut, w)
				}
			}
			if strings.Contains(errOut, wrongPassword) {
				t.Errorf("stderr shows the password: %q", errOut)
			}
		})
	}
}
