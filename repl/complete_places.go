package repl

import (
	"strings"

	"github.com/cqlscan/cqlscan/parser"
)

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
	return c.fromPlace(rest[from+1:], selectClauses, ks, t)
}

// fromPlace completes what follows FROM: a table, then the statement's clauses (cl) about the
// table ks.t.
func (c *completer) fromPlace(tail []parser.Token, cl clauses, ks, t string) []candidate {
	if len(tail) == 0 {
		return c.tablePlace()
	}
	_, _, next, ok := c.tableAt(tail, 0)
	if !ok {
		return nil
	}
	return c.clausePlace(cl, tail[next:], ks, t)
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
	return c.fromPlace(rest[from+1:], deleteClauses, ks, t)
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
