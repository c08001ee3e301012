package ring

import (
	"fmt"
	"math/big"
	"math/rand"
	"reflect"
	"sort"
	"testing"
)

func tok(v int64) *big.Int { return big.NewInt(v) }

func host(id, dc, rack string, tokens ...int64) Host {
	h := Host{ID: id, Addr: id, DC: dc, Rack: rack}
	for _, t := range tokens {
		h.Tokens = append(h.Tokens, tok(t))
	}
	return h
}

// checkCover fails unless ranges are in token order and cover (Min, Max] exactly once.
func checkCover(t *testing.T, p *Partitioner, ranges []Range) {
	t.Helper()
	if len(ranges) == 0 {
		t.Fatal("no ranges")
	}
	if ranges[0].Start.Cmp(p.Min) != 0 {
		t.Fatalf("first range %v does not start at Min %s", ranges[0], p.Min)
	}
	for i, r := range ranges {
		if r.Start.Cmp(r.End) >= 0 {
			t.Fatalf("range %d %v is empty or inverted", i, r)
		}
		if i > 0 && ranges[i-1].End.Cmp(r.Start) != 0 {
			t.Fatalf("gap or overlap between %v and %v", ranges[i-1], r)
		}
		if len(r.Replicas) == 0 {
			t.Fatalf("range %v has no replicas", r)
		}
	}
	if last := ranges[len(ranges)-1]; last.End.Cmp(p.Max) != 0 {
		t.Fatalf("last range %v does not end at Max %s", last, p.Max)
	}
}

