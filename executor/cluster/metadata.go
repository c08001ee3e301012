package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
)

// Table implements planner.Catalog from system_schema.
func (c *Conn) Table(ctx context.Context, keyspace, name string) (*schema.Table, error) {
	var repl map[string]string
	err := retryMeta(ctx, func(int) error {
		return c.s.Query(`SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?`, keyspace).
			ScanContext(ctx, &repl)
	})
	if err == gocql.ErrNotFound {
		if c.virtual(ctx, keyspace) {
			return nil, fmt.Errorf("%w %q", planner.ErrVirtualKeyspace, keyspace)
		}
		return nil, fmt.Errorf("%w %q", planner.ErrUnknownKeyspace, keyspace)
	}
	if err != nil {
		return nil, fmt.Errorf("reading keyspace %q: %w", keyspace, err)
	}
	rep, err := ring.ParseReplication(repl)
	if err != nil {
		return nil, fmt.Errorf("keyspace %q: %w", keyspace, err)
	}
	t := &schema.Table{Keyspace: keyspace, Name: name, Replication: rep}
	err = retryMeta(ctx, func(int) error {
		iter := c.s.Query(`SELECT column_name, kind, position, type, clustering_order FROM system_schema.columns
			WHERE keyspace_name = ? AND table_name = ?`, keyspace, name).IterContext(ctx)
		t.Columns = t.Columns[:0]
		var col, kind, typ, order string
		var pos int
		for iter.Scan(&col, &kind, &pos, &typ, &order) {
			t.Columns = append(t.Columns, schema.Column{Name: col, Kind: schema.KindFromSchema(kind), Position: pos,
				Type: typ, Desc: order == "desc"})
		}
		return iter.Close()
	})
	if err != nil {
		return nil, fmt.Errorf("reading columns of %s.%s: %w", keyspace, name, err)
	}
	if len(t.Columns) == 0 {
		return nil, fmt.Errorf("%w %s.%s", planner.ErrUnknownTable, keyspace, name)
	}
	if len(t.PartitionKey()) == 0 {
		return nil, fmt.Errorf("%s.%s has no partition key in system_schema.columns", keyspace, name)
	}
	if t.UserTypes, err = c.userTypes(ctx, keyspace); err != nil {
		return nil, err
	}
	order := map[schema.ColumnKind]int{schema.PartitionKey: 0, schema.Clustering: 1, schema.Static: 2, schema.Regular: 3}
	sort.SliceStable(t.Columns, func(i, j int) bool {
		a, b := t.Columns[i], t.Columns[j]
		if order[a.Kind] != order[b.Kind] {
			return order[a.Kind] < order[b.Kind]
		}
		if a.Kind == schema.PartitionKey || a.Kind == schema.Clustering {
			return a.Position < b.Position
		}
		return a.Name < b.Name
	})
	return t, nil
}

// userTypes reads the keyspace's user-defined types from system_schema.types.
func (c *Conn) userTypes(ctx context.Context, keyspace string) (map[string]types.UserType, error) {
	out := map[string]types.UserType{}
	err := retryMeta(ctx, func(int) error {
		iter := c.s.Query(`SELECT type_name, field_names, field_types FROM system_schema.types
			WHERE keyspace_name = ?`, keyspace).IterContext(ctx)
		var (
			name           string
			fields, ftypes []string
		)
		for iter.Scan(&name, &fields, &ftypes) {
			out[name] = types.UserType{Fields: fields, Types: ftypes}
			fields, ftypes = nil, nil
		}
		return iter.Close()
	})
	if err != nil {
		return nil, fmt.Errorf("reading user types of %s: %w", keyspace, err)
	}
	return out, nil
}

// Ring implements planner.Catalog: it reads system.local and system.peers_v2 (system.peers on
// clusters before 4.0) from one host, so that both describe the same view of the ring. That host
// comes first in the ring's Hosts. A read that fails for a transient reason is tried again on the
// next host that is up.
func (c *Conn) Ring(ctx context.Context) (*ring.Ring, error) {
	var up []*gocql.HostInfo
	for _, h := range c.s.GetHosts() {
		if h.IsUp() {
			up = append(up, h)
		}
	}
	if len(up) == 0 {
		return nil, fmt.Errorf("no host is up to read the token ring from")
	}
	var r *ring.Ring
	err := retryMeta(ctx, func(attempt int) error {
		var err error
		r, err = c.ringVia(ctx, up[attempt%len(up)])
		return err
	})
	return r, err
}

