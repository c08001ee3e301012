package repl

import (
	"sort"
	"strings"
	"unicode"

	"github.com/cqlscan/cqlscan/parser"
)

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
