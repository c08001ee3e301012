package repl

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/cqlscan/cqlscan/executor"
)

// schemaCache holds the keyspaces, tables and columns completion offers. It is filled and refreshed
// in the background, so the prompt never waits for the cluster: until the first refresh ends,
// completion offers keywords only.
type schemaCache struct {
	mu      sync.Mutex
	columns map[string]map[string][]string // keyspace → table → columns in schema order
	busy    bool
}

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
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		next := map[string]map[string][]string{}
		kss, err := cl.Exec(ctx, "SELECT keyspace_name FROM system_schema.keyspaces", "")
		if err == nil {
			for _, r := range kss.Rows {
				next[r[0].(string)] = map[string][]string{}
			}
			var res executor.Result
			res, err = cl.Exec(ctx, "SELECT keyspace_name, table_name, column_name, kind, position FROM system_schema.columns", "")
			cols := res.Rows
			sort.SliceStable(cols, func(i, j int) bool { return columnRank(cols[i]) < columnRank(cols[j]) })
			for _, r := range cols {
				ks, t, col := r[0].(string), r[1].(string), r[2].(string)
				if next[ks] == nil {
					next[ks] = map[string][]string{}
				}
				next[ks][t] = append(next[ks][t], col)
			}
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		c.busy = false
		if err == nil {
			c.columns = next
		}
	}()
}

// columnRank orders a system_schema.columns row: partition key, clustering, then the rest by name.
func columnRank(r []any) string {
	kinds := map[string]string{"partition_key": "0", "clustering": "1", "static": "2", "regular": "3"}
	pos, _ := r[4].(int64)
	return kinds[r[3].(string)] + string(rune('a'+max(pos, 0))) + r[2].(string)
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

func (c *schemaCache) tableColumns(ks, table string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.columns[ks][table]
}

// cqlVerbs start CQL statements other than SELECT, EXPLAIN and USE, which the command table holds.
var cqlVerbs = []string{"INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "TRUNCATE", "GRANT", "REVOKE", "LIST", "BEGIN"}

// clauseWords may follow a FROM table or a column.
var clauseWords = []string{"WHERE", "AND", "OR", "GROUP BY", "ORDER BY", "LIMIT", "ALLOW FILTERING", "ASC", "DESC", "IN", "BETWEEN", "IS NULL", "IS NOT NULL", "LIKE", "DISTINCT", "COUNT(*)", "SUM(", "AVG(", "MIN(", "MAX(", "AS", "FROM"}

// completer offers completions by context: statement and command names first; the arguments of shell
// commands; keyspaces after USE, and keyspaces and tables after FROM or DESCRIBE TABLE; after "ks." the
// tables of ks; and the FROM table's columns in the select list and after WHERE, AND, BY, ….
type completer struct {
	s      *Session
	schema *schemaCache
}

// complete returns the words that can replace the word before the cursor in the statement being
// typed (all of it, also after the cursor), and where that word starts in before.
func (c *completer) complete(before, statement string) ([]string, int) {
	start := strings.LastIndexFunc(before, func(r rune) bool { return !isWordRune(r) }) + 1
	word := before[start:]
	prior := strings.Fields(strings.ToUpper(strings.NewReplacer(",", " , ", "(", " ( ", ")", " ) ", "=", " = ").Replace(before[:start])))
	var options []string
	switch {
	case len(prior) == 0:
		options = append(commandNames(), cqlVerbs...)
	case strings.HasSuffix(before[:start], "."): // ks.|
		dot := strings.TrimSuffix(before[:start], ".")
		ks := dot[strings.LastIndexFunc(dot, func(r rune) bool { return !isWordRune(r) && r != '"' })+1:]
		options = c.schema.tables(unquoteIdent(ks))
	case len(prior) == 1 && findCommand(prior[0]) != nil && findCommand(prior[0]).args != nil:
		options = findCommand(prior[0]).args(c.s)
		if prior[0] == "USE" {
			options = c.schema.keyspaces()
		}
	case last(prior) == "FROM" || len(prior) >= 2 && contains([]string{"DESCRIBE", "DESC"}, prior[0]) && contains([]string{"TABLE", "KEYSPACE"}, last(prior)):
		if last(prior) != "KEYSPACE" {
			options = c.schema.tables(c.s.Keyspace)
		}
		options = append(options, c.schema.keyspaces()...)
	case contains([]string{"SELECT", "EXPLAIN", "DISTINCT"}, prior[0]) || contains(prior, "WHERE"):
		ks, table := fromTable(statement, c.s.Keyspace)
		options = append(c.schema.tableColumns(ks, table), clauseWords...)
	}
	if word == "" && !strings.HasSuffix(before[:start], ".") {
		return nil, start // suggestions appear once a word is begun, or after "ks."
	}
	var out []string
	for _, o := range options {
		if strings.HasPrefix(strings.ToLower(o), strings.ToLower(word)) && !strings.EqualFold(o, word) {
			out = append(out, o)
		}
	}
	return out, start
}

func isWordRune(r rune) bool {
	return r == '_' || r == '"' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func last(xs []string) string { return xs[len(xs)-1] }

// unquoteIdent turns "Name" into Name and folds unquoted identifiers to lower case, as CQL does.
func unquoteIdent(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	return strings.ToLower(s)
}

// fromTable finds the table a statement reads: the name after FROM, with the session's keyspace when
// it is not qualified.
func fromTable(statement, keyspace string) (string, string) {
	words := strings.Fields(statement)
	for i := 0; i+1 < len(words); i++ {
		if !strings.EqualFold(words[i], "FROM") {
			continue
		}
		name := strings.TrimRight(words[i+1], ";")
		if ks, t, ok := strings.Cut(name, "."); ok {
			return unquoteIdent(ks), unquoteIdent(t)
		}
		return keyspace, unquoteIdent(name)
	}
	return "", ""
}
