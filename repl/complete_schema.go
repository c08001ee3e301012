package repl

import (
	"context"
	"sort"
	"sync"
	"time"
)

// schemaCache holds the keyspaces, tables and columns completion offers. It is filled and refreshed
// in the background, so the prompt never waits for the cluster: until the first refresh ends,
// completion offers keywords only.
type schemaCache struct {
	mu      sync.Mutex
	columns map[string]map[string][]column // keyspace → table → columns in schema order
	busy    bool
}

// column is a table's column as completion shows it: its name, and its type and kind beside it.
type column struct{ name, kind, typ string }

// refresh re-reads the schema in the background unless a refresh is already running.
func (c *schemaCache) refresh(cl Cluster) {
	c.mu.Lock()
	if c.busy {
		c.mu.Unlock()
		return
	}
	c.busy = true
	c.mu.Unlock()
	go func() {
		next, err := readSchema(cl)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.busy = false
		if err == nil {
			c.columns = next
		}
	}()
}

// readSchema reads every keyspace, table and column from system_schema.
func readSchema(cl Cluster) (map[string]map[string][]column, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	kss, err := cl.Exec(ctx, "SELECT keyspace_name FROM system_schema.keyspaces", "")
	if err != nil {
		return nil, err
	}
	next := map[string]map[string][]column{}
	for _, r := range kss.Rows {
		next[text(r, 0)] = map[string][]column{}
	}
	res, err := cl.Exec(ctx, "SELECT keyspace_name, table_name, column_name, kind, position, type FROM system_schema.columns", "")
	if err != nil {
		return nil, err
	}
	rows := res.Rows
	sort.SliceStable(rows, func(i, j int) bool { return columnRank(rows[i]) < columnRank(rows[j]) })
	for _, r := range rows {
		ks, t := text(r, 0), text(r, 1)
		if next[ks] == nil {
			next[ks] = map[string][]column{}
		}
		next[ks][t] = append(next[ks][t], column{name: text(r, 2), kind: text(r, 3), typ: text(r, 5)})
	}
	return next, nil
}

// text is a row's i-th value as a string ("" when it is missing or not text).
func text(r []any, i int) string {
	if i < len(r) {
		s, _ := r[i].(string)
		return s
	}
	return ""
}

// columnRank orders a system_schema.columns row: partition key, clustering, then the rest by name.
func columnRank(r []any) string {
	kinds := map[string]string{"partition_key": "0", "clustering": "1", "static": "2", "regular": "3"}
	var pos int64
	if len(r) > 4 {
		pos, _ = r[4].(int64)
	}
	return kinds[text(r, 3)] + string(rune('a'+max(pos, 0))) + text(r, 2)
}

func (c *schemaCache) keyspaces() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for ks := range c.columns {
		out = append(out, ks)
	}
	sort.Strings(out)
	return out
}

func (c *schemaCache) tables(ks string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for t := range c.columns[ks] {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

func (c *schemaCache) tableColumns(ks, table string) []column {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.columns[ks][table]
}
