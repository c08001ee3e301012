package ring

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"sort"
	"strings"
)

// ErrLocalStrategy is returned for keyspaces whose data is local to each node (system,
// system_schema, …): they have no replicated token ring, and are read from a single node.
var ErrLocalStrategy = fmt.Errorf("keyspace uses LocalStrategy: its data is node-local, with no token ring to scan")

// Host is a node of the ring as the system tables describe it.
type Host struct {
	// ID is the node's host_id, the identifier drivers route by.
	ID string
	// Addr is the node's native-protocol address (host or host:port).
	Addr string
	// DC and Rack place the node for NetworkTopologyStrategy.
	DC, Rack string
	// Tokens are the node's tokens.
	Tokens []*big.Int
}

// Ring is a cluster's token ring: which host owns which token.
type Ring struct {
	Partitioner *Partitioner
	Hosts       []Host
	// owners is every token of every host, sorted by token.
	owners []owner
	byID   map[string]*Host
}

type owner struct {
	token *big.Int
	host  *Host
}

// New builds a ring and checks it: at least one token, no token owned twice.
func New(p *Partitioner, hosts []Host) (*Ring, error) {
	r := &Ring{Partitioner: p, Hosts: append([]Host(nil), hosts...), byID: map[string]*Host{}}
	for i := range r.Hosts {
		h := &r.Hosts[i]
		if _, dup := r.byID[h.ID]; dup {
			return nil, fmt.Errorf("ring: host id %s appears twice", h.ID)
		}
		r.byID[h.ID] = h
		for _, t := range h.Tokens {
			if t.Cmp(p.Min) < 0 || t.Cmp(p.Max) > 0 {
				return nil, fmt.Errorf("ring: host %s has token %s outside the %s range", h.Addr, t, p.Name)
			}
			r.owners = append(r.owners, owner{token: t, host: h})
		}
	}
	if len(r.owners) == 0 {
		return nil, fmt.Errorf("ring: no host owns any token (is the cluster still starting?)")
	}
	sort.Slice(r.owners, func(i, j int) bool { return r.owners[i].token.Cmp(r.owners[j].token) < 0 })
	for i := 1; i < len(r.owners); i++ {
		if r.owners[i].token.Cmp(r.owners[i-1].token) == 0 {
			return nil, fmt.Errorf("ring: token %s is owned by both %s and %s",
				r.owners[i].token, r.owners[i-1].host.Addr, r.owners[i].host.Addr)
		}
	}
	return r, nil
}

// Host returns the host with the given id, or nil.
func (r *Ring) Host(id string) *Host { return r.byID[id] }

// Range is a token range (Start, End] and the ids of the hosts that hold its data. Start equal to the
// partitioner's Min means "no lower bound", End equal to Max means "no upper bound".
type Range struct {
	Start, End *big.Int
	Replicas   []string
}

// String prints the range as (start, end].
func (r Range) String() string { return fmt.Sprintf("(%s, %s]", r.Start, r.End) }

// Ranges returns the ring's ranges in token order, each with its replicas under rep. The wrap-around
// range (last, first] is unwrapped into (last, Max] and (Min, first], so every range has Start < End
// and together they cover (Min, Max] exactly once.
func (r *Ring) Ranges(rep Replication) ([]Range, error) {
	p := r.Partitioner
	n := len(r.owners)
	var out []Range
	var tail *Range // (last, Max], which sorts after every other range
	for i := 0; i < n; i++ {
		replicas, err := r.replicas(i, rep)
		if err != nil {
			return nil, err
		}
		end := r.owners[i].token
		if i > 0 {
			out = append(out, Range{Start: r.owners[i-1].token, End: end, Replicas: replicas})
			continue
		}
		// The first token owns the wrap-around range (owners[n-1], owners[0]].
		if end.Cmp(p.Min) > 0 {
			out = append(out, Range{Start: p.Min, End: end, Replicas: replicas})
		}
		if last := r.owners[n-1].token; last.Cmp(p.Max) < 0 {
			tail = &Range{Start: last, End: p.Max, Replicas: replicas}
		}
	}
	if tail != nil {
		out = append(out, *tail)
	}
	return out, nil
}

// replicas computes the replica host ids of the range ending at owners[i].
func (r *Ring) replicas(i int, rep Replication) ([]string, error) {
	switch rep.Strategy {
	case SimpleStrategy:
		return r.simpleReplicas(i, rep.Factor), nil
	case NetworkTopologyStrategy:
		return r.ntsReplicas(i, rep.DCFactors), nil
	case LocalStrategy:
		return nil, ErrLocalStrategy
	}
	return nil, fmt.Errorf("ring: unsupported replication strategy %q", rep.Class)
}

// sameReplicas reports whether two replica lists hold the same hosts.
func sameReplicas(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	return strings.Join(sortedCopy(a), ",") == strings.Join(sortedCopy(b), ",")
}

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

// Fingerprint summarises the ring, its partitioner and every host's tokens, independent of host
// order: two reads of an unchanged ring give the same fingerprint.
func (r *Ring) Fingerprint() string {
	var toks []string
	for _, h := range r.Hosts {
		for _, t := range h.Tokens {
			toks = append(toks, t.String())
		}
	}
	sort.Strings(toks)
	sum := sha256.New()
	fmt.Fprintln(sum, r.Partitioner.Name)
	for _, t := range toks {
		fmt.Fprintln(sum, t)
	}
	return hex.EncodeToString(sum.Sum(nil))[:16]
}
