package parser

import (
	"archive/zip"
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cqlscan/cqlscan/internal/testcluster"
)

// TestReservedWordsMatchCassandra compares cqlReserved with the list inside the cassandra-all jar that
// devcluster downloaded and runs (org/apache/cassandra/cql3/reserved_keywords.txt).
func TestReservedWordsMatchCassandra(t *testing.T) {
	cache := os.Getenv("CQLSCAN_CACHE")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "cqlscan")
	}
	jars, _ := filepath.Glob(filepath.Join(cache, "cassandra-5.0-*", "lib", "cassandra-all-5.0.*.jar"))
	if len(jars) == 0 {
		testcluster.Missing(t, "no cassandra-all 5.0 jar under "+cache+": run `make test`, whose clusters download it")
	}
	zr, err := zip.OpenReader(jars[0])
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := zr.Open("org/apache/cassandra/cql3/reserved_keywords.txt")
	if err != nil {
		t.Fatalf("%s: %v", jars[0], err)
	}
	defer f.Close()
	var theirs, ours []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if w := strings.ToLower(strings.TrimSpace(sc.Text())); w != "" {
			theirs = append(theirs, w)
		}
	}
	for w := range cqlReserved {
		ours = append(ours, w)
	}
	sort.Strings(theirs)
	sort.Strings(ours)
	if strings.Join(ours, " ") != strings.Join(theirs, " ") {
		t.Errorf("cqlReserved differs from %s:\n  ours:   %v\n  theirs: %v", jars[0], ours, theirs)
	}
}

// TestLexerAgreesWithCassandra asks Cassandra what each tricky word is, by selecting it from
// system_schema.keyspaces: an identifier is an unknown column ("Undefined column name w"), a literal is a term
// whose type it cannot infer, and a reserved word or a character its lexer refuses is a syntax
// error. cqlscan's lexer must read each word the same way, and fold identifiers to the same name.
func TestLexerAgreesWithCassandra(t *testing.T) {
	s, _ := testcluster.Session(t, testcluster.One)
	words := []string{"p3m", "P3M", "p4m", "pt5m", "PT5M", "P2W", "p2w", "P1Y2M3D", "P1Y2D", "P2M1Y",
		"P1DT2H", "PT1H30M", "P3Mx", "PT", "P", "p", "nan", "NaN", "Infinity", "infinity", "contains", "key",
		"group", "table", "token", "primary", "limit", "json", "cast", "ttl", "writetime", "1h", "1h30m",
		"12mo", "3us", "1d", "0x", "0xCAFE", "cafe", "deadbeef", "_x", "x_1", "X1", "a1b2", "status",
		"value", "true", "false", "null", "e5", "1e5", "1.5", "distinct", "filtering", "allow", "per",
		"partition", "ann", "of", "vector", "duration", "time", "date", "timestamp", "count", "user"}
	for _, w := range words {
		_, err := s.Query("SELECT " + w + " FROM system_schema.keyspaces").Iter().SliceMap()
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		var theirs string
		switch {
		case strings.Contains(msg, "Undefined column name "):
			name := msg[strings.Index(msg, "Undefined column name ")+len("Undefined column name "):]
			theirs = "identifier " + strings.TrimSuffix(name, " in table system_schema.keyspaces")
		case strings.Contains(msg, "Cannot infer type for term"):
			theirs = "literal"
		case err == nil:
			theirs = "literal" // a term Cassandra could type, such as true
		default:
			theirs = "other"
		}
		if got := lexClass(w); got != theirs {
			t.Errorf("%q: cqlscan reads %s, Cassandra %s (%s)", w, got, theirs, msg)
		}
	}
}

// lexClass says how cqlscan reads a word on its own: an identifier (with its folded name), a literal,
// or other (a reserved word, or not one token).
func lexClass(w string) string {
	toks, err := Lex(w)
	if err != nil || len(toks) != 2 {
		return "other"
	}
	switch t := toks[0]; t.Kind {
	case Ident:
		switch {
		case t.Value == "nan" || t.Value == "infinity" || t.Value == "true" || t.Value == "false" || t.Value == "null":
			return "literal"
		case cqlReserved[t.Value]:
			return "other"
		}
		return "identifier " + t.Value
	case QuotedIdent:
		return "identifier " + t.Value
	case Number, Duration, Blob, UUID, String:
		return "literal"
	}
	return "other"
}
