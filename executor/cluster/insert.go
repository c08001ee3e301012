package cluster

import (
	"context"
	"fmt"
	"math/big"
	"net"
	"strings"
	"sync/atomic"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/planner/types"
)

// InsertFunc inserts one row: values in the canonical forms of package types (nil for NULL), one
// for each column the insert was prepared with.
type InsertFunc func(ctx context.Context, values []any) error

// PrepareInsert returns a function that runs INSERT INTO keyspace.table (columns) VALUES (?, …)
// [USING TTL ttl] for one row at a time, with bound values (the driver prepares the statement once),
// at the session's consistency level. Each row goes to a replica of its partition, in turn: the
// partition key's token is computed here (Murmur3, as Cassandra does) and looked up in the token
// ring, and the query is pinned to that host. On other partitioners any node coordinates. The
// function is safe for concurrent use; its errors are *executor.QueryError, classified for retries
// (or the context's error). A ttl below 0 means none.
func (c *Conn) PrepareInsert(ctx context.Context, keyspace, table string, columns []string, ttl int) (InsertFunc, error) {
	t, err := c.Table(ctx, keyspace, table)
	if err != nil {
		return nil, err
	}
	colTypes := make([]types.Type, len(columns))
	quoted := make([]string, len(columns))
	for i, name := range columns {
		col := t.Column(name)
		if col == nil {
			return nil, fmt.Errorf("%w: %s.%s has no column %q", planner.ErrUnknownColumn, keyspace, table, name)
		}
		if colTypes[i], err = types.ParseWith(col.Type, t.UserTypes); err != nil {
			return nil, fmt.Errorf("column %s: %w", name, err)
		}
		quoted[i] = parser.QuoteIdent(name)
	}
	stmt := fmt.Sprintf("INSERT INTO %s.%s (%s) VALUES (%s)", parser.QuoteIdent(keyspace), parser.QuoteIdent(table),
		strings.Join(quoted, ", "), strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", "))
	order := identity(len(columns)) // which value each ? takes
	counters := counterUpdate(t, columns, colTypes)
	if counters != nil {
		if ttl >= 0 {
			return nil, fmt.Errorf("%s.%s is a counter table: counters take no TTL", keyspace, table)
		}
		stmt, order = counters.stmt, counters.order
	} else if ttl >= 0 {
		stmt += fmt.Sprintf(" USING TTL %d", ttl)
	}
	route, err := c.router(ctx, t, columns)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, values []any) error {
		if len(values) != len(columns) {
			return fmt.Errorf("%d values for %d columns", len(values), len(columns))
		}
		args := make([]any, len(values))
		for i, v := range values {
			if v == nil && counters != nil && colTypes[i].Kind == types.Counter {
				return &executor.QueryError{Kind: executor.Fatal, Err: fmt.Errorf("column %s: a counter cannot be NULL", columns[i])}
			}
			var err error
			if args[i], err = driverValue(colTypes[i], v); err != nil {
				return &executor.QueryError{Kind: executor.Fatal, Err: fmt.Errorf("column %s: %w", columns[i], err)}
			}
		}
		bound := make([]any, len(order))
		for i, j := range order {
			bound[i] = args[j]
		}
		// A counter update adds: run twice it adds twice, so the driver must not retry it.
		q := c.withConsistency(c.s.Query(stmt, bound...)).Idempotent(counters == nil)
		if route != nil {
			host, err := route(args)
			if err != nil {
				return &executor.QueryError{Kind: executor.Fatal, Err: err}
			}
			q = q.SetHostID(host)
		}
		if err := q.ExecContext(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return &executor.QueryError{Kind: failureKind(err), Err: err}
		}
		return nil
	}, nil
}

// counterStatement is how rows of a counter table are written: an UPDATE adding each counter value
// (as cqlsh's COPY FROM does), its ? taking the values at order.
type counterStatement struct {
	stmt  string
	order []int
}

// counterUpdate is the UPDATE for a counter table's rows, nil for other tables.
func counterUpdate(t *schema.Table, columns []string, colTypes []types.Type) *counterStatement {
	var sets, keys []string
	var setOrder, keyOrder []int
	for i, name := range columns {
		q := parser.QuoteIdent(name)
		if colTypes[i].Kind == types.Counter {
			sets, setOrder = append(sets, q+" = "+q+" + ?"), append(setOrder, i)
		} else {
			keys, keyOrder = append(keys, q+" = ?"), append(keyOrder, i)
		}
	}
	if len(sets) == 0 {
		return nil
	}
	return &counterStatement{
		stmt: fmt.Sprintf("UPDATE %s.%s SET %s WHERE %s", parser.QuoteIdent(t.Keyspace), parser.QuoteIdent(t.Name),
			strings.Join(sets, ", "), strings.Join(keys, " AND ")),
		order: append(setOrder, keyOrder...),
	}
}

