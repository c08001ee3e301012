// Package cluster connects cqlscan to a Cassandra cluster with gocql. A Conn is both the planner's
// Catalog (schema and token ring, read from the system tables) and the executor's Querier (statements
// pinned to a chosen replica with Query.SetHostID).
package cluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/types"
)

// Connection failures. Every error Connect returns for an unreachable or refusing cluster wraps
// ErrConnect; ErrAuth and ErrUntrusted tell two causes users must fix themselves.
var (
	// ErrConnect marks a failure to reach the cluster at all.
	ErrConnect = errors.New("cannot connect")
	// ErrAuth marks a cluster that refused the user name and password.
	ErrAuth = errors.New("authentication failed")
	// ErrUntrusted marks a node whose TLS certificate is not signed by a trusted CA.
	ErrUntrusted = errors.New("the server's certificate is not trusted")
)

// Config says how to reach the cluster.
type Config struct {
	Hosts          []string // contact points
	Port           int
	Consistency    string // ONE, LOCAL_ONE, QUORUM, LOCAL_QUORUM, ALL, …
	ConnectTimeout time.Duration
	RequestTimeout time.Duration
	Username       string
	Password       string // never printed: see String
	// TLS, when set, encrypts client-to-node connections. Leave ServerName empty: each node's
	// certificate is then checked against the address dialled (an IP SAN for nodes known by address).
	// InsecureSkipVerify turns the check off.
	TLS *tls.Config
	// Keyspace is the default keyspace a configuration file asked for (cqlshrc [authentication]
	// keyspace), for the caller to USE when the command line names none. Connect ignores it.
	Keyspace string
	// Translate, when set, maps each node's address to the one to connect to (NAT, SSH tunnels, or a
	// test's fault-injecting proxy).
	Translate func(host string, port int) (string, int)
	// ProtoVersion, when set (3 to 5), is the native protocol version to speak; otherwise the
	// driver settles on the newest one both sides speak.
	ProtoVersion int
	// DriverLog, when set, receives the driver's own events (connections, host state, retries), a
	// line each.
	DriverLog io.Writer
}

// Conn is a connection to a cluster.
type Conn struct {
	s    *gocql.Session
	cfg  Config
	cons atomic.Uint32 // a gocql.Consistency set by SetConsistency; 0 (ANY, never a read level): the session's
	// serial is a gocql.Consistency set by SetSerialConsistency (SERIAL or LOCAL_SERIAL); 0: the driver's
	serial atomic.Uint32
	// estimates caches tables' size estimates for a while (see Estimates)
	estimates estimateCache
	log       *driverLog // the driver's events, with --debug; nil otherwise
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
	if cfg.TLS != nil {
		c.SslOpts = &gocql.SslOptions{Config: cfg.TLS, EnableHostVerification: !cfg.TLS.InsecureSkipVerify}
	}
	if cfg.ProtoVersion > 0 {
		c.ProtoVersion = cfg.ProtoVersion
	}
	var dlog *driverLog
	if cfg.DriverLog != nil {
		dlog = &driverLog{w: cfg.DriverLog}
		c.Logger = dlog
	}
	c.Metadata.CacheMode = gocql.Disabled
	if c.RegisteredTypes, err = newWireTypes(); err != nil {
		return nil, fmt.Errorf("cluster: registering types: %w", err)
	}
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
		if dlog != nil {
			dlog.stop()
		}
		return nil, connectError(cfg, err)
	}
	return &Conn{s: s, cfg: cfg, log: dlog}, nil
}

// connectError turns the driver's error into one line that says what to do, wrapping ErrConnect
// (and ErrAuth or ErrUntrusted). The driver flattens its causes into text, so the causes are told
// apart by their wording. The password never appears in the result, even if a server echoed it.
func connectError(cfg Config, err error) error {
	where := fmt.Sprintf("%s port %d", strings.Join(cfg.Hosts, ","), cfg.Port)
	msg := err.Error()
	if cfg.Password != "" {
		msg = strings.ReplaceAll(msg, cfg.Password, "********")
	}
	var unknownCA x509.UnknownAuthorityError
	var badHost x509.HostnameError
	switch {
	case strings.Contains(msg, "password are incorrect") || strings.Contains(msg, "Bad credentials"):
		return fmt.Errorf("%w to %s: %w for user %q: check the user name and password (-u, -p, or the credentials file)",
			ErrConnect, where, ErrAuth, cfg.Username)
	case strings.Contains(msg, "authentication required"):
		return fmt.Errorf("%w to %s: the cluster requires a user name and password: give -u USER (and -p, or a credentials file)",
			ErrConnect, where)
	case errors.As(err, &unknownCA) || strings.Contains(msg, "certificate signed by unknown authority"):
		return fmt.Errorf("%w to %s: %w (signed by an unknown authority): give the CA certificate that signed it with --ssl-ca (cqlshrc [ssl] certfile, or SSL_CERTFILE)",
			ErrConnect, where, ErrUntrusted)
	case errors.As(err, &badHost) || strings.Contains(msg, "certificate is valid for"):
		return fmt.Errorf("%w to %s: the server's certificate does not name the address connected to (%s): reissue it with that address as a SAN, or use --ssl-no-validate",
			ErrConnect, where, msg)
	case strings.Contains(msg, "tls: certificate required"):
		return fmt.Errorf("%w to %s: the node requires a client certificate: give --ssl-cert and --ssl-key (cqlshrc [ssl] usercert and userkey)",
			ErrConnect, where)
	case strings.Contains(msg, "remote error: tls: bad certificate") || strings.Contains(msg, "remote error: tls: unknown certificate authority"):
		return fmt.Errorf("%w to %s: the node does not trust the client certificate (--ssl-cert, cqlshrc [ssl] usercert): %s",
			ErrConnect, where, msg)
	case cfg.TLS != nil && strings.Contains(msg, "does not look like a TLS handshake"):
		return fmt.Errorf("%w to %s: the node does not speak TLS on this port: drop --ssl (and cqlshrc [connection] ssl)", ErrConnect, where)
	case cfg.TLS == nil && hungUp(msg):
		return fmt.Errorf("%w to %s: %s (if the node only accepts TLS, add --ssl)", ErrConnect, where, msg)
	case cfg.TLS != nil && len(cfg.TLS.Certificates) == 0 && hungUp(msg):
		// With TLS 1.3 the node's refusal of a missing client certificate may reach the driver
		// only as a closed connection.
		return fmt.Errorf("%w to %s: %s (if the node requires a client certificate, give --ssl-cert and --ssl-key)",
			ErrConnect, where, msg)
	}
	return fmt.Errorf("%w to %s: %s", ErrConnect, where, msg)
}