// bruteSimple computes SimpleStrategy replicas of the token t independently: the owner of t is the
// host of the smallest ring token >= t (wrapping to the smallest), then rf-1 distinct successors.
func bruteSimple(hosts []Host, t *big.Int, rf int) []string {
	type ot struct {
		t  *big.Int
		id string
	}
	var all []ot
	for _, h := range hosts {
		for _, x := range h.Tokens {
			all = append(all, ot{x, h.ID})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].t.Cmp(all[j].t) < 0 })
	start := 0
	for start < len(all) && all[start].t.Cmp(t) < 0 {
		start++
	}
	var out []string
	seen := map[string]bool{}
	for k := 0; k < len(all) && len(out) < rf; k++ {
		id := all[(start+k)%len(all)].id
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func TestSplitCoversRingExactlyOnce(t *testing.T) {
	rng := rand.New(rand.NewSource(42))
	for iter := 0; iter < 300; iter++ {
		p := Murmur3
		if iter%5 == 4 {
			p = Random
		}
		nHosts := 1 + rng.Intn(6)
		used := map[string]bool{}
		var hosts []Host
		for h := 0; h < nHosts; h++ {
			hs := Host{ID: fmt.Sprintf("h%d", h), DC: "dc1", Rack: "r1"}
			for k := 0; k < 1+rng.Intn(16); k++ {
				t := new(big.Int).Rand(rng, p.Size())
				t.Add(t, p.Min)
				t.Add(t, big.NewInt(1)) // (Min, Max]
				if !used[t.String()] {
					used[t.String()] = true
					hs.Tokens = append(hs.Tokens, t)
				}
			}
			hosts = append(hosts, hs)
		}
		r, err := New(p, hosts)
		if err != nil {
			t.Fatal(err)
		}
		rf := 1 + rng.Intn(3)
		ranges, err := r.Ranges(Replication{Strategy: SimpleStrategy, Factor: rf})
		if err != nil {
			t.Fatal(err)
		}
		checkCover(t, p, ranges)
		target := []int{1, 7, 256, 4096}[rng.Intn(4)]
		subs := Split(ranges, p, target)
		checkCover(t, p, subs)
		if want := max(target, len(mergeAdjacent(ranges))); len(subs) != want {
			t.Fatalf("split into %d pieces, want max(target %d, merged ranges) = %d", len(subs), target, want)
		}
		for _, s := range subs {
			want := bruteSimple(hosts, s.End, rf)
			if !reflect.DeepEqual(sortedCopy(s.Replicas), sortedCopy(want)) {
				t.Fatalf("sub-range %v has replicas %v, want %v", s, s.Replicas, want)
			}
		}
	}
}

func TestRangesEdgeTokens(t *testing.T) {
	minPlus1 := new(big.Int).Add(Murmur3.Min, big.NewInt(1))
	cases := []struct {
		name   string
		tokens []*big.Int
		want   []string
	}{
		{"one token at zero", []*big.Int{tok(0)},
			[]string{"(-9223372036854775808, 0]", "(0, 9223372036854775807]"}},
		{"token at Min+1", []*big.Int{minPlus1, tok(100)},
			[]string{"(-9223372036854775808, -9223372036854775807]", "(-9223372036854775807, 100]",
				"(100, 9223372036854775807]"}},
		{"token at Max", []*big.Int{tok(-5), Murmur3.Max},
			[]string{"(-9223372036854775808, -5]", "(-5, 9223372036854775807]"}},
		{"token at Min", []*big.Int{Murmur3.Min, tok(7)},
			[]string{"(-9223372036854775808, 7]", "(7, 9223372036854775807]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := New(Murmur3, []Host{{ID: "a", Tokens: c.tokens}})
			if err != nil {
				t.Fatal(err)
			}
			ranges, err := r.Ranges(Replication{Strategy: SimpleStrategy, Factor: 1})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, rg := range ranges {
				got = append(got, rg.String())
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("ranges = %v, want %v", got, c.want)
			}
			checkCover(t, Murmur3, ranges)
			// One host owns everything, so a split of 1 is the whole ring as one unbounded range.
			if subs := Split(ranges, Murmur3, 1); len(subs) != 1 {
				t.Fatalf("Split(…, 1) on one host = %v, want the whole ring", subs)
			}
		})
	}
}

func TestNewRejectsBadRings(t *testing.T) {
	if _, err := New(Murmur3, nil); err == nil {
		t.Error("empty ring accepted")
	}
	if _, err := New(Murmur3, []Host{host("a", "", "", 5), host("b", "", "", 5)}); err == nil {
		t.Error("token owned twice accepted")
	}
	if _, err := New(Murmur3, []Host{host("a", "", "", 1), host("a", "", "", 2)}); err == nil {
		t.Error("duplicate host id accepted")
	}
	if _, err := New(Random, []Host{host("a", "", "", -7)}); err == nil {
		t.Error("token below RandomPartitioner's minimum accepted")
	}
}

func TestSimpleStrategyReplicas(t *testing.T) {
	hosts := []Host{host("a", "dc1", "r1", 0, 300), host("b", "dc1", "r1", 100), host("c", "dc1", "r1", 200)}
	r, err := New(Murmur3, hosts)
	if err != nil {
		t.Fatal(err)
	}
	ranges, err := r.Ranges(Replication{Strategy: SimpleStrategy, Factor: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"(-9223372036854775808, 0]":  {"a", "b"},
		"(0, 100]":                   {"b", "c"},
		"(100, 200]":                 {"c", "a"},
		"(200, 300]":                 {"a", "b"},
		"(300, 9223372036854775807]": {"a", "b"},
	}
	for _, rg := range ranges {
		if !reflect.DeepEqual(rg.Replicas, want[rg.String()]) {
			t.Errorf("%v replicas = %v, want %v", rg, rg.Replicas, want[rg.String()])
		}
	}
	// RF larger than the cluster: every host, once.
	ranges, _ = r.Ranges(Replication{Strategy: SimpleStrategy, Factor: 5})
	if got := sortedCopy(ranges[0].Replicas); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("RF 5 on 3 hosts: replicas %v", got)
	}
}

func TestNetworkTopologyStrategyReplicas(t *testing.T) {
	// Ring order: a1(dc1,r1)@0, b1(dc1,r1)@10, x1(dc2,r1)@20, c1(dc1,r2)@30, y1(dc2,r2)@40, d1(dc1,r2)@50
	hosts := []Host{
		host("a1", "dc1", "r1", 0), host("b1", "dc1", "r1", 10), host("c1", "dc1", "r2", 30),
		host("d1", "dc1", "r2", 50), host("x1", "dc2", "r1", 20), host("y1", "dc2", "r2", 40),
	}
	r, err := New(Murmur3, hosts)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		factors map[string]int
		end     int64 // the range ending at this token
		want    []string
	}{
		// From a1: a1 takes r1; b1 repeats r1 and is held; c1 brings r2, so dc1 is done with a1, c1.
		{"racks before repeats", map[string]int{"dc1": 2}, 0, []string{"a1", "c1"}},
		// RF 3: after c1 completes the racks, the held b1 comes next, before d1.
		{"held hosts fill in order", map[string]int{"dc1": 3}, 0, []string{"a1", "c1", "b1"}},
		{"two data centers", map[string]int{"dc1": 2, "dc2": 1}, 10, []string{"b1", "c1", "x1"}},
		{"dc2 only", map[string]int{"dc2": 2}, 30, []string{"y1", "x1"}},
		{"factor above DC size", map[string]int{"dc2": 5}, 0, []string{"x1", "y1"}},
		{"unknown DC ignored", map[string]int{"dc9": 3, "dc2": 1}, 50, []string{"x1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ranges, err := r.Ranges(Replication{Strategy: NetworkTopologyStrategy, DCFactors: c.factors})
			if err != nil {
				t.Fatal(err)
			}
			for _, rg := range ranges {
				if rg.End.Int64() == c.end {
					if !reflect.DeepEqual(sortedCopy(rg.Replicas), sortedCopy(c.want)) {
						t.Fatalf("%v replicas = %v, want %v", rg, rg.Replicas, c.want)
					}
					return
				}
			}
			t.Fatalf("no range ends at %d", c.end)
		})
	}
}

