package repl

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// cqlDocs is where Cassandra documents CQL; each help topic names a page there.
const cqlDocs = "https://cassandra.apache.org/doc/latest/cassandra/developing/cql/"

// cqlTopics are cqlsh's CQL help topics and the page of Cassandra's CQL documentation each is on.
var cqlTopics = map[string]string{}

func init() {
	pages := map[string][]string{
		"types.html": {"ASCII", "BLOB", "BOOLEAN", "COUNTER", "DATE", "INT", "TEXT", "TIME", "TIMESTAMP",
			"UUID", "TYPES", "CREATE_TYPE", "ALTER_TYPE", "DROP_TYPE"},
		"ddl.html": {"CREATE_KEYSPACE", "ALTER_KEYSPACE", "DROP_KEYSPACE", "CREATE_TABLE", "CREATE_COLUMNFAMILY",
			"ALTER_TABLE", "DROP_TABLE", "DROP_COLUMNFAMILY", "TRUNCATE", "USE"},
		"dml.html":       {"SELECT", "INSERT", "UPDATE", "DELETE", "BATCH", "BEGIN", "APPLY"},
		"json.html":      {"JSON", "INSERT_JSON", "SELECT_JSON"},
		"functions.html": {"FUNCTIONS", "CREATE_FUNCTION", "DROP_FUNCTION", "AGGREGATES", "CREATE_AGGREGATE", "DROP_AGGREGATE"},
		"indexes.html":   {"CREATE_INDEX", "DROP_INDEX"},
		"mvs.html":       {"CREATE_MATERIALIZED_VIEW", "ALTER_MATERIALIZED_VIEW", "DROP_MATERIALIZED_VIEW"},
		"security.html": {"CREATE_ROLE", "DROP_ROLE", "CREATE_USER", "ALTER_USER", "DROP_USER", "GRANT", "REVOKE",
			"LIST_PERMISSIONS", "LIST_ROLES", "LIST_USERS", "PERMISSIONS"},
		"triggers.html":   {"CREATE_TRIGGER", "DROP_TRIGGER"},
		"appendices.html": {"KEYWORDS"},
	}
	for page, topics := range pages {
		for _, t := range topics {
			cqlTopics[t] = page
		}
	}
}

// help is HELP: with no topic, the shell's commands and the CQL topics, laid out as cqlsh lays them
// out; with a command, its syntax and what it does; with a CQL topic, where Cassandra documents it.
func (s *Session) help(_ context.Context, arg string) error {
	out := s.out()
	if arg == "" {
		names := commandNames()
		fmt.Fprint(out, "\nDocumented shell commands:\n===========================\n")
		for _, l := range columnize(names, 80) {
			fmt.Fprintln(out, l)
		}
		topics := make([]string, 0, len(cqlTopics))
		for t := range cqlTopics {
			topics = append(topics, t)
		}
		sort.Strings(topics)
		fmt.Fprint(out, "\nCQL help topics:\n================\n")
		for _, l := range columnize(topics, 80) {
			fmt.Fprintln(out, l)
		}
		fmt.Fprintln(out)
		return nil
	}
	var missing []string
	for _, word := range strings.Fields(arg) {
		topic, found := strings.ToUpper(word), false
		if c := findCommand(topic); c != nil {
			fmt.Fprintf(out, "\n        %s\n\n          %s\n\n", c.syntax, c.help)
			found = true
		}
		if page, ok := cqlTopics[topic]; ok {
			fmt.Fprintf(out, "CQL help topic %s: %s%s\n", topic, cqlDocs, page)
			found = true
		}
		if !found {
			missing = append(missing, word)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("no help topic %s: HELP lists them", strings.Join(missing, ", "))
	}
	return nil
}
