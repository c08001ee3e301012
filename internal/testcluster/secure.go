package testcluster

import (
	"context"
	"fmt"
	"net"
	"os"
	osexec "os/exec"
	"strings"
	"testing"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
)

// The secure cluster: one node that demands a password (PasswordAuthenticator, default superuser
// cassandra/cassandra) and TLS from clients, with a client certificate.
const (
	SecureName = "secure"
	SecureHost = "127.0.0.41"
)

// Secure describes a running secure cluster and the PEM files that reach it.
type Secure struct {
	Host                  string // the node's address
	CA                    string // the CA that signed the node's and the client's certificates
	ClientCert, ClientKey string // a client certificate the node trusts, and its key
}

// StartSecure creates the secure cluster with scripts/devcluster (CQLSCAN_DEVCLUSTER names the
// script; without it the test fails under CI and is skipped elsewhere), with certificates made up
// for this test, so an older cluster of that name is replaced. It waits until the default superuser
// can log in and removes the cluster when the test ends.
func StartSecure(t *testing.T) *Secure {
	t.Helper()
	script := os.Getenv("CQLSCAN_DEVCLUSTER")
	if script == "" {
		Missing(t, "CQLSCAN_DEVCLUSTER is not set: run the security tests with `make test`, or set it to the path of scripts/devcluster")
	}
	dir := t.TempDir() // removed after the cluster: cleanups run last-registered first
	ca := NewCA(t, "cqlscan test CA")
	nodeCert, nodeKey := ca.Issue(t, "cqlscan secure node", net.ParseIP(SecureHost))
	clientCert, clientKey := ca.Issue(t, "cqlscan test client")
	s := &Secure{Host: SecureHost,
		CA:         WriteFile(t, dir, "ca.pem", ca.PEM),
		ClientCert: WriteFile(t, dir, "client.pem", clientCert),
		ClientKey:  WriteFile(t, dir, "client-key.pem", clientKey),
	}
	// PEMBasedSslContextFactory reads the node's key and certificate chain from one file.
	keystore := WriteFile(t, dir, "node-keystore.pem", append(nodeKey, nodeCert...))
	yaml := WriteFile(t, dir, "secure.yaml", fmt.Appendf(nil, `authenticator: PasswordAuthenticator
client_encryption_options:
  enabled: true
  optional: false
  ssl_context_factory:
    class_name: org.apache.cassandra.security.PEMBasedSslContextFactory
  keystore: %s
  truststore: %s
  require_client_auth: true
`, keystore, s.CA))

	devcluster := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
		defer cancel()
		out, err := osexec.CommandContext(ctx, script, append([]string{"--name", SecureName}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("devcluster --name %s %v: %v\n%s", SecureName, args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	devcluster("down")
	t.Cleanup(func() { devcluster("down") })
	devcluster("up", "--first-ip", "41", "--yaml-file", yaml)
	if err := s.waitForSuperuser(2 * time.Minute); err != nil {
		t.Fatalf("the superuser cassandra could not log in to %s within 2 minutes: %v (node log: %s)",
			s.Host, err, devcluster("log", "1"))
	}
	return s
}

// waitForSuperuser retries logging in as cassandra/cassandra until it succeeds or wait passes:
// Cassandra creates the default superuser a few seconds after it opens the CQL port.
func (s *Secure) waitForSuperuser(wait time.Duration) error {
	c := gocql.NewCluster(s.Host)
	c.ConnectTimeout, c.Timeout = 5*time.Second, 10*time.Second
	c.Authenticator = gocql.PasswordAuthenticator{Username: "cassandra", Password: "cassandra"}
	c.SslOpts = &gocql.SslOptions{CaPath: s.CA, CertPath: s.ClientCert, KeyPath: s.ClientKey, EnableHostVerification: true}
	deadline := time.Now().Add(wait)
	for {
		sess, err := c.CreateSession()
		if err == nil {
			sess.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(2 * time.Second)
	}
}