// ringVia reads the ring as one host sees it.
func (c *Conn) ringVia(ctx context.Context, via *gocql.HostInfo) (*ring.Ring, error) {
	var (
		partitioner, id, dc, rack string
		addr                      net.IP
		tokens                    []string
	)
	err := c.s.Query(`SELECT partitioner, host_id, data_center, rack, rpc_address, tokens FROM system.local`).
		SetHostID(via.HostID()).ScanContext(ctx, &partitioner, &id, &dc, &rack, &addr, &tokens)
	if err != nil {
		return nil, fmt.Errorf("reading system.local on %s: %w", via.ConnectAddress(), err)
	}
	p, err := ring.PartitionerByName(partitioner)
	if err != nil {
		return nil, err
	}
	local, err := makeHost(p, id, net.JoinHostPort(addr.String(), strconv.Itoa(c.cfg.Port)), dc, rack, tokens)
	if err != nil {
		return nil, err
	}
	hosts := []ring.Host{local}
	peers, err := c.readPeers(ctx, p, via.HostID(), "SELECT host_id, native_address, native_port, data_center, rack, tokens FROM system.peers_v2", true)
	var re gocql.RequestError
	if errors.As(err, &re) && re.Code() == gocql.ErrCodeInvalid { // no peers_v2 before Cassandra 4.0
		peers, err = c.readPeers(ctx, p, via.HostID(), "SELECT host_id, rpc_address, data_center, rack, tokens FROM system.peers", false)
	}
	if err != nil {
		return nil, fmt.Errorf("reading peers on %s: %w", via.ConnectAddress(), err)
	}
	return ring.New(p, append(hosts, peers...))
}

func (c *Conn) readPeers(ctx context.Context, p *ring.Partitioner, via, stmt string, v2 bool) ([]ring.Host, error) {
	iter := c.s.Query(stmt).SetHostID(via).IterContext(ctx)
	var (
		id, dc, rack string
		addr         net.IP
		port         int
		tokens       []string
		out          []ring.Host
	)
	dest := []any{&id, &addr, &dc, &rack, &tokens}
	if v2 {
		dest = []any{&id, &addr, &port, &dc, &rack, &tokens}
	}
	for iter.Scan(dest...) {
		if !v2 || port == 0 {
			port = c.cfg.Port
		}
		h, err := makeHost(p, id, net.JoinHostPort(addr.String(), strconv.Itoa(port)), dc, rack, tokens)
		if err != nil {
			iter.Close()
			return nil, err
		}
		if len(h.Tokens) > 0 { // a joining node has no tokens yet
			out = append(out, h)
		}
	}
	if err := iter.Close(); err != nil {
		return nil, fmt.Errorf("%s: %w", stmt, err)
	}
	return out, nil
}

func makeHost(p *ring.Partitioner, id, addr, dc, rack string, tokens []string) (ring.Host, error) {
	h := ring.Host{ID: id, Addr: addr, DC: dc, Rack: rack}
	for _, s := range tokens {
		t, err := p.ParseToken(s)
		if err != nil {
			return h, fmt.Errorf("host %s: %w", addr, err)
		}
		h.Tokens = append(h.Tokens, t)
	}
	sort.Slice(h.Tokens, func(i, j int) bool { return h.Tokens[i].Cmp(h.Tokens[j]) < 0 })
	return h, nil
}

// KeyspaceExists reports whether a keyspace exists, virtual keyspaces included.
func (c *Conn) KeyspaceExists(ctx context.Context, name string) (bool, error) {
	var n string
	err := retryMeta(ctx, func(int) error {
		return c.s.Query(`SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?`, name).
			ScanContext(ctx, &n)
	})
	if err == gocql.ErrNotFound {
		return c.virtual(ctx, name), nil
	}
	return err == nil, err
}

// virtual reports whether keyspace is one of the node's virtual keyspaces (Cassandra 4.0 and later
// list them in system_virtual_schema; before, there are none).
func (c *Conn) virtual(ctx context.Context, keyspace string) bool {
	var n string
	return c.s.Query(`SELECT keyspace_name FROM system_virtual_schema.keyspaces WHERE keyspace_name = ?`, keyspace).
		ScanContext(ctx, &n) == nil
}
