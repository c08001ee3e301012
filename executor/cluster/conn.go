// Package cluster connects cqlscan to a Cassandra cluster with gocql. A Conn is both the planner's
// Catalog (schema and token ring, read from the system tables) and the executor's Querier (statements
// pinned to a chosen replica with Query.SetHostID).
package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/planner"
)

// ErrConnect marks a failure to reach the cluster at all.
var ErrConnect = errors.New("cannot connect")

// Config says how to reach the cluster.
type Config struct {
	Hosts          []string // contact points
	Port           int
	Consistency    string // ONE, LOCAL_ONE, QUORUM, LOCAL_QUORUM, ALL, …
	ConnectTimeout time.Duration
	RequestTimeout time.Duration
	Username       string
	Password       string
	// Translate, when set, maps each node's address to the one to connect to (NAT, SSH tunnels, or a
	// test's fault-injecting proxy).
	Translate func(host string, port int) (string, int)
}

// Conn is a connection to a cluster.
type Conn struct {
	s   *gocql.Session
	cfg Config
}

var (
	_ planner.Catalog  = (*Conn)(nil)
	_ executor.Querier = (*Conn)(nil)
)

// Connect opens a session. Errors wrap ErrConnect.
func Connect(cfg Config) (*Conn, error) {
	if cfg.Port == 0 {
		cfg.Port = 9042
	}
	if cfg.Consistency == "" {
		cfg.Consistency = "LOCAL_ONE"
	}
	cons, err := gocql.ParseConsistencyWrapper(cfg.Consistency)
	if err != nil {
		return nil, fmt.Errorf("consistency %q: use ONE, LOCAL_ONE, QUORUM, LOCAL_QUORUM or ALL", cfg.Consistency)
	}
	c := gocql.NewCluster(cfg.Hosts...)
	c.Port = cfg.Port
	c.Consistency = cons
	if cfg.ConnectTimeout > 0 {
		c.ConnectTimeout = cfg.ConnectTimeout
	}
	if cfg.RequestTimeout > 0 {
		c.Timeout = cfg.RequestTimeout
	}
	if cfg.Username != "" {
		c.Authenticator = gocql.PasswordAuthenticator{Username: cfg.Username, Password: cfg.Password}
	}
	c.Metadata.CacheMode = gocql.Disabled
	if cfg.Translate != nil {
		c.AddressTranslator = gocql.AddressTranslatorFunc(func(addr net.IP, port int) (net.IP, int) {
			h, p := cfg.Translate(addr.String(), port)
			if ip := net.ParseIP(h); ip != nil {
				return ip, p
			}
			return addr, port
		})
	}
	s, err := c.CreateSession()
	if err != nil {
		return nil, fmt.Errorf("%w to %s port %d: %v", ErrConnect, strings.Join(cfg.Hosts, ","), cfg.Port, err)
	}
	return &Conn{s: s, cfg: cfg}, nil
}

// Close closes the session.
func (c *Conn) Close() { c.s.Close() }

// HostNames maps the host ids the driver knows to host:port addresses.
func (c *Conn) HostNames() map[string]string {
	out := map[string]string{}
	for _, h := range c.s.GetHosts() {
		out[h.HostID()] = net.JoinHostPort(h.ConnectAddress().String(), strconv.Itoa(h.Port()))
	}
	return out
}

// QueryPage implements executor.Querier: one page of stmt, run on req.HostID. Setting the page state
// (even to nil) turns off gocql's automatic paging, so no next page is prefetched behind our back:
// the executor decides when, where and whether to ask for it. The query is not marked idempotent,
// so gocql does not retry it either: retries are the executor's, from the last completed page.
// Errors are *executor.QueryError, classified for the executor's retry policy.
func (c *Conn) QueryPage(ctx context.Context, req executor.PageRequest) (executor.Page, error) {
	q := c.s.Query(req.Stmt, req.Args...).SetHostID(req.HostID).PageSize(req.PageSize).PageState(req.PageState)
	iter := q.IterContext(ctx)
	rows, err := scanRows(iter, iter.NumRows())
	if cerr := iter.Close(); cerr != nil {
		return executor.Page{}, &executor.QueryError{Kind: failureKind(cerr), Err: cerr}
	}
	if err != nil {
		return executor.Page{}, &executor.QueryError{Kind: executor.Fatal, Err: err}
	}
	return executor.Page{Rows: rows, Next: nonEmpty(iter.PageState())}, nil
}

func nonEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// scanRows decodes up to limit rows (all of them when limit < 0). Each column is scanned into a
// destination from newDest, so that NULL comes back as nil rather than as a zero value; a tuple column,
// which gocql spreads over one destination per element, comes back as one []any.
func scanRows(iter *gocql.Iter, limit int) ([]executor.Row, error) {
	cols := iter.Columns()
	if limit == 0 || len(cols) == 0 {
		return nil, nil
	}
	var dest []any
	tupleWidth := make([]int, len(cols)) // a tuple column's element count; 0 for other columns
	for i, c := range cols {
		if tt, ok := c.TypeInfo.(gocql.TupleTypeInfo); ok {
			for _, e := range tt.Elems {
				dest = append(dest, newDest(e))
			}
			tupleWidth[i] = len(tt.Elems)
			continue
		}
		dest = append(dest, newDest(c.TypeInfo))
	}
	var rows []executor.Row
	for i := 0; (limit < 0 || i < limit) && iter.Scan(dest...); i++ {
		row := make(executor.Row, len(cols))
		d := 0
		for j, w := range tupleWidth {
			if w == 0 {
				row[j] = destValue(dest[d])
				d++
				continue
			}
			tuple := make([]any, w)
			for k := range tuple {
				tuple[k] = destValue(dest[d])
				d++
			}
			row[j] = tuple
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// Exec runs a statement on any host and returns its column names and rows (all pages). It is used
// for statements cqlscan passes through to Cassandra.
func (c *Conn) Exec(ctx context.Context, stmt, keyspace string) ([]string, []executor.Row, error) {
	q := c.s.Query(stmt)
	if keyspace != "" {
		q = q.SetKeyspace(keyspace)
	}
	iter := q.IterContext(ctx)
	var cols []string
	for _, ci := range iter.Columns() {
		cols = append(cols, ci.Name)
	}
	rows, err := scanRows(iter, -1)
	if cerr := iter.Close(); cerr != nil {
		return nil, nil, cerr
	}
	return cols, rows, err
}
