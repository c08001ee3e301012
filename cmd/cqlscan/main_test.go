package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain runs the package's tests in a home of their own, without the variables cqlsh honours, so
// that a developer's ~/.cassandra/cqlshrc, credentials, history or CQLSH_HOST cannot change what the
// tests see. Settings that default to places under HOME are pinned first: Go's, since the terminal
// test builds the binary, and scripts/devcluster's cache, where the test clusters live.
func TestMain(m *testing.M) {
	os.Exit(isolated(m))
}

func isolated(m *testing.M) int {
	goVars := []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOENV"}
	out, err := exec.Command("go", append([]string{"env"}, goVars...)...).Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "go env:", err)
		return 1
	}
	for i, v := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if i < len(goVars) && v != "" {
			os.Setenv(goVars[i], v)
		}
	}
	if os.Getenv("CQLSCAN_CACHE") == "" {
		if real, err := os.UserHomeDir(); err == nil {
			os.Setenv("CQLSCAN_CACHE", filepath.Join(real, ".cache", "cqlscan"))
		}
	}
	home, err := os.MkdirTemp("", "cqlscan-test-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(home)
	os.Setenv("HOME", home)
	for _, v := range []string{"CQLSH_HOST", "CQLSH_PORT", "SSL_CERTFILE", "SSL_VALIDATE", "CQLSCAN_HISTORY"} {
		os.Unsetenv(v)
	}
	return m.Run()
}

// The tests run in their own home, whatever the developer's holds.
func TestHomeIsIsolated(t *testing.T) {
	home, err := os.UserHomeDir()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(home, "cqlscan-test-home-") {
		t.Fatalf("HOME is %s, not the tests' own", home)
	}
	if os.Getenv("CQLSH_HOST") != "" {
		t.Errorf("CQLSH_HOST is set to %q", os.Getenv("CQLSH_HOST"))
	}
}
