package repl

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/cqlscan/cqlscan/parser"
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

// wordSeparators end the word being completed: every ASCII character that cannot be part of a CQL
// identifier (letters, digits, '_', and the '"' of a quoted one). The prompt replaces the word before
// the cursor back to one of them, so it must be given exactly these.
const wordSeparators = " \t\n\r\v\f!#$%&'()*+,-./:;<=>?@[\\]^`{|}~"

func isWordRune(r rune) bool {
	return r == '_' || r == '"' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// candidate is one completion: the text it puts in place of the word being typed, and a note shown
// beside it (keyspace, table, or a column's type and kind).
type candidate struct{ text, note string }

// completer offers completions by context, as cqlsh does: statement and command names at the start;
// keyspaces after USE; tables (of the session's keyspace) and keyspaces where a table goes — after
// FROM, INSERT INTO, UPDATE, DESCRIBE TABLE, TRUNCATE, COPY —, and after "ks." the tables of ks; the
// statement's table's columns in the select list, after WHERE, AND, BY, SET, in INSERT's column list;
// and the keywords that may come next (WHERE, GROUP, BY, LIMIT, ALLOW FILTERING, VALUES, …).
type completer struct {
	s      *Session
	schema *schemaCache
}

// complete returns what can replace the word before the cursor in the statement being typed (all
// of it, also after the cursor), and where that word starts in before. An empty word gets every
// candidate of its place when listAll is set (Tab was pressed), and none otherwise, so that the
// list does not pop up at every space; after "ks." the tables of ks are offered at once.
func (c *completer) complete(before, statement string, listAll bool) ([]candidate, int) {
	start := strings.LastIndexFunc(before, func(r rune) bool { return !isWordRune(r) }) + 1
	word := before[start:]
	toks, err := parser.Lex(before[:start])
	if err != nil { // inside a string or a comment: nothing to complete
		return nil, start
	}
	toks = toks[:len(toks)-1] // EOF
	if word == "" && !listAll && (len(toks) == 0 || !isPunct(toks[len(toks)-1], ".")) {
		return nil, start
	}
	stmt, err := parser.Lex(statement)
	if err != nil {
		stmt = toks
	}
	var out []candidate
	seen := map[string]bool{}
	for _, o := range c.candidates(toks, stmt) {
		if seen[o.text] || strings.EqualFold(o.text, word) || strings.ContainsAny(o.text, wordSeparators) {
			continue
		}
		w := strings.ToLower(word)
		if strings.HasPrefix(strings.ToLower(o.text), w) || strings.HasPrefix(strings.ToLower(unquoteIdent(o.text)), w) {
			seen[o.text] = true
			out = append(out, o)
		}
	}
	return out, start
}

// cqlVerbs start CQL statements other than SELECT, EXPLAIN and USE, which the command table holds.
var cqlVerbs = []string{"INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "TRUNCATE", "GRANT", "REVOKE", "LIST", "BEGIN"}

// selectFunctions are offered in a select list beside the columns.
var selectFunctions = []string{"COUNT", "SUM", "AVG", "MIN", "MAX", "TOKEN", "WRITETIME", "MAXWRITETIME", "TTL", "CAST"}

// schemaObjects are what CREATE, DROP and ALTER act on.
var schemaObjects = map[string][]string{
	"CREATE": {"TABLE", "KEYSPACE", "INDEX", "CUSTOM", "MATERIALIZED", "TYPE", "FUNCTION", "AGGREGATE", "ROLE", "USER", "TRIGGER", "OR"},
	"DROP":   {"TABLE", "KEYSPACE", "INDEX", "MATERIALIZED", "TYPE", "FUNCTION", "AGGREGATE", "ROLE", "USER", "TRIGGER"},
	"ALTER":  {"TABLE", "KEYSPACE", "MATERIALIZED", "TYPE", "ROLE", "USER"},
}

// followers are the words that may follow a keyword wherever it stands.
var followers = map[string][]string{
	"GROUP": {"BY"}, "ORDER": {"BY"}, "PER": {"PARTITION"}, "ALLOW": {"FILTERING"}, "IS": {"NOT", "NULL"},
	"USING": {"TTL", "TIMESTAMP"}, "MATERIALIZED": {"VIEW"}, "CUSTOM": {"INDEX"}, "OR": {"REPLACE"},
	"BEGIN": {"BATCH", "UNLOGGED", "COUNTER"}, "UNLOGGED": {"BATCH"}, "COUNTER": {"BATCH"}, "APPLY": {"BATCH"},
	"BATCH": {"INSERT", "UPDATE", "DELETE", "USING"}, "EXPLAIN": {"ANALYZE", "SELECT"}, "ANALYZE": {"SELECT"},
}

// candidates lists what may come after toks, the statement's tokens before the word being typed;
// stmt is the whole statement's, to find its table when the cursor is before it.
func (c *completer) candidates(toks, stmt []parser.Token) []candidate {
	if len(toks) == 0 {
		return words(statementWords()...)
	}
	last := toks[len(toks)-1]
	if isPunct(last, ".") {
		if len(toks) >= 2 && isName(toks[len(toks)-2]) {
			return c.tables(nameOf(toks[len(toks)-2]), false)
		}
		return nil
	}
	// A statement may begin with EXPLAIN [ANALYZE] or BEGIN [UNLOGGED|COUNTER] BATCH [USING …].
	for len(toks) > 0 && isWord(toks[0], "EXPLAIN", "ANALYZE", "BEGIN", "UNLOGGED", "COUNTER", "BATCH", "APPLY") {
		if len(toks) == 1 {
			return words(followers[upper(toks[0])]...)
		}
		toks = toks[1:]
	}
	verb, rest := upper(toks[0]), toks[1:]
	switch verb {
	case "SELECT":
		return c.selectPlace(rest, stmt)
	case "INSERT":
		return c.insertPlace(rest)
	case "UPDATE":
		if len(rest) == 0 {
			return c.tablePlace()
		}
		ks, t, next, ok := c.tableAt(rest, 0)
		if !ok {
			return nil
		}
		return c.clausePlace(updateClauses, rest[next:], ks, t)
	case "DELETE":
		return c.deletePlace(rest, stmt)
	case "USE":
		if len(rest) == 0 {
			return c.keyspaces()
		}
	case "DESCRIBE", "DESC":
		return c.describePlace(rest)
	case "CREATE", "DROP", "ALTER", "TRUNCATE":
		return c.schemaPlace(verb, rest)
	case "COPY":
		return c.copyPlace(rest, stmt)
	default:
		if cmd := findCommand(verb); cmd != nil && cmd.args != nil {
			return argsPlace(cmd.args(c.s), rest)
		}
	}
	return nil
}

// statementWords are the words a statement can begin with, sorted as cqlsh lists them.
func statementWords() []string {
	ws := append(commandNames(), cqlVerbs...)
	sort.Strings(ws)
	return ws
}

// selectPlace completes a SELECT after its first word.
func (c *completer) selectPlace(rest, stmt []parser.Token) []candidate {
	ks, t := c.findTable(stmt, "FROM")
	from := indexWord(rest, "FROM")
	if from < 0 { // the select list
		cols := c.columns(ks, t, false)
		if len(rest) == 0 {
			return append(append(cols, words("DISTINCT", "JSON")...), words(selectFunctions...)...)
		}
		last := rest[len(rest)-1]
		switch {
		case isWord(last, "JSON"):
			return append(append(cols, words("DISTINCT")...), words(selectFunctions...)...)
		case isWord(last, "DISTINCT") || isPunct(last, ",", "(", "+", "-", "/", "%"):
			return append(cols, words(selectFunctions...)...)
		case isWord(last, "AS"):
			return nil
		case isPunct(last, "*") && len(rest) > 1 && !isWord(rest[len(rest)-2], "DISTINCT", "JSON") && !isPunct(rest[len(rest)-2], ",", "("):
			return cols // a product
		}
		return words("FROM", "AS")
	}
	tail := rest[from+1:]
	if len(tail) == 0 {
		return c.tablePlace()
	}
	_, _, next, ok := c.tableAt(tail, 0)
	if !ok {
		return nil
	}
	return c.clausePlace(selectClauses, tail[next:], ks, t)
}

// insertPlace completes INSERT INTO t [JSON …|(cols) VALUES (…)] [IF NOT EXISTS] [USING …].
func (c *completer) insertPlace(rest []parser.Token) []candidate {
	if len(rest) == 0 {
		return words("INTO")
	}
	if !isWord(rest[0], "INTO") {
		return nil
	}
	if len(rest) == 1 {
		return c.tablePlace()
	}
	ks, t, next, ok := c.tableAt(rest, 1)
	if !ok {
		return nil
	}
	tail := rest[next:]
	switch {
	case len(tail) == 0:
		return words("JSON")
	case !isPunct(tail[0], "("):
		return nil
	}
	closing := indexPunct(tail, ")")
	if closing < 0 { // the column list
		if isPunct(tail[len(tail)-1], "(", ",") {
			return c.columns(ks, t, false)
		}
		return nil
	}
	after := tail[closing+1:]
	if len(after) == 0 {
		return words("VALUES")
	}
	if !isWord(after[0], "VALUES") || len(after) < 2 || !isPunct(after[1], "(") {
		return nil
	}
	end := closeOf(after, 1)
	if end < 0 {
		return nil
	}
	if isWord(after[len(after)-1], "IF") {
		return words("NOT")
	}
	return c.clausePlace(insertClauses, after[end+1:], ks, t)
}

// deletePlace completes DELETE [cols] FROM t [USING TIMESTAMP n] WHERE … [IF …].
func (c *completer) deletePlace(rest, stmt []parser.Token) []candidate {
	ks, t := c.findTable(stmt, "FROM")
	from := indexWord(rest, "FROM")
	if from < 0 {
		switch {
		case len(rest) == 0:
			return append(c.columns(ks, t, true), words("FROM")...)
		case isPunct(rest[len(rest)-1], ","):
			return c.columns(ks, t, true)
		}
		return words("FROM")
	}
	tail := rest[from+1:]
	if len(tail) == 0 {
		return c.tablePlace()
	}
	_, _, next, ok := c.tableAt(tail, 0)
	if !ok {
		return nil
	}
	return c.clausePlace(deleteClauses, tail[next:], ks, t)
}

// describePlace completes DESCRIBE's argument: what to describe, then a table or a keyspace.
func (c *completer) describePlace(rest []parser.Token) []candidate {
	var args []string
	if cmd := findCommand("DESCRIBE"); cmd != nil && cmd.args != nil {
		args = cmd.args(c.s)
	}
	switch {
	case len(rest) == 0:
		return append(append(argsPlace(args, nil), c.keyspaces()...), c.tables(c.s.Keyspace, true)...)
	case len(rest) == 1 && isWord(rest[0], "TABLE", "COLUMNFAMILY"):
		return c.tablePlace()
	case len(rest) == 1 && isWord(rest[0], "KEYSPACE"):
		return c.keyspaces()
	}
	return argsPlace(args, rest)
}

// schemaPlace completes CREATE, DROP, ALTER and TRUNCATE: what they act on, then the table or
// keyspace (IF [NOT] EXISTS included), the table of CREATE INDEX … ON, and ALTER TABLE's actions.
func (c *completer) schemaPlace(verb string, rest []parser.Token) []candidate {
	if verb == "TRUNCATE" {
		if len(rest) == 0 {
			return append(words("TABLE"), c.tablePlace()...)
		}
		if len(rest) == 1 && isWord(rest[0], "TABLE", "COLUMNFAMILY") {
			return c.tablePlace()
		}
		return nil
	}
	if len(rest) == 0 {
		return words(schemaObjects[verb]...)
	}
	last := rest[len(rest)-1]
	object := upper(rest[0])
	if object == "OR" && len(rest) >= 3 { // CREATE OR REPLACE FUNCTION …
		object = upper(rest[2])
	}
	switch {
	case isWord(last, "IF"):
		if verb == "CREATE" {
			return words("NOT")
		}
		return words("EXISTS")
	case isWord(last, "NOT") && len(rest) >= 2 && isWord(rest[len(rest)-2], "IF"):
		return words("EXISTS")
	case isWord(last, "ON") && verb == "CREATE" && (object == "INDEX" || object == "CUSTOM"):
		return c.tablePlace()
	case len(rest) == 1 || len(rest) == 3 && isWord(rest[1], "IF") && isWord(rest[2], "EXISTS"):
		// the object's name: an existing one for DROP and ALTER
		var out []candidate
		if verb != "CREATE" && (object == "TABLE" || object == "COLUMNFAMILY") {
			out = c.tablePlace()
		}
		if verb != "CREATE" && object == "KEYSPACE" {
			out = c.keyspaces()
		}
		if len(rest) == 1 && verb != "ALTER" && (object == "TABLE" || object == "KEYSPACE") {
			out = append(words("IF"), out...)
		}
		if len(rest) == 1 {
			out = append(out, words(followers[object]...)...)
		}
		return out
	case verb == "ALTER" && object == "TABLE":
		ks, t, next, ok := c.tableAt(rest, 1)
		if !ok || next != len(rest) && !(next == len(rest)-1 && isWord(last, "DROP", "ALTER", "RENAME")) {
			return nil
		}
		if next == len(rest) {
			return words("ADD", "DROP", "ALTER", "RENAME", "WITH")
		}
		return c.columns(ks, t, !isWord(last, "RENAME"))
	}
	return nil
}

// copyPlace completes COPY t [(cols)] TO|FROM ….
func (c *completer) copyPlace(rest, stmt []parser.Token) []candidate {
	if len(rest) == 0 {
		return c.tablePlace()
	}
	ks, t, next, ok := c.tableAt(rest, 0)
	if !ok {
		return nil
	}
	tail := rest[next:]
	if len(tail) == 0 {
		return words("TO", "FROM")
	}
	if !isPunct(tail[0], "(") {
		return nil
	}
	closing := indexPunct(tail, ")")
	switch {
	case closing < 0 && isPunct(tail[len(tail)-1], "(", ","):
		return c.columns(ks, t, false)
	case closing == len(tail)-1:
		return words("TO", "FROM")
	}
	return nil
}

// argsPlace completes a shell command's arguments from its list of forms ("FULL SCHEMA", "ON", …):
// the next word of each form that begins with the words typed so far.
func argsPlace(forms []string, typed []parser.Token) []candidate {
	var out []candidate
	for _, f := range forms {
		fs := strings.Fields(f)
		if len(fs) <= len(typed) {
			continue
		}
		match := true
		for i, t := range typed {
			match = match && t.Kind == parser.Ident && strings.EqualFold(t.Value, fs[i])
		}
		if match {
			out = append(out, candidate{text: fs[len(typed)]})
		}
	}
	return out
}

// clauses are what may follow a statement's table: the words that begin its first clause, those that
// may follow a finished condition, and those after USING's TTL or TIMESTAMP.
type clauses struct{ start, afterCondition, afterUsing []string }

var (
	selectClauses = clauses{start: []string{"WHERE", "GROUP", "ORDER", "LIMIT", "PER", "ALLOW"},
		afterCondition: []string{"AND", "OR", "GROUP", "ORDER", "LIMIT", "PER", "ALLOW"}}
	updateClauses = clauses{start: []string{"USING", "SET"}, afterCondition: []string{"AND", "IF"}, afterUsing: []string{"AND", "SET"}}
	deleteClauses = clauses{start: []string{"USING", "WHERE"}, afterCondition: []string{"AND", "IF"}, afterUsing: []string{"AND", "WHERE"}}
	insertClauses = clauses{start: []string{"IF", "USING"}, afterCondition: nil, afterUsing: []string{"AND"}}
)

// clauseAnchors begin the clauses clausePlace tells apart.
var clauseAnchors = []string{"WHERE", "AND", "OR", "IF", "BY", "LIMIT", "SET", "ASC", "DESC", "FILTERING", "TTL", "TIMESTAMP", "EXISTS"}

// clausePlace completes the clauses after the table ks.t; tail is the tokens after its name.
func (c *completer) clausePlace(cl clauses, tail []parser.Token, ks, t string) []candidate {
	if len(tail) == 0 {
		return words(cl.start...)
	}
	last, prev := tail[len(tail)-1], parser.Token{}
	if len(tail) > 1 {
		prev = tail[len(tail)-2]
	}
	switch {
	case isWord(last, "NOT") && isWord(prev, "IS"):
		return words("NULL")
	case isWord(last, "NOT") && isWord(prev, "IF"):
		return words("EXISTS")
	case isWord(last, "PARTITION") && isWord(prev, "PER"):
		return words("LIMIT")
	case last.Kind == parser.Ident && followers[upper(last)] != nil:
		return words(followers[upper(last)]...)
	}
	i := len(tail) - 1
	for i >= 0 && !isWord(tail[i], clauseAnchors...) {
		i--
	}
	if i < 0 {
		return nil
	}
	after := tail[i+1:]
	switch a := upper(tail[i]); a {
	case "WHERE", "AND", "OR", "IF":
		if a == "AND" && i >= 2 && isWord(tail[i-2], "TTL", "TIMESTAMP") { // USING TTL n AND …
			return words("TTL", "TIMESTAMP")
		}
		if a == "AND" && i >= 2 && isWord(tail[i-2], "BETWEEN") { // x BETWEEN a AND …: a value
			return nil
		}
		return c.conditionPlace(cl, a, after, ks, t)
	case "BY":
		switch {
		case len(after) == 0 || isPunct(last, ","):
			return c.columns(ks, t, false)
		case !isName(last):
			return nil
		case i > 0 && isWord(tail[i-1], "GROUP"):
			return words("ORDER", "LIMIT", "PER", "ALLOW")
		}
		return words("ASC", "DESC", "LIMIT", "PER", "ALLOW")
	case "ASC", "DESC":
		if len(after) == 0 {
			return words("LIMIT", "PER", "ALLOW")
		}
	case "LIMIT":
		if len(after) == 1 && isValue(after[0]) {
			if i > 0 && isWord(tail[i-1], "PARTITION") {
				return words("LIMIT", "ALLOW")
			}
			return words("ALLOW")
		}
	case "TTL", "TIMESTAMP":
		if len(after) == 1 && isValue(after[0]) {
			return words(cl.afterUsing...)
		}
	case "SET":
		switch {
		case len(after) == 0 || isPunct(last, ","):
			return c.columns(ks, t, true)
		case len(after) >= 3 && isValue(last) && depth(after) == 0:
			return words("WHERE")
		}
	case "EXISTS":
		if len(after) == 0 {
			return words("USING")
		}
	}
	return nil
}

// conditionPlace completes a condition after WHERE, AND, OR or IF: a column first, then an operator,
// and after a value the words that may follow.
func (c *completer) conditionPlace(cl clauses, anchor string, after []parser.Token, ks, t string) []candidate {
	switch {
	case len(after) == 0 && anchor == "IF":
		return append(c.columns(ks, t, true), words("EXISTS")...)
	case len(after) == 0:
		return append(c.columns(ks, t, false), words("TOKEN")...)
	case len(after) == 1 && isName(after[0]) && !isWord(after[0], "TOKEN"):
		return words("IN", "CONTAINS", "LIKE", "IS", "BETWEEN", "NOT")
	case len(after) >= 3 && isValue(after[len(after)-1]) && depth(after) == 0:
		return words(cl.afterCondition...)
	}
	return nil
}

// tablePlace is where a table goes: the session keyspace's tables, then the keyspaces (for ks.t).
func (c *completer) tablePlace() []candidate {
	return append(c.tables(c.s.Keyspace, true), c.keyspaces()...)
}

func (c *completer) keyspaces() []candidate {
	var out []candidate
	for _, ks := range c.schema.keyspaces() {
		out = append(out, candidate{parser.QuoteIdent(ks), "keyspace"})
	}
	return out
}

// tables lists the tables of ks; noted says whether each carries the note "table".
func (c *completer) tables(ks string, noted bool) []candidate {
	var out []candidate
	for _, t := range c.schema.tables(ks) {
		cd := candidate{text: parser.QuoteIdent(t)}
		if noted {
			cd.note = "table"
		}
		out = append(out, cd)
	}
	return out
}

// columns lists the columns of ks.t in schema order, noted with their type and kind; nonKey leaves
// out the primary key's (for SET, DELETE's list and IF).
func (c *completer) columns(ks, t string, nonKey bool) []candidate {
	var out []candidate
	for _, col := range c.schema.tableColumns(ks, t) {
		if nonKey && (col.kind == "partition_key" || col.kind == "clustering") {
			continue
		}
		note := col.typ
		switch col.kind {
		case "partition_key":
			note += ", partition key"
		case "clustering":
			note += ", clustering"
		case "static":
			note += ", static"
		}
		out = append(out, candidate{parser.QuoteIdent(col.name), note})
	}
	return out
}

// findTable finds the table a statement names after the word after (FROM, INTO, …), with the
// session's keyspace when it is not qualified.
func (c *completer) findTable(stmt []parser.Token, after string) (string, string) {
	if i := indexWord(stmt, after); i >= 0 {
		if ks, t, _, ok := c.tableAt(stmt, i+1); ok {
			return ks, t
		}
	}
	return "", ""
}

// tableAt reads a table name, t or ks.t, at toks[i]: its keyspace (the session's when unqualified),
// its name, and the index after it.
func (c *completer) tableAt(toks []parser.Token, i int) (ks, t string, next int, ok bool) {
	if i >= len(toks) || !isName(toks[i]) {
		return "", "", i, false
	}
	if i+2 < len(toks) && isPunct(toks[i+1], ".") && isName(toks[i+2]) {
		return nameOf(toks[i]), nameOf(toks[i+2]), i + 3, true
	}
	return c.s.Keyspace, nameOf(toks[i]), i + 1, true
}

func words(ws ...string) []candidate {
	out := make([]candidate, len(ws))
	for i, w := range ws {
		out[i] = candidate{text: w}
	}
	return out
}

func upper(t parser.Token) string { return strings.ToUpper(t.Value) }

// isWord reports whether t is an unquoted word, one of ws (upper case).
func isWord(t parser.Token, ws ...string) bool {
	return t.Kind == parser.Ident && contains(ws, upper(t))
}

func isPunct(t parser.Token, ps ...string) bool {
	return t.Kind == parser.Punct && contains(ps, t.Text)
}

func isName(t parser.Token) bool { return t.Kind == parser.Ident || t.Kind == parser.QuotedIdent }

// nameOf is the name a token spells: folded to lower case unless quoted (the lexer does both).
func nameOf(t parser.Token) string { return t.Value }

// isValue reports whether t can end a value: a literal, a bind marker, a closing bracket, or a name.
func isValue(t parser.Token) bool {
	switch t.Kind {
	case parser.Number, parser.String, parser.Blob, parser.UUID, parser.Duration, parser.Ident, parser.QuotedIdent:
		return !isWord(t, "IN", "CONTAINS", "LIKE", "IS", "NOT", "BETWEEN", "AND", "OR", "KEY")
	}
	return isPunct(t, ")", "]", "}", "?")
}

// depth is how many brackets are open at the end of toks.
func depth(toks []parser.Token) int {
	d := 0
	for _, t := range toks {
		switch {
		case isPunct(t, "(", "[", "{"):
			d++
		case isPunct(t, ")", "]", "}"):
			d--
		}
	}
	return d
}

// closeOf is the index of the bracket closing the one at toks[open], or -1 while it is open.
func closeOf(toks []parser.Token, open int) int {
	d := 0
	for i := open; i < len(toks); i++ {
		switch {
		case isPunct(toks[i], "(", "[", "{"):
			d++
		case isPunct(toks[i], ")", "]", "}"):
			if d--; d == 0 {
				return i
			}
		}
	}
	return -1
}

func indexWord(toks []parser.Token, w string) int {
	for i, t := range toks {
		if isWord(t, w) {
			return i
		}
	}
	return -1
}

func indexPunct(toks []parser.Token, p string) int {
	for i, t := range toks {
		if isPunct(t, p) {
			return i
		}
	}
	return -1
}

// unquoteIdent turns "Name" into Name and folds unquoted identifiers to lower case, as CQL does.
func unquoteIdent(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	return strings.ToLower(s)
}
