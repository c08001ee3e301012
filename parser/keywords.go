package parser

import (
	"regexp"
	"strings"
)

// The one table of words the lexer, the parser and identifier quoting agree on.
//
// cqlReserved are the words Cassandra 5.0 reserves: an identifier spelled like one must be
// double-quoted in any statement sent to Cassandra. The list is Cassandra's own
// (org/apache/cassandra/cql3/reserved_keywords.txt in cassandra-all 5.0.9); TestReservedWordsMatchCassandra
// compares it with the jar devcluster runs.
var cqlReserved = wordSet(`add allow alter and apply asc authorize batch begin by columnfamily create
	delete desc describe drop entries execute from full grant if in index infinity insert into is
	keyspace limit materialized modify nan norecursive not null of on or order primary rename revoke
	schema select set table to token truncate unlogged update use using view where with`)

// sqlKeywords are the words the rewritten text keeps bare for sqlparser; every other unquoted word
// is sent to it back-quoted, so CQL column names that MySQL reserves (key, status, …) parse as
// identifiers. An identifier spelled like one of these must be quoted for cqlscan's own grammar.
var sqlKeywords = wordSet(`select from where and or not in is null between like group by having
	order asc desc limit distinct as true false join inner left right cross outer natural on using
	union exists case when then else end offset`)

// cqlscanWords are words cqlscan's rewrites of CQL-only forms give a meaning to (x CONTAINS v). An
// identifier spelled like one is quoted when printed, so that the printed statement re-parses to the
// same tree. (KEY means something only right after CONTAINS; Contains.String quotes it there.)
var cqlscanWords = wordSet(`contains`)

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// IsReserved reports whether an identifier spelled like word (lower case) must be double-quoted:
// Cassandra reserves it, or cqlscan's grammar gives it a meaning.
func IsReserved(word string) bool {
	return cqlReserved[word] || sqlKeywords[word] || cqlscanWords[word]
}

// plainIdent is what Cassandra's lexer reads as an unquoted identifier (IDENT: a letter, then
// letters, digits and underscores), as the lower-case form unquoted identifiers fold to.
var plainIdent = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// QuoteIdent prints an identifier as CQL needs it: bare when it is a lower-case plain identifier that
// no grammar reserves, double-quoted otherwise.
func QuoteIdent(s string) string {
	if plainIdent.MatchString(s) && !IsReserved(s) {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// quoteFuncName prints a function name: bare when it is a plain identifier (token, writetime, count,
// cast and other keywords are function names the grammar accepts bare), double-quoted otherwise.
func quoteFuncName(s string) string {
	if plainIdent.MatchString(s) {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
