package repl

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// completionFixture is a session in keyspace shop with a schema cache already filled.
func completionFixture() *completer {
	s, _, _ := session()
	s.Keyspace = "shop"
	return &completer{s: s, schema: &schemaCache{columns: map[string]map[string][]column{
		"shop": {
			"orders": {{"id", "partition_key", "int"}, {"item", "clustering", "text"}, {"price", "regular", "int"}, {"placed_at", "regular", "timestamp"}},
			"items":  {{"sku", "partition_key", "text"}, {"name", "regular", "text"}},
			"BigT":   {{"Key", "partition_key", "text"}, {"v", "regular", "int"}},
		},
		"system": {"local": {{"key", "partition_key", "text"}, {"host_id", "regular", "uuid"}}},
	}}}
}

var (
	shopTables   = []string{`"BigT"`, "items", "orders"}
	keyspaces    = []string{"shop", "system"}
	tablePlace   = append(append([]string{}, shopTables...), keyspaces...)
	orderColumns = []string{"id", "item", "price", "placed_at"}
)

func join(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// TestComplete pins what Tab offers in each place of a statement. before is the text before the
// cursor; statement, when set, is the whole statement (the cursor may stand before its FROM); tab
// says Tab was pressed, which lists the candidates of an empty word.
func TestComplete(t *testing.T) {
	cases := []struct {
		before, statement string
		tab               bool
		want              []string
	}{
		// the start of a statement
		{"", "", false, nil},
		{"SEL", "", false, []string{"SELECT"}},
		{"ex", "", false, []string{"EXIT", "EXPAND", "EXPLAIN"}},
		{"consistency lo", "", false, []string{"LOCAL_ONE", "LOCAL_QUORUM"}},
		{"PAGING ", "", true, []string{"ON", "OFF"}},
		{"PAGING ", "", false, nil}, // no list pops up at a space
		// keyspaces and tables
		{"USE ", "", true, keyspaces},
		{"USE sy", "", false, []string{"system"}},
		{"SELECT * FROM ", "", true, tablePlace},
		{"SELECT * FROM it", "", false, []string{"items"}},
		{"SELECT * FROM bi", "", false, []string{`"BigT"`}},
		{"SELECT * FROM sys", "", false, []string{"system"}},
		{"SELECT * FROM system.", "", false, []string{"local"}},
		{"SELECT * FROM system.l", "", false, []string{"local"}},
		{"SELECT * FROM shop.", "", true, shopTables},
		{"INSERT ", "", true, []string{"INTO"}},
		{"INSERT INTO ", "", true, tablePlace},
		{"insert into or", "", false, []string{"orders"}},
		{"UPDATE ", "", true, tablePlace},
		{"UPDATE shop.o", "", false, []string{"orders"}},
		{"DELETE FROM ", "", true, tablePlace},
		{"DESCRIBE TABLE ", "", true, tablePlace},
		{"DESCRIBE TABLE ord", "", false, []string{"orders"}},
		{"DESCRIBE KEYSPACE ", "", true, keyspaces},
		{"DESC FULL ", "", true, []string{"SCHEMA"}},
		{"TRUNCATE ", "", true, join([]string{"TABLE"}, tablePlace)},
		{"DROP TABLE ", "", true, join([]string{"IF"}, tablePlace)},
		{"DROP TABLE IF EXISTS ", "", true, tablePlace},
		{"DROP KEYSPACE ", "", true, join([]string{"IF"}, keyspaces)},
		{"CREATE INDEX ON ", "", true, tablePlace},
		{"CREATE INDEX by_price ON ", "", true, tablePlace},
		{"COPY ", "", true, tablePlace},
		{"EXPLAIN SELECT * FROM ", "", true, tablePlace},
		{"BEGIN BATCH INSERT INTO ", "", true, tablePlace},
		// SELECT
		{"SELECT ", "SELECT  FROM orders", true, join(orderColumns, []string{"DISTINCT", "JSON"}, selectFunctions)},
		{"SELECT ", "", true, join([]string{"DISTINCT", "JSON"}, selectFunctions)},
		{"SELECT p", "SELECT p FROM orders", false, []string{"price", "placed_at"}},
		{"SELECT h", "SELECT h FROM system.local;", false, []string{"host_id"}},
		{"SELECT id, ", "SELECT id,  FROM items", true, join([]string{"sku", "name"}, selectFunctions)},
		{"SELECT id ", "", true, []string{"FROM", "AS"}},
		{"SELECT * ", "", true, []string{"FROM", "AS"}},
		{"SELECT COUNT(*) ", "", true, []string{"FROM", "AS"}},
		{"SELECT * FROM orders ", "", true, selectClauses.start},
		{"SELECT * FROM shop.orders W", "", false, []string{"WHERE"}},
		{"SELECT * FROM orders WHERE ", "", true, join(orderColumns, []string{"TOKEN"})},
		{"SELECT id FROM orders WHERE it", "", false, []string{"item"}},
		{`SELECT * FROM "BigT" WHERE `, "", true, []string{`"Key"`, "v", "TOKEN"}},
		{`SELECT * FROM "BigT" WHERE k`, "", false, []string{`"Key"`}},
		{"SELECT * FROM orders WHERE id ", "", true, []string{"IN", "CONTAINS", "LIKE", "IS", "BETWEEN", "NOT"}},
		{"SELECT * FROM orders WHERE id = ", "", true, nil},
		{"SELECT * FROM orders WHERE id = 1 ", "", true, selectClauses.afterCondition},
		{"SELECT * FROM orders WHERE id = 1 AND ", "", true, join(orderColumns, []string{"TOKEN"})},
		{"SELECT * FROM orders WHERE id = 1 AND p", "", false, []string{"price", "placed_at"}},
		{"SELECT * FROM orders WHERE id IN (1, 2) A", "", false, []string{"AND", "ALLOW"}},
		{"SELECT * FROM orders WHERE id IN (1, ", "", true, nil},
		{"SELECT * FROM orders WHERE id IN (1 ", "", true, nil},
		{"SELECT * FROM orders WHERE item = 'it''s' ", "", true, selectClauses.afterCondition},
		{"SELECT * FROM orders WHERE item = 'unfinished ", "", true, nil},
		{"SELECT * FROM orders WHERE token(id) > 5 L", "", false, []string{"LIMIT"}},
		{"SELECT * FROM orders WHERE price IS ", "", true, []string{"NOT", "NULL"}},
		{"SELECT * FROM orders WHERE price IS NOT ", "", true, []string{"NULL"}},
		{"SELECT * FROM orders WHERE price BETWEEN 1 AND ", "", true, nil},
		{"SELECT * FROM orders GROUP ", "", true, []string{"BY"}},
		{"SELECT item, COUNT(*) FROM orders GROUP BY i", "", false, []string{"id", "item"}},
		{"SELECT * FROM orders GROUP BY id ", "", true, []string{"ORDER", "LIMIT", "PER", "ALLOW"}},
		{"SELECT * FROM orders ORDER BY item ", "", true, []string{"ASC", "DESC", "LIMIT", "PER", "ALLOW"}},
		{"SELECT * FROM orders ORDER BY item DESC ", "", true, []string{"LIMIT", "PER", "ALLOW"}},
		{"SELECT * FROM orders LIMIT ", "", true, nil},
		{"SELECT * FROM orders LIMIT 10 ", "", true, []string{"ALLOW"}},
		{"SELECT * FROM orders PER PARTITION ", "", true, []string{"LIMIT"}},
		{"SELECT * FROM orders PER PARTITION LIMIT 2 ", "", true, []string{"LIMIT", "ALLOW"}},
		{"SELECT * FROM orders ALLOW ", "", true, []string{"FILTERING"}},
		{"SELECT * FROM orders ALLOW FILTERING ", "", true, nil},
		{"SELECT * FROM orders -- a comment\nWHERE ", "", true, join(orderColumns, []string{"TOKEN"})},
		// INSERT, UPDATE, DELETE
		{"INSERT INTO orders ", "", true, []string{"JSON"}},
		{"INSERT INTO orders (", "", true, orderColumns},
		{"INSERT INTO orders (id, p", "", false, []string{"price", "placed_at"}},
		{"INSERT INTO orders (id ", "", true, nil},
		{"INSERT INTO orders (id, item) ", "", true, []string{"VALUES"}},
		{"INSERT INTO orders (id) VALUES (1) ", "", true, []string{"IF", "USING"}},
		{"INSERT INTO orders (id) VALUES (1) IF ", "", true, []string{"NOT"}},
		{"INSERT INTO orders (id) VALUES (1) USING ", "", true, []string{"TTL", "TIMESTAMP"}},
		{"INSERT INTO orders (id) VALUES (1) USING TTL 5 ", "", true, []string{"AND"}},
		{"UPDATE orders ", "", true, []string{"USING", "SET"}},
		{"UPDATE orders SET ", "", true, []string{"price", "placed_at"}},
		{"UPDATE orders SET price = 1, ", "", true, []string{"price", "placed_at"}},
		{"UPDATE orders SET price = ", "", true, nil},
		{"UPDATE orders SET price = 1 ", "", true, []string{"WHERE"}},
		{"UPDATE orders SET price = 1 WHERE ", "", true, join(orderColumns, []string{"TOKEN"})},
		{"UPDATE orders SET price = 1 WHERE id = 1 ", "", true, []string{"AND", "IF"}},
		{"UPDATE orders SET price = 1 WHERE id = 1 IF ", "", true, []string{"price", "placed_at", "EXISTS"}},
		{"UPDATE orders USING TTL 10 ", "", true, []string{"AND", "SET"}},
		{"UPDATE orders USING TTL 10 AND ", "", true, []string{"TTL", "TIMESTAMP"}},
		{"DELETE ", "DELETE  FROM orders", true, []string{"price", "placed_at", "FROM"}},
		{"DELETE price, ", "DELETE price,  FROM orders", true, []string{"price", "placed_at"}},
		{"DELETE price ", "", true, []string{"FROM"}},
		{"DELETE FROM orders ", "", true, []string{"USING", "WHERE"}},
		{"DELETE FROM orders USING TIMESTAMP 5 ", "", true, []string{"AND", "WHERE"}},
		{"DELETE FROM orders WHERE ", "", true, join(orderColumns, []string{"TOKEN"})},
		// the schema, batches, EXPLAIN, COPY
		{"CREATE TABLE IF ", "", true, []string{"NOT"}},
		{"CREATE TABLE IF NOT ", "", true, []string{"EXISTS"}},
		{"CREATE MATERIALIZED ", "", true, []string{"VIEW"}},
		{"ALTER TABLE orders ", "", true, []string{"ADD", "DROP", "ALTER", "RENAME", "WITH"}},
		{"ALTER TABLE orders DROP ", "", true, []string{"price", "placed_at"}},
		{"BEGIN ", "", true, []string{"BATCH", "UNLOGGED", "COUNTER"}},
		{"BEGIN UNLOGGED ", "", true, []string{"BATCH"}},
		{"BEGIN BATCH ", "", true, []string{"INSERT", "UPDATE", "DELETE", "USING"}},
		{"EXPLAIN ", "", true, []string{"ANALYZE", "SELECT"}},
		{"EXPLAIN ANALYZE SELECT * FROM orders ", "", true, selectClauses.start},
		{"COPY orders ", "", true, []string{"TO", "FROM"}},
		{"COPY orders (", "", true, orderColumns},
		{"COPY orders (id, item) ", "", true, []string{"TO", "FROM"}},
	}
	c := completionFixture()
	for _, tc := range cases {
		stmt := tc.statement
		if stmt == "" {
			stmt = tc.before
		}
		got, start := c.complete(tc.before, stmt, tc.tab)
		var texts []string
		for _, g := range got {
			texts = append(texts, g.text)
		}
		word := tc.before[strings.LastIndexAny(tc.before, " ,(.\n")+1:]
		if !reflect.DeepEqual(texts, tc.want) || start != len(tc.before)-len(word) {
			t.Errorf("complete(%q, tab %v) = %q at %d, want %q at %d", tc.before, tc.tab, texts, start, tc.want, len(tc.before)-len(word))
		}
	}
}

// Tab on an empty line lists every statement and command, sorted, and nothing that the prompt could
// not put back in place of the word typed (the '?' alias of HELP).
func TestCompleteStatementStart(t *testing.T) {
	got, _ := completionFixture().complete("", "", true)
	var texts []string
	for _, g := range got {
		texts = append(texts, g.text)
	}
	for _, want := range []string{"SELECT", "INSERT", "UPDATE", "DELETE", "USE", "DESCRIBE", "CONSISTENCY", "HELP", "EXIT", "CREATE", "BEGIN"} {
		if !slices.Contains(texts, want) {
			t.Errorf("the statement words %q lack %s", texts, want)
		}
	}
	if !slices.IsSorted(texts) || slices.Contains(texts, "?") {
		t.Errorf("the statement words %q: want them sorted, without ?", texts)
	}
}

// Candidates say what they are beside them: keyspace, table, or a column's type and kind.
func TestCompleteNotes(t *testing.T) {
	c := completionFixture()
	got, _ := c.complete("SELECT * FROM ", "SELECT * FROM ", true)
	got2, _ := c.complete("SELECT * FROM orders WHERE ", "SELECT * FROM orders WHERE ", true)
	notes := map[string]string{}
	for _, g := range append(got, got2...) {
		notes[g.text] = g.note
	}
	for text, want := range map[string]string{"orders": "table", "system": "keyspace", "id": "int, partition key",
		"item": "text, clustering", "price": "int", "TOKEN": ""} {
		if notes[text] != want {
			t.Errorf("the note beside %s is %q, want %q", text, notes[text], want)
		}
	}
}

// The prompt replaces the word before the cursor back to one of wordSeparators; completion finds
// the word's start with isWordRune. They must agree on every ASCII character.
func TestWordSeparatorsAgree(t *testing.T) {
	for r := rune(0); r < unicode.MaxASCII; r++ {
		if !unicode.IsPrint(r) && !unicode.IsSpace(r) {
			continue
		}
		if isWordRune(r) == strings.ContainsRune(wordSeparators, r) {
			t.Errorf("%q: isWordRune %v, in wordSeparators %v", r, isWordRune(r), strings.ContainsRune(wordSeparators, r))
		}
	}
}

// The schema rows completion reads may be short or hold unexpected types; none of them panics.
func TestColumnRankOddRows(t *testing.T) {
	for _, r := range [][]any{nil, {"ks"}, {"ks", "t", "c", 3, "x"}, {"ks", "t", "c", "regular", int64(2), "int"}} {
		_ = columnRank(r)
	}
}

// No text typed panics the completer, and the word it replaces lies within the text.
func FuzzComplete(f *testing.F) {
	for _, seed := range []string{"", "SELECT * FROM shop.", "INSERT INTO orders (id) VALUES (1) IF NOT ", "UPDATE orders SET a = 'x",
		"DELETE , FROM", "ALTER TABLE . DROP ", "COPY orders ((", "BEGIN BATCH APPLY", "DESC FULL ", `SELECT "a""b`, "EXPLAIN EXPLAIN"} {
		f.Add(seed, true)
	}
	c := completionFixture()
	f.Fuzz(func(t *testing.T, before string, tab bool) {
		got, start := c.complete(before, before, tab)
		if start < 0 || start > len(before) {
			t.Fatalf("complete(%q) replaces from %d, outside the text", before, start)
		}
		for _, g := range got {
			if g.text == "" || strings.ContainsAny(g.text, wordSeparators) {
				t.Fatalf("complete(%q) offers %q, which the prompt cannot put in place of a word", before, g.text)
			}
		}
	})
}