func identity(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// router returns a function that names a replica of the row whose driver values are given, or nil
// when rows cannot be routed here (a partitioner other than Murmur3, a node-local keyspace).
func (c *Conn) router(ctx context.Context, t *schema.Table, columns []string) (func(args []any) (string, error), error) {
	r, err := c.Ring(ctx)
	if err != nil {
		return nil, err
	}
	if r.Partitioner != ring.Murmur3 {
		return nil, nil
	}
	ranges, err := r.Ranges(t.Replication)
	if err != nil {
		return nil, nil
	}
	pk := t.PartitionKey()
	at := make([]int, len(pk))
	names := make([]string, len(pk))
	for i, col := range pk {
		at[i] = -1
		for j, name := range columns {
			if name == col.Name {
				at[i] = j
			}
		}
		if at[i] < 0 {
			return nil, fmt.Errorf("partition key column %s is missing from the columns inserted", col.Name)
		}
		names[i] = parser.QuoteIdent(col.Name)
	}
	// The key's wire types, from the metadata of a query that reads no row.
	stmt := fmt.Sprintf("SELECT %s FROM %s.%s WHERE %s > %s", strings.Join(names, ", "),
		parser.QuoteIdent(t.Keyspace), parser.QuoteIdent(t.Name), planner.TokenCall(t), ring.Murmur3.Max)
	var infos []gocql.TypeInfo
	err = retryMeta(ctx, func(int) error {
		iter := c.s.Query(stmt).IterContext(ctx)
		cols := iter.Columns()
		if err := iter.Close(); err != nil {
			return err
		}
		infos = infos[:0]
		for _, ci := range cols {
			infos = append(infos, ci.TypeInfo)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the partition key's types of %s.%s: %w", t.Keyspace, t.Name, err)
	}
	if len(infos) != len(pk) {
		return nil, fmt.Errorf("Cassandra described %d partition key columns of %s.%s, the schema %d", len(infos), t.Keyspace, t.Name, len(pk))
	}
	var turn atomic.Uint64
	return func(args []any) (string, error) {
		key, err := routingKey(infos, at, args)
		if err != nil {
			return "", err
		}
		reps := ring.ReplicasOf(ranges, ring.Murmur3Token(key))
		if len(reps) == 0 {
			return "", fmt.Errorf("no replica owns the row's token")
		}
		return reps[turn.Add(1)%uint64(len(reps))], nil
	}, nil
}

// routingKey serializes the partition key as Cassandra hashes it: one column's bytes, or for a
// composite key each column's as a 2-byte length, the bytes and a zero byte.
func routingKey(infos []gocql.TypeInfo, at []int, args []any) ([]byte, error) {
	if len(at) == 1 {
		b, err := gocql.Marshal(infos[0], args[at[0]])
		if err != nil {
			return nil, err
		}
		if b == nil {
			return nil, fmt.Errorf("the partition key cannot be NULL")
		}
		return b, nil
	}
	var key []byte
	for i, j := range at {
		b, err := gocql.Marshal(infos[i], args[j])
		if err != nil {
			return nil, err
		}
		if b == nil {
			return nil, fmt.Errorf("the partition key cannot be NULL")
		}
		key = append(key, byte(len(b)>>8), byte(len(b)))
		key = append(key, b...)
		key = append(key, 0)
	}
	return key, nil
}

// null is NULL as the driver marshals it for every type (a nil pointer), user types included,
// which refuse an untyped nil.
var null = (*struct{})(nil)

// driverValue converts a canonical value to the Go form the driver marshals for its type.
func driverValue(t types.Type, v any) (any, error) {
	if v == nil {
		return null, nil
	}
	switch x := v.(type) {
	case int64:
		switch t.Kind {
		case types.TinyInt:
			return int8(x), nil
		case types.SmallInt:
			return int16(x), nil
		case types.Int:
			return int32(x), nil
		}
		return x, nil
	case float64:
		if t.Kind == types.Float {
			return float32(x), nil
		}
		return x, nil
	case types.UUIDValue:
		return gocql.UUID(x), nil
	case types.DurationValue:
		return gocql.Duration{Months: x.Months, Days: x.Days, Nanoseconds: x.Nanos}, nil
	case time.Time, time.Duration, net.IP, string, bool, []byte, *big.Int:
		return x, nil
	case types.Empty:
		return []byte{}, nil
	case []types.MapEntry:
		m := make(map[any]any, len(x))
		for _, e := range x {
			k, err := driverValue(t.Part(0), e.Key)
			if err != nil {
				return nil, err
			}
			if b, ok := k.([]byte); ok {
				k = string(b)
			}
			if !hashable(k) {
				return nil, fmt.Errorf("maps keyed by %s cannot be inserted", t.Part(0))
			}
			if m[k], err = driverValue(t.Part(1), e.Value); err != nil {
				return nil, err
			}
		}
		return m, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			if e == nil && t.Kind == types.Tuple {
				continue // the driver writes a tuple's NULL field for an untyped nil only
			}
			var err error
			if out[i], err = driverValue(t.Part(i), e); err != nil {
				return nil, err
			}
		}
		if t.Kind == types.UDT {
			m := make(map[string]any, len(out))
			for i, f := range t.Field {
				if i < len(out) {
					m[f] = out[i]
				}
			}
			return m, nil
		}
		return out, nil
	}
	return v, nil
}

func hashable(k any) bool {
	switch k.(type) {
	case []any, map[any]any, map[string]any:
		return false
	}
	return true
}
