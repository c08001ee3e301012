package cluster

import (
	"context"
	"math"
	"math/big"
	"strconv"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/internal/load"
	"github.com/cqlscan/cqlscan/internal/testcluster"
	"github.com/cqlscan/cqlscan/planner/ring"
)

// TestEstimatesFollowTheData writes a table whose partitions lie nine tenths above a token near the
// middle of the ring, has every node flush it and refresh its size estimates, and checks the
// estimates put that share of the data there: weighing ranges by width would say about half. The
// token is one of the ring's own, so that no range of the estimates straddles it (a straddling
// range is shared by width: with the cluster's random tokens that made the test pass or fail by
// where the tokens fell).
func TestEstimatesFollowTheData(t *testing.T) {
	s, hosts := testcluster.Session(t, testcluster.Three)
	ctx := context.Background()
	testcluster.Keyspace(t, s, "est_skew", 2)
	for _, stmt := range []string{
		`CREATE TABLE est_skew.staging (k int PRIMARY KEY)`,
		`CREATE TABLE est_skew.t (k int PRIMARY KEY, v text)`,
	} {
		if err := s.Query(stmt).ExecContext(ctx); err != nil {
			t.Fatal(err)
		}
	}
	c, err := Connect(Config{Hosts: hosts, Port: 9042, ConnectTimeout: 10 * time.Second, RequestTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := c.Ring(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var split *big.Int // the ring's token nearest 0
	for _, h := range r.Hosts {
		for _, tok := range h.Tokens {
			if split == nil || new(big.Int).Abs(tok).Cmp(new(big.Int).Abs(split)) < 0 {
				split = tok
			}
		}
	}
	const keys = 4000
	if err := load.Run(ctx, s, keys, 32, func(i int) load.Stmt {
		return load.S(`INSERT INTO est_skew.staging (k) VALUES (?)`, i)
	}); err != nil {
		t.Fatal(err)
	}
	// Keep every key whose token is above split and one in ten of the others.
	var keep []int
	upper, lower := 0, 0
	iter := s.Query(`SELECT k, token(k) FROM est_skew.staging`).IterContext(ctx)
	var k int
	var tok int64
	for iter.Scan(&k, &tok) {
		if big.NewInt(tok).Cmp(split) > 0 {
			keep, upper = append(keep, k), upper+1
		} else if k%10 == 0 {
			keep, lower = append(keep, k), lower+1
		}
	}
	if err := iter.Close(); err != nil {
		t.Fatal(err)
	}
	if err := load.Run(ctx, s, len(keep), 32, func(i int) load.Stmt {
		return load.S(`INSERT INTO est_skew.t (k, v) VALUES (?, ?)`, keep[i], "value "+strconv.Itoa(keep[i]))
	}); err != nil {
		t.Fatal(err)
	}
	testcluster.RefreshSizeEstimates(t, "est_skew", len(hosts))

	est, err := c.Estimates(ctx, ring.Murmur3, "est_skew", "t")
	if err != nil {
		t.Fatal(err)
	}
	if !est.Known() {
		t.Fatal("no size estimates for est_skew.t after flush and refreshsizeestimates on every node")
	}
	whole := est.Weight(ring.Range{Start: ring.Murmur3.Min, End: ring.Murmur3.Max})
	got := est.Weight(ring.Range{Start: split, End: ring.Murmur3.Max}) / whole
	want := float64(upper) / float64(upper+lower)
	t.Logf("%d partitions above token %s, %d below: estimated share above %.3f, actual %.3f", upper, split, lower, got, want)
	// Not exact: the partition counts are HyperLogLog estimates.
	if math.Abs(got-want) > 0.1 {
		t.Errorf("estimates put %.3f of the data above token %s, the table has %.3f there", got, split, want)
	}

	// A table with nothing flushed has no estimates; that is not an error.
	none, err := c.Estimates(ctx, ring.Murmur3, "est_skew", "no_such_table")
	if err != nil || none.Known() {
		t.Errorf("estimates of a table without data: known %v, err %v; want none and no error", none.Known(), err)
	}
}
