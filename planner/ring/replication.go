package ring

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Strategy is a keyspace's replica placement strategy.
type Strategy int

// The replication strategies cqlscan understands.
const (
	SimpleStrategy Strategy = iota + 1
	NetworkTopologyStrategy
	LocalStrategy
)

// Replication is a keyspace's replication setting.
type Replication struct {
	Strategy Strategy
	// Class is the strategy class as the schema names it.
	Class string
	// Factor is SimpleStrategy's replication factor.
	Factor int
	// DCFactors is NetworkTopologyStrategy's replication factor per data center.
	DCFactors map[string]int
}

// ParseReplication reads the replication map of system_schema.keyspaces.
func ParseReplication(m map[string]string) (Replication, error) {
	class := m["class"]
	rep := Replication{Class: class}
	switch class[strings.LastIndex(class, ".")+1:] {
	case "SimpleStrategy":
		rep.Strategy = SimpleStrategy
		f, err := parseFactor(m["replication_factor"])
		if err != nil {
			return rep, fmt.Errorf("SimpleStrategy replication_factor: %w", err)
		}
		rep.Factor = f
	case "NetworkTopologyStrategy":
		rep.Strategy = NetworkTopologyStrategy
		rep.DCFactors = map[string]int{}
		for k, v := range m {
			if k == "class" {
				continue
			}
			f, err := parseFactor(v)
			if err != nil {
				return rep, fmt.Errorf("NetworkTopologyStrategy factor for %q: %w", k, err)
			}
			rep.DCFactors[k] = f
		}
	case "LocalStrategy":
		rep.Strategy = LocalStrategy
	default:
		return rep, fmt.Errorf("unsupported replication strategy %q", class)
	}
	return rep, nil
}

// parseFactor reads a replication factor, including the "3/1" form of transient replication, where
// the first number is the total number of replicas.
func parseFactor(s string) (int, error) {
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[:i]
	}
	f, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || f < 0 {
		return 0, fmt.Errorf("%q is not a replication factor", s)
	}
	return f, nil
}

// simpleReplicas walks the ring clockwise from owners[i], taking the first rf distinct hosts.
func (r *Ring) simpleReplicas(i, rf int) []string {
	if rf > len(r.Hosts) {
		rf = len(r.Hosts)
	}
	var out []string
	seen := map[string]bool{}
	for k := 0; k < len(r.owners) && len(out) < rf; k++ {
		h := r.owners[(i+k)%len(r.owners)].host
		if !seen[h.ID] {
			seen[h.ID] = true
			out = append(out, h.ID)
		}
	}
	return out
}

// dcPlacement tracks NetworkTopologyStrategy's walk in one data center: it prefers hosts on racks it
// has not used yet, and holds hosts on repeated racks back until every rack of the DC has a replica.
type dcPlacement struct {
	want      int
	racks     int
	replicas  []string
	chosen    map[string]bool
	racksSeen map[string]bool
	held      []string
	isHeld    map[string]bool
}

func (d *dcPlacement) done() bool { return len(d.replicas) >= d.want }

func (d *dcPlacement) add(id string) {
	d.replicas = append(d.replicas, id)
	d.chosen[id] = true
}

func (d *dcPlacement) offer(h *Host) {
	if d.done() || d.chosen[h.ID] {
		return
	}
	switch {
	case len(d.racksSeen) == d.racks:
		d.add(h.ID)
	case !d.racksSeen[h.Rack]:
		d.racksSeen[h.Rack] = true
		d.add(h.ID)
		if len(d.racksSeen) == d.racks {
			for _, id := range d.held {
				if d.done() {
					break
				}
				if !d.chosen[id] {
					d.add(id)
				}
			}
		}
	case !d.isHeld[h.ID]:
		d.isHeld[h.ID] = true
		d.held = append(d.held, h.ID)
	}
}

// ntsReplicas places replicas per data center as NetworkTopologyStrategy does.
func (r *Ring) ntsReplicas(i int, factors map[string]int) []string {
	hostsInDC := map[string]int{}
	racksInDC := map[string]map[string]bool{}
	for _, h := range r.Hosts {
		hostsInDC[h.DC]++
		if racksInDC[h.DC] == nil {
			racksInDC[h.DC] = map[string]bool{}
		}
		racksInDC[h.DC][h.Rack] = true
	}
	dcs := map[string]*dcPlacement{}
	for dc, rf := range factors {
		want := rf
		if hostsInDC[dc] < want {
			want = hostsInDC[dc]
		}
		if want == 0 {
			continue
		}
		dcs[dc] = &dcPlacement{want: want, racks: len(racksInDC[dc]), chosen: map[string]bool{},
			racksSeen: map[string]bool{}, isHeld: map[string]bool{}}
	}
	for k := 0; k < len(r.owners); k++ {
		h := r.owners[(i+k)%len(r.owners)].host
		if d := dcs[h.DC]; d != nil {
			d.offer(h)
		}
	}
	names := make([]string, 0, len(dcs))
	for dc := range dcs {
		names = append(names, dc)
	}
	sort.Strings(names)
	var out []string
	for _, dc := range names {
		out = append(out, dcs[dc].replicas...)
	}
	return out
}