func TestParseReplication(t *testing.T) {
	cases := []struct {
		in      map[string]string
		want    Replication
		wantErr bool
	}{
		{map[string]string{"class": "org.apache.cassandra.locator.SimpleStrategy", "replication_factor": "3"},
			Replication{Strategy: SimpleStrategy, Class: "org.apache.cassandra.locator.SimpleStrategy", Factor: 3}, false},
		{map[string]string{"class": "org.apache.cassandra.locator.NetworkTopologyStrategy", "dc1": "3/1", "dc2": "2"},
			Replication{Strategy: NetworkTopologyStrategy, Class: "org.apache.cassandra.locator.NetworkTopologyStrategy",
				DCFactors: map[string]int{"dc1": 3, "dc2": 2}}, false},
		{map[string]string{"class": "org.apache.cassandra.locator.LocalStrategy"},
			Replication{Strategy: LocalStrategy, Class: "org.apache.cassandra.locator.LocalStrategy"}, false},
		{map[string]string{"class": "SimpleStrategy", "replication_factor": "x"}, Replication{}, true},
		{map[string]string{"class": "com.example.Everywhere"}, Replication{}, true},
	}
	for _, c := range cases {
		got, err := ParseReplication(c.in)
		if (err != nil) != c.wantErr {
			t.Fatalf("ParseReplication(%v) error = %v, wantErr %v", c.in, err, c.wantErr)
		}
		if !c.wantErr && !reflect.DeepEqual(got, c.want) {
			t.Fatalf("ParseReplication(%v) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

func TestPartitionerByName(t *testing.T) {
	if p, err := PartitionerByName("org.apache.cassandra.dht.Murmur3Partitioner"); err != nil || p != Murmur3 {
		t.Fatalf("Murmur3: %v %v", p, err)
	}
	if p, err := PartitionerByName("org.apache.cassandra.dht.RandomPartitioner"); err != nil || p != Random {
		t.Fatalf("Random: %v %v", p, err)
	}
	if _, err := PartitionerByName("org.apache.cassandra.dht.ByteOrderedPartitioner"); err == nil {
		t.Fatal("ByteOrderedPartitioner accepted")
	}
	if v := Murmur3.BindValue(tok(-3)); v != int64(-3) {
		t.Fatalf("Murmur3 binds %T %v", v, v)
	}
	if v, ok := Random.BindValue(tok(3)).(*big.Int); !ok || v.Int64() != 3 {
		t.Fatalf("Random binds %T %v", v, v)
	}
}

func TestSplitProportionalAndTargeted(t *testing.T) {
	r, _ := New(Murmur3, []Host{host("a", "", "", 0)})
	ranges, _ := r.Ranges(Replication{Strategy: SimpleStrategy, Factor: 1})
	for _, target := range []int{1, 7, 256, 4096} {
		subs := Split(ranges, Murmur3, target)
		if len(subs) != target {
			t.Errorf("target %d on a one-host ring gave %d sub-ranges", target, len(subs))
		}
		checkCover(t, Murmur3, subs)
	}
}
