package repl

import (
	"github.com/cqlscan/cqlscan/parser"
)

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
