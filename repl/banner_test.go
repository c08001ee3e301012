package repl

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/cqlscan/cqlscan/executor/cluster"
)

// describedCluster is the offline cluster that can also describe itself, as cluster.Conn does.
type describedCluster struct {
	offline
	srv cluster.Server
	err error
}

func (d describedCluster) Server(context.Context) (cluster.Server, error) { return d.srv, d.err }

func TestBanner(t *testing.T) {
	srv := cluster.Server{Name: "Test Cluster", Address: "127.0.0.21:9042", Release: "5.0.9", CQL: "3.4.7", Protocol: 5}
	cases := []struct {
		name     string
		cl       Cluster
		out, err string
	}{
		{"as cqlsh's", describedCluster{srv: srv},
			"Connected to Test Cluster at 127.0.0.21:9042\n[cqlscan 1.2.3 | Cassandra 5.0.9 | CQL spec 3.4.7 | Native protocol v5]\nUse HELP for help.\n", ""},
		{"the cluster cannot tell", describedCluster{err: errors.New("reading system.local: timeout")},
			"Use HELP for help.\n", "cqlscan: reading system.local: timeout\n"},
		{"a connection without a description", offline{}, "Use HELP for help.\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			s := &Session{Cluster: c.cl, Out: &out, Err: &errb, Version: "1.2.3"}
			s.printBanner(context.Background())
			if out.String() != c.out || errb.String() != c.err {
				t.Errorf("banner %q, errors %q; want %q, %q", out.String(), errb.String(), c.out, c.err)
			}
		})
	}
}
