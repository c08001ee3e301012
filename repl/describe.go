package repl

import (
	"context"
	"strings"

	"github.com/cqlscan/cqlscan/parser"
)

// describeIn is a DESCRIBE made to honour the session's current keyspace as cqlsh's does. Cassandra
// answers DESCRIBE from the keyspace of the connection (cqlsh's USE), which cqlscan's pooled
// connections do not carry, so the statement is rewritten instead: unqualified names of tables,
// types, functions, aggregates, indexes and views get the keyspace; DESCRIBE KEYSPACE without a name
// describes it; and listings (TABLES, TYPES, FUNCTIONS, AGGREGATES) keep only its rows.
type describeIn struct {
	stmt     string // the DESCRIBE to send
	keyspace string // listings keep only this keyspace's rows; "" keeps all
}

// objectWords are the DESCRIBE kinds followed by the name of one object of a keyspace.
var objectWords = map[string]bool{"table": true, "columnfamily": true, "type": true, "function": true,
	"aggregate": true, "index": true}

// listWords are the DESCRIBE kinds that list names across keyspaces.
var listWords = map[string]bool{"tables": true, "columnfamilies": true, "types": true, "functions": true,
	"aggregates": true}

// rewriteDescribe rewrites arg (what follows DESCRIBE) for keyspace, the current one ("" for none).
// isKeyspace tells whether a bare name is a keyspace (DESCRIBE name tries a keyspace first).
func rewriteDescribe(ctx context.Context, arg, keyspace string, isKeyspace func(context.Context, string) (bool, error)) (describeIn, error) {
	out := describeIn{stmt: "DESCRIBE " + arg}
	if keyspace == "" {
		return out, nil
	}
	toks, err := parser.Lex(arg)
	if err != nil || len(toks) < 2 {
		return out, nil // let Cassandra say what is wrong with it
	}
	word := func(i int) string {
		if i < len(toks) && toks[i].Kind == parser.Ident {
			return toks[i].Value
		}
		return ""
	}
	qualify := func(i int) describeIn { // the name at token i gets the keyspace, unless it has one
		if i >= len(toks) || toks[i].Kind == parser.EOF || (i+1 < len(toks) && toks[i+1].Value == ".") {
			return out
		}
		off := toks[i].Pos.Offset
		return describeIn{stmt: "DESCRIBE " + arg[:off] + parser.QuoteIdent(keyspace) + "." + arg[off:]}
	}
	first := 0
	if word(0) == "only" { // DESCRIBE ONLY KEYSPACE ks
		first = 1
	}
	switch w := word(first); {
	case listWords[w]:
		out.keyspace = keyspace
		return out, nil
	case objectWords[w]:
		return qualify(first + 1), nil
	case w == "materialized" && word(first+1) == "view":
		return qualify(first + 2), nil
	case w == "keyspace" || w == "schema":
		if n := toks[first+1]; w == "keyspace" && (n.Kind == parser.EOF || (n.Kind == parser.Ident && n.Value == "with")) {
			off := n.Pos.Offset
			stmt := "DESCRIBE " + strings.TrimRight(arg[:off], " \t\n") + " " + parser.QuoteIdent(keyspace)
			if n.Kind != parser.EOF {
				stmt += " " + arg[off:]
			}
			return describeIn{stmt: stmt}, nil
		}
		return out, nil
	case w == "keyspaces" || w == "cluster" || w == "full":
		return out, nil
	}
	// DESCRIBE name: a keyspace if there is one by that name, else an object of the current keyspace.
	if toks[first].Kind != parser.Ident && toks[first].Kind != parser.QuotedIdent {
		return out, nil
	}
	if ok, err := isKeyspace(ctx, toks[first].Value); err != nil || ok {
		return out, err
	}
	return qualify(first), nil
}
