package repl

import (
	"reflect"
	"testing"
)

func TestComplete(t *testing.T) {
	s, _, _ := session()
	s.Keyspace = "shop"
	c := &completer{s: s, schema: &schemaCache{columns: map[string]map[string][]string{
		"shop":   {"orders": {"id", "item", "price", "placed_at"}, "items": {"sku", "name"}},
		"system": {"local": {"key", "host_id"}},
	}}}
	cases := []struct {
		before, statement string
		want              []string
		start             int
	}{
		{"SEL", "", []string{"SELECT"}, 0},
		{"ex", "", []string{"EXPLAIN", "EXPAND", "EXIT"}, 0},
		{"consistency lo", "", []string{"LOCAL_ONE", "LOCAL_QUORUM"}, 12},
		{"USE sy", "", []string{"system"}, 4},
		{"SELECT * FROM it", "", []string{"items"}, 14},
		{"SELECT * FROM sys", "", []string{"system"}, 14},
		{"SELECT * FROM system.", "", []string{"local"}, 21},
		{"SELECT * FROM system.l", "", []string{"local"}, 21},
		{"SELECT p", "SELECT p FROM orders", []string{"price", "placed_at"}, 7},
		{"SELECT id FROM orders WHERE it", "", []string{"item"}, 28},
		{"SELECT h", "SELECT h FROM system.local;", []string{"host_id"}, 7},
		{"SELECT item, COUNT(*) FROM orders GROUP BY i", "", []string{"id", "item", "IN", "IS NULL", "IS NOT NULL"}, 43},
		{"DESCRIBE TABLE ord", "", []string{"orders"}, 15},
		{"SELECT * FROM orders WHERE ", "", nil, 27},
		{"", "", nil, 0},
	}
	for _, tc := range cases {
		stmt := tc.statement
		if stmt == "" {
			stmt = tc.before
		}
		got, start := c.complete(tc.before, stmt)
		if !reflect.DeepEqual(got, tc.want) || start != tc.start {
			t.Errorf("complete(%q) = %q at %d, want %q at %d", tc.before, got, start, tc.want, tc.start)
		}
	}
}
