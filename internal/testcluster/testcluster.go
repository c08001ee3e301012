// Package testcluster gives integration tests the real local Cassandra clusters that `make test`
// starts with scripts/devcluster. Their contact points come from the environment:
//
//	CQLSCAN_TEST_ONE    a one-node cluster (e.g. 127.0.0.21)
//	CQLSCAN_TEST_THREE  a three-node cluster (e.g. 127.0.0.31,127.0.0.32,127.0.0.33)
//
// When a variable is missing the test fails under CI (CI=true) and is skipped elsewhere, with a hint
// to run `make test`.
package testcluster

import (
	"context"
	"os"
	osexec "os/exec"
	"strconv"
	"strings"
	"testing"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/cqlscan/cqlscan/internal/load"
)

// Cluster names, as environment variable suffixes.
const (
	One   = "ONE"
	Three = "THREE"
)

// Hosts returns the contact points of the named cluster, failing (CI) or skipping the test when the
// cluster is not configured.
func Hosts(t testing.TB, which string) []string {
	t.Helper()
	v := os.Getenv("CQLSCAN_TEST_" + which)
	if v == "" {
		Missing(t, "CQLSCAN_TEST_"+which+" is not set: run the integration tests with `make test`, which starts the clusters")
	}
	return strings.Split(v, ",")
}

// Session opens a loading session (writes at consistency ALL) on the named cluster.
func Session(t testing.TB, which string) (*gocql.Session, []string) {
	t.Helper()
	hosts := Hosts(t, which)
	s, err := load.Connect(hosts, 9042)
	if err != nil {
		t.Fatalf("connecting to test cluster %s (%v): %v", which, hosts, err)
	}
	t.Cleanup(s.Close)
	return s, hosts
}

// Keyspace (re)creates a keyspace for a test.
func Keyspace(t testing.TB, s *gocql.Session, name string, rf int) {
	t.Helper()
	if err := load.CreateKeyspace(context.Background(), s, name, rf); err != nil {
		t.Fatalf("creating keyspace %s: %v", name, err)
	}
}

// Devcluster runs scripts/devcluster on the three-node cluster (CQLSCAN_DEVCLUSTER is the script,
// CQLSCAN_TEST_THREE_NAME the cluster's name): tests that stop and start nodes use it. Missing
// variables fail the test under CI and skip it elsewhere.
func Devcluster(t testing.TB, args ...string) string {
	t.Helper()
	script, name := os.Getenv("CQLSCAN_DEVCLUSTER"), os.Getenv("CQLSCAN_TEST_THREE_NAME")
	if script == "" || name == "" {
		Missing(t, "CQLSCAN_DEVCLUSTER and CQLSCAN_TEST_THREE_NAME are not set: run the resilience tests with `make test`")
	}
	out, err := osexec.Command(script, append([]string{"--name", name}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("devcluster %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// Missing ends a test whose cluster or tool is not there: a failure under CI (CI=true), a skip elsewhere.
func Missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// RefreshSizeEstimates flushes keyspace on each of the three-node cluster's nodes and has each
// recompute its size estimates (system.table_estimates), which otherwise change every few minutes
// and count only flushed data.
func RefreshSizeEstimates(t testing.TB, keyspace string, nodes int) {
	t.Helper()
	for i := 1; i <= nodes; i++ {
		Devcluster(t, "nodetool", strconv.Itoa(i), "flush", keyspace)
		Devcluster(t, "nodetool", strconv.Itoa(i), "refreshsizeestimates")
	}
}
