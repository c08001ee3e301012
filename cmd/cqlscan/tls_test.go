package main

import (
	"crypto/tls"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// tlsListener serves TLS handshakes on 127.0.0.1 with a certificate from ca for the address ip,
// then hangs up: enough for a client to fail or pass certificate checks. It returns the port.
func tlsListener(t *testing.T, ca *testcluster.CA, ip string, clientAuth tls.ClientAuthType) string {
	t.Helper()
	certPEM, keyPEM := ca.Issue(t, "fake node", net.ParseIP(ip))
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{pair}, ClientAuth: clientAuth})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.(*tls.Conn).Handshake()
			buf := make([]byte, 1)
			_, _ = c.Read(buf) // delivers TLS 1.3's post-handshake alerts
			c.Close()
		}
	}()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// TestTLSErrors checks, without a cluster, that certificate problems fail the connection (exit 1)
// with a message that says which certificate is wrong and which option fixes it.
func TestTLSErrors(t *testing.T) {
	home := isolate(t)
	nodeCA, otherCA := testcluster.NewCA(t, "node CA"), testcluster.NewCA(t, "other CA")
	nodeCAFile := testcluster.WriteFile(t, home, "node-ca.pem", nodeCA.PEM)
	otherCAFile := testcluster.WriteFile(t, home, "other-ca.pem", otherCA.PEM)
	cases := []struct {
		name       string
		certIP     string
		clientAuth tls.ClientAuthType
		args       []string
		want, not  string
	}{
		{"unknown CA", "127.0.0.1", tls.NoClientCert, []string{"--ssl-ca", otherCAFile},
			"the server's certificate is not trusted", ""},
		{"unknown CA from SSL_CERTFILE", "127.0.0.1", tls.NoClientCert, []string{"--ssl"},
			"--ssl-ca", ""},
		{"certificate for another address", "127.0.0.2", tls.NoClientCert, []string{"--ssl-ca", nodeCAFile},
			"does not name the address", ""},
		{"--ssl-no-validate skips the checks", "127.0.0.2", tls.NoClientCert, []string{"--ssl-ca", otherCAFile, "--ssl-no-validate"},
			"cannot connect", "the server's certificate"},
		{"client certificate required", "127.0.0.1", tls.RequireAnyClientCert, []string{"--ssl-ca", nodeCAFile},
			"requires a client certificate", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("SSL_CERTFILE", otherCAFile)
			port := tlsListener(t, nodeCA, c.certIP, c.clientAuth)
			args := append([]string{"127.0.0.1", port, "--connect-timeout", "3s", "-e", "SELECT COUNT(*) FROM ks.t"}, c.args...)
			code, _, errOut := cli(t, args...)
			if code != exitConnect {
				t.Errorf("exit %d, want %d; stderr %q", code, exitConnect, errOut)
			}
			if !strings.Contains(errOut, c.want) || (c.not != "" && strings.Contains(errOut, c.not)) {
				t.Errorf("stderr %q: want %q and not %q", errOut, c.want, c.not)
			}
		})
	}
}
