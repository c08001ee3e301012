package repl

import (
	"context"
	"testing"
)

func TestRewriteDescribe(t *testing.T) {
	keyspaces := map[string]bool{"ks": true, "other": true}
	isKeyspace := func(_ context.Context, name string) (bool, error) { return keyspaces[name], nil }
	cases := []struct {
		arg, current, stmt, only string
	}{
		{"TABLES", "", "DESCRIBE TABLES", ""},
		{"TABLE t", "", "DESCRIBE TABLE t", ""},
		{"TABLES", "ks", "DESCRIBE TABLES", "ks"},
		{"types", "ks", "DESCRIBE types", "ks"},
		{"FUNCTIONS", "ks", "DESCRIBE FUNCTIONS", "ks"},
		{"TABLE t", "ks", "DESCRIBE TABLE ks.t", ""},
		{`TABLE "T"`, "ks", `DESCRIBE TABLE ks."T"`, ""},
		{"TABLE other.t", "ks", "DESCRIBE TABLE other.t", ""},
		{"COLUMNFAMILY t", "ks", "DESCRIBE COLUMNFAMILY ks.t", ""},
		{"TYPE addr", "ks", "DESCRIBE TYPE ks.addr", ""},
		{"INDEX i", "Ks", `DESCRIBE INDEX "Ks".i`, ""},
		{"MATERIALIZED VIEW mv", "ks", "DESCRIBE MATERIALIZED VIEW ks.mv", ""},
		{"FUNCTION f", "ks", "DESCRIBE FUNCTION ks.f", ""},
		{"KEYSPACE", "ks", "DESCRIBE KEYSPACE ks", ""},
		{"KEYSPACE WITH INTERNALS", "ks", "DESCRIBE KEYSPACE ks WITH INTERNALS", ""},
		{"ONLY KEYSPACE", "ks", "DESCRIBE ONLY KEYSPACE ks", ""},
		{"KEYSPACE other", "ks", "DESCRIBE KEYSPACE other", ""},
		{"KEYSPACES", "ks", "DESCRIBE KEYSPACES", ""},
		{"CLUSTER", "ks", "DESCRIBE CLUSTER", ""},
		{"FULL SCHEMA", "ks", "DESCRIBE FULL SCHEMA", ""},
		{"other", "ks", "DESCRIBE other", ""},
		{"t", "ks", "DESCRIBE ks.t", ""},
		{"t WITH INTERNALS", "ks", "DESCRIBE ks.t WITH INTERNALS", ""},
		{"other.t", "ks", "DESCRIBE other.t", ""},
	}
	for _, c := range cases {
		got, err := rewriteDescribe(context.Background(), c.arg, c.current, isKeyspace)
		if err != nil {
			t.Fatalf("%q in %q: %v", c.arg, c.current, err)
		}
		if got.stmt != c.stmt || got.keyspace != c.only {
			t.Errorf("DESCRIBE %s in %q = %q (only %q), want %q (only %q)", c.arg, c.current, got.stmt, got.keyspace, c.stmt, c.only)
		}
	}
}