// hungUp tells the driver's wordings for a node that closed the connection without a reply.
func hungUp(msg string) bool {
	for _, s := range []string{"connection reset", "EOF", "broken pipe", "no response to connection startup"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// String describes the configuration without its password, so that printing a Config (%v, %+v,
// %s or %#v) never reveals it.
func (c Config) String() string {
	pw := ""
	if c.Password != "" {
		pw = "(hidden)"
	}
	return fmt.Sprintf("{Hosts:%v Port:%d Consistency:%s ConnectTimeout:%v RequestTimeout:%v Username:%q Password:%s TLS:%t Keyspace:%q}",
		c.Hosts, c.Port, c.Consistency, c.ConnectTimeout, c.RequestTimeout, c.Username, pw, c.TLS != nil, c.Keyspace)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return "cluster.Config" + c.String() }

// Close closes the session.
func (c *Conn) Close() {
	c.s.Close()
	if c.log != nil {
		c.log.stop()
	}
}

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
	q := c.withConsistency(c.s.Query(req.Stmt, req.Args...)).SetHostID(req.HostID).PageSize(req.PageSize).PageState(req.PageState)
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
// wireValue, which decodes the column's bytes itself so that NULL comes back as nil rather than as a
// zero value, however deep. The session's types (newWireTypes) keep the driver from spreading a tuple
// column over several destinations.
func scanRows(iter *gocql.Iter, limit int) ([]executor.Row, error) {
	cols := iter.Columns()
	if limit == 0 || len(cols) == 0 {
		return nil, nil
	}
	vals := make([]wireValue, len(cols))
	dest := make([]any, len(cols))
	for i, c := range cols {
		if _, ok := c.TypeInfo.(gocql.TupleTypeInfo); ok {
			return nil, fmt.Errorf("column %s: the session reads tuples with the driver's own types, which hide NULL tuples", c.Name)
		}
		dest[i] = &vals[i]
	}
	var rows []executor.Row
	for i := 0; (limit < 0 || i < limit) && iter.Scan(dest...); i++ {
		row := make(executor.Row, len(cols))
		for j := range vals {
			row[j] = vals[j].v
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// Exec runs a statement on any host and returns its columns and rows (all pages), values in the
// canonical forms of package types, and Cassandra's warnings, each once. It is used for statements
// cqlscan passes through to Cassandra.
func (c *Conn) Exec(ctx context.Context, stmt, keyspace string) (executor.Result, error) {
	return c.exec(ctx, c.asWritten(stmt, keyspace))
}

// asWritten is the query Exec sends: stmt at the session's consistency levels, in keyspace.
func (c *Conn) asWritten(stmt, keyspace string) *gocql.Query {
	q := c.withConsistency(c.s.Query(stmt))
	if keyspace != "" {
		q = q.SetKeyspace(keyspace)
	}
	return q
}

// exec runs q and returns its columns, rows and warnings.
func (c *Conn) exec(ctx context.Context, q *gocql.Query) (executor.Result, error) {
	iter := q.IterContext(ctx)
	var res executor.Result
	for _, ci := range iter.Columns() {
		res.Columns = append(res.Columns, planner.OutputColumn{Name: ci.Name, Type: typeOf(ci.TypeInfo)})
	}
	res.Warnings = addWarnings(res.Warnings, iter.Warnings()) // the first page's
	rows, err := scanRows(iter, -1)
	res.Warnings = addWarnings(res.Warnings, iter.Warnings()) // the last page's
	if cerr := iter.Close(); cerr != nil {
		return executor.Result{}, cerr
	}
	if err != nil {
		return executor.Result{}, err
	}
	cols := res.Columns
	for _, row := range rows {
		for i, v := range row {
			if row[i], err = types.Normalize(cols[i].Type, v); err != nil {
				return executor.Result{}, fmt.Errorf("column %s: %w", cols[i].Name, err)
			}
		}
	}
	res.Rows = rows
	return res, nil
}

// addWarnings appends the warnings of ws not already in to.
func addWarnings(to, ws []string) []string {
	for _, w := range ws {
		if !slices.Contains(to, w) {
			to = append(to, w)
		}
	}
	return to
}
