package parser

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseRoundTrip(t *testing.T) {
	cases := []struct{ in, want string }{
		{"SELECT COUNT(*) FROM ks.tbl", "SELECT count(*) FROM ks.tbl"},
		{"select count(1) from tbl;", "SELECT count(1) FROM tbl"},
		{"SELECT * FROM ks.t LIMIT 10", "SELECT * FROM ks.t LIMIT 10"},
		{`SELECT "MixedCase", key, value FROM ks."Tbl" WHERE key = 0xCAFE`,
			`SELECT "MixedCase", key, value FROM ks."Tbl" WHERE key = 0xcafe`},
		{"SELECT * FROM ks.t WHERE id = 123E4567-e89b-12d3-a456-426614174000",
			"SELECT * FROM ks.t WHERE id = 123e4567-e89b-12d3-a456-426614174000"},
		{"SELECT server, count(*), avg(latency) FROM bam.events WHERE server BETWEEN 'esb12' AND 'esb15' " +
			"AND hour BETWEEN '08:00' AND '09:00' GROUP BY server ORDER BY count(*) DESC LIMIT 10",
			"SELECT server, count(*), avg(latency) FROM bam.events WHERE (server BETWEEN 'esb12' AND 'esb15') " +
				"AND (hour BETWEEN '08:00' AND '09:00') GROUP BY server ORDER BY count(*) DESC LIMIT 10"},
		{"SELECT COUNT(DISTINCT user_id), min(ts), max(ts), sum(bytes) FROM ks.t WHERE NOT (a = 1 OR b IS NULL)",
			"SELECT count(DISTINCT user_id), min(ts), max(ts), sum(bytes) FROM ks.t WHERE NOT ((a = 1) OR (b IS NULL))"},
		{"SELECT writetime(v), ttl(v), token(id) FROM ks.t WHERE writetime(v) > 1700000000000000",
			"SELECT writetime(v), ttl(v), token(id) FROM ks.t WHERE writetime(v) > 1700000000000000"},
		{"SELECT DISTINCT pk FROM ks.t", "SELECT DISTINCT pk FROM ks.t"},
		{"SELECT a, count(*) AS n FROM ks.t GROUP BY a HAVING n > 5",
			"SELECT a, count(*) AS n FROM ks.t GROUP BY a HAVING n > 5"},
		{"SELECT id, -price * 1.2 + 3 AS p FROM ks.t WHERE price / 2 >= 10 ORDER BY p, id DESC",
			"SELECT id, ((-price) * 1.2) + 3 AS p FROM ks.t WHERE (price / 2) >= 10 ORDER BY p, id DESC"},
		{"SELECT * FROM t WHERE s = 'it''s' AND d = $$a 'quoted' $ text$$",
			"SELECT * FROM t WHERE (s = 'it''s') AND (d = 'a ''quoted'' $ text')"},
		{"SELECT * FROM t -- trailing\n WHERE /* inline */ x != NaN // more",
			"SELECT * FROM t WHERE x != NaN"},
		{"SELECT * FROM t WHERE a = -Infinity AND b = true AND c IN (1, 2.5, 3e2) AND d NOT IN (4)",
			"SELECT * FROM t WHERE (((a = (-Infinity)) AND (b = true)) AND (c IN (1, 2.5, 3e2))) AND (d NOT IN (4))"},
		{"SELECT * FROM t WHERE d = 1h30m AND e = P1DT2H AND n IS NOT NULL",
			"SELECT * FROM t WHERE ((d = 1h30m) AND (e = P1DT2H)) AND (n IS NOT NULL)"},
		{`SELECT "select", "a""b" FROM "KS"."T"`, `SELECT "select", "a""b" FROM "KS"."T"`},
		{"SELECT Status, KEY FROM Ks.Tbl", "SELECT status, key FROM ks.tbl"},
		{"SELECT * FROM t WHERE name LIKE 'ab%'", "SELECT * FROM t WHERE name LIKE 'ab%'"},
		{`SELECT "Fn"(x), "0"() FROM t`, `SELECT "Fn"(x), "0"() FROM t`},
		{"explain select a from t where b > 1", "EXPLAIN SELECT a FROM t WHERE b > 1"},
		{"explain analyze select count(*) from t", "EXPLAIN ANALYZE SELECT count(*) FROM t"},
		{"SELECT * FROM ks.t WHERE tags CONTAINS 'x' AND attrs CONTAINS KEY 'k' AND attrs['k'] = 'v'",
			"SELECT * FROM ks.t WHERE ((tags CONTAINS 'x') AND (attrs CONTAINS KEY 'k')) AND (attrs['k'] = 'v')"},
		{"SELECT * FROM ks.t WHERE name LIKE 'ab%' AND n IN (1, 2, 3) ALLOW FILTERING",
			"SELECT * FROM ks.t WHERE (name LIKE 'ab%') AND (n IN (1, 2, 3)) ALLOW FILTERING"},
		{"SELECT * FROM ks.t PER PARTITION LIMIT 1", "SELECT * FROM ks.t PER PARTITION LIMIT 1"},
		{"select * from t per partition limit 2 limit 5 allow filtering", "SELECT * FROM t PER PARTITION LIMIT 2 LIMIT 5 ALLOW FILTERING"},
		{"SELECT * FROM t WHERE s = {1, 2} AND l = [3, -4] AND m = {'a': 1, 'b': [2]} AND e = {}",
			"SELECT * FROM t WHERE (((s = {1, 2}) AND (l = [3, -4])) AND (m = {'a': 1, 'b': [2]})) AND (e = {})"},
		{"SELECT l[0], m['k'] FROM t WHERE tags CONTAINS -1", "SELECT l[0], m['k'] FROM t WHERE tags CONTAINS -1"},
		// Words Cassandra reserves but MySQL does not are quoted when printed, and so sent.
		{`SELECT "table", "token", "primary", "contains" FROM ks."order"`,
			`SELECT "table", "token", "primary", "contains" FROM ks."order"`},
		// CONTAINS is an operator only after a column; alone it is a column's name.
		{"SELECT contains FROM t WHERE contains CONTAINS 'x'", `SELECT "contains" FROM t WHERE "contains" CONTAINS 'x'`},
		{`SELECT * FROM t WHERE tags CONTAINS "key"`, `SELECT * FROM t WHERE tags CONTAINS "key"`},
		// Duration-shaped names: ISO 8601 durations are upper case only, so p3m is an identifier.
		{"SELECT p3m, pt5m, p2w FROM p3m.p4m WHERE x = P3M AND y = PT5M AND z = P2W AND w = P0001-02-03T04:05:06",
			"SELECT p3m, pt5m, p2w FROM p3m.p4m WHERE (((x = P3M) AND (y = PT5M)) AND (z = P2W)) AND (w = P0001-02-03T04:05:06)"},
		{"SELECT P3Mx, PM, P3M2Y FROM t", "SELECT p3mx, pm, p3m2y FROM t"},
		{"SELECT token(id), writetime(v), maxWriteTime(v) FROM t", "SELECT token(id), writetime(v), maxwritetime(v) FROM t"},
		{"SELECT CAST(x AS text), cast(f(y) as Double), toDate(ts) AS d FROM t WHERE CAST(x AS int) > 1 GROUP BY toDate(ts)",
			"SELECT CAST(x AS text), CAST(f(y) AS double), todate(ts) AS d FROM t WHERE CAST(x AS int) > 1 GROUP BY todate(ts)"},
		{`SELECT addr.zip, a.b.c, "A"."Z" FROM t WHERE addr.zip = 5`, `SELECT addr.zip, a.b.c, "A"."Z" FROM t WHERE addr.zip = 5`},
		{"SELECT cast, json FROM t", "SELECT cast, json FROM t"},
		{`SELECT system.to_date(ts), "Ks"."myFn"(x, 1) FROM t`, `SELECT system.to_date(ts), "Ks"."myFn"(x, 1) FROM t`},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			st, err := Parse(c.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := st.String(); got != c.want {
				t.Fatalf("printed\n  %s\nwant\n  %s", got, c.want)
			}
			again, err := Parse(st.String())
			if err != nil {
				t.Fatalf("re-parse of %q: %v", st.String(), err)
			}
			if !reflect.DeepEqual(st, again) {
				t.Fatalf("re-parse changed the tree:\n  %#v\n  %#v", st, again)
			}
		})
	}
}

func TestParseNonSelect(t *testing.T) {
	st, err := Parse(`use "MyKs";`)
	if err != nil || !reflect.DeepEqual(st, &Use{Keyspace: "MyKs"}) {
		t.Fatalf("USE: %#v %v", st, err)
	}
	st, err = Parse("CREATE TABLE ks.t (id int PRIMARY KEY);")
	if err != nil || !reflect.DeepEqual(st, &Passthrough{Text: "CREATE TABLE ks.t (id int PRIMARY KEY)"}) {
		t.Fatalf("passthrough: %#v %v", st, err)
	}
	// SELECTs only Cassandra can answer go to it as written.
	for _, q := range []string{"SELECT JSON * FROM t", "select json a, b from ks.t where a = 1", "SELECT JSON DISTINCT a FROM t",
		"SELECT id FROM t ORDER BY v ANN OF [0.1, 0.2] LIMIT 3"} {
		if st, err := Parse(q + ";"); err != nil || !reflect.DeepEqual(st, &Passthrough{Text: q}) {
			t.Errorf("%s: %#v %v, want it passed through", q, st, err)
		}
	}
	for _, q := range []string{"SELECT json FROM t", "SELECT json, a FROM t", "SELECT json AS j FROM t"} {
		if st, err := Parse(q); err != nil {
			t.Errorf("%s: %v", q, err)
		} else if _, ok := st.(*Select); !ok {
			t.Errorf("%s: %T, want a Select of the column json", q, st)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		in      string
		line    int
		col     int
		contain string
		unsup   bool
	}{
		{"SELECT a FROM", 1, 14, "unexpected end of statement", false},
		{"SELECT a FROM t WHERE", 1, 22, "unexpected end", false},
		{"SELECT a,, b FROM t", 1, 10, `near ","`, false},
		{"SELECT a FROM t\nWHERE a = = 1", 2, 11, `near "="`, false},
		{"SELECT a FROM t JOIN u ON a = b", 1, 17, "JOIN is not supported", true},
		{"SELECT a FROM t WHERE a IN (SELECT b FROM u)", 1, 29, "subquery", true},
		{"SELECT CASE WHEN a THEN 1 END FROM t", 1, 8, "CASE", true},
		{"SELECT a FROM t LIMIT 5 OFFSET 3", 1, 25, "OFFSET", true},
		{"SELECT a FROM (SELECT b FROM u)", 1, 32, "unexpected end", false},
		{"SELECT a FROM t x", 1, 1, "table alias", true},
		{"SELECT row_number() OVER (ORDER BY a) FROM t", 1, 21, "window functions (OVER) are not supported", true},
		{"SELECT a FROM t LIMIT 0", 1, 1, "positive", false},
		{"SELECT 'open FROM t", 1, 8, "unterminated string", false},
		{`SELECT "" FROM t`, 1, 8, "empty quoted identifier", false},
		{"SELECT a /* never closed", 1, 10, "unterminated /* comment", false},
		{"SELECT a FROM t WHERE a = #", 1, 27, "unexpected character", false},
		{"USE", 1, 4, "keyspace name", false},
		{"EXPLAIN DROP TABLE t", 1, 9, "EXPLAIN takes a SELECT", false},
		{"EXPLAIN ANALYZE DROP TABLE t", 1, 17, "EXPLAIN takes a SELECT", false},
		{"EXPLAIN ANALYZE", 1, 16, "EXPLAIN takes a SELECT", false},
		{"SELECT * FROM t PER PARTITION LIMIT x", 1, 37, "PER PARTITION LIMIT takes", false},
		{"SELECT * FROM t WHERE s = {1, 2", 1, 27, "unclosed {", false},
		{"SELECT * FROM t WHERE s = {1, 2]", 1, 32, "expected } to close {", false},
		{"SELECT * FROM t WHERE 1 CONTAINS 2", 1, 25, `near "CONTAINS"`, false},
		{"SELECT _x FROM t", 1, 8, "unexpected character '_'", false},
		{"SELECT café FROM t", 1, 11, "unexpected character 'é'", false},
		{"SELECT 1", 1, 9, "SELECT needs FROM", false},
		{`SELECT "0"()`, 1, 13, "SELECT needs FROM", false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			_, err := Parse(c.in)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error = %v, want a SyntaxError", c.in, err)
			}
			if se.Pos.Line != c.line || se.Pos.Col != c.col {
				t.Errorf("error %q at %s, want line %d, char %d", err, se.Pos, c.line, c.col)
			}
			if !strings.Contains(err.Error(), c.contain) {
				t.Errorf("error %q does not mention %q", err, c.contain)
			}
			if c.unsup != errors.Is(err, ErrUnsupported) {
				t.Errorf("errors.Is(%q, ErrUnsupported) = %v, want %v", err, !c.unsup, c.unsup)
			}
		})
	}
}

func TestLex(t *testing.T) {
	toks, err := Lex(`Foo "Bar" 'x''y' $$z$$ 0xAb 12 3.5e-2 1h30m 01234567-89ab-cdef-0123-456789abcdef <= != ?`)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		k Kind
		v string
	}{{Ident, "foo"}, {QuotedIdent, "Bar"}, {String, "x'y"}, {String, "z"}, {Blob, "0xab"}, {Number, "12"},
		{Number, "3.5e-2"}, {Duration, "1h30m"}, {UUID, "01234567-89ab-cdef-0123-456789abcdef"},
		{Punct, "<="}, {Punct, "!="}, {Punct, "?"}, {EOF, ""}}
	if len(toks) != len(want) {
		t.Fatalf("got %d tokens: %v", len(toks), toks)
	}
	for i, w := range want {
		if toks[i].Kind != w.k || toks[i].Value != w.v {
			t.Errorf("token %d = %v %q, want %v %q", i, toks[i].Kind, toks[i].Value, w.k, w.v)
		}
	}
	if toks[1].Pos != (Pos{Offset: 4, Line: 1, Col: 5}) {
		t.Errorf("position of \"Bar\" = %+v", toks[1].Pos)
	}
}

func TestSplitStatements(t *testing.T) {
	cases := []struct {
		in       string
		stmts    []string
		rest     string
		complete bool
	}{
		{"SELECT 1 FROM t; SELECT 2 FROM t;", []string{"SELECT 1 FROM t", "SELECT 2 FROM t"}, "", true},
		{"SELECT ';' FROM t; -- done; really\n", []string{"SELECT ';' FROM t"}, "", true},
		{"SELECT 'it''s;' FROM t", nil, "SELECT 'it''s;' FROM t", false},
		{"SELECT $$a;b$$ FROM t; SELECT", []string{"SELECT $$a;b$$ FROM t"}, "SELECT", false},
		{"SELECT \"a;\" /* ; */ FROM t;;", []string{"SELECT \"a;\" /* ; */ FROM t"}, "", true},
		{"SELECT 'open", nil, "SELECT 'open", false},
		{"   ", nil, "", true},
		{"BEGIN UNLOGGED BATCH INSERT INTO t (a) VALUES (';'); INSERT INTO t (a) VALUES (2); APPLY BATCH; SELECT 1 FROM t;",
			[]string{"BEGIN UNLOGGED BATCH INSERT INTO t (a) VALUES (';'); INSERT INTO t (a) VALUES (2); APPLY BATCH", "SELECT 1 FROM t"}, "", true},
		{"begin batch using timestamp 5\n  insert into t (a) values (1);\n  delete from t where a = 2;\napply   batch;",
			[]string{"begin batch using timestamp 5\n  insert into t (a) values (1);\n  delete from t where a = 2;\napply   batch"}, "", true},
		{"BEGIN COUNTER BATCH UPDATE c SET n = n + 1 WHERE k = 1 APPLY BATCH;",
			[]string{"BEGIN COUNTER BATCH UPDATE c SET n = n + 1 WHERE k = 1 APPLY BATCH"}, "", true},
		{"BEGIN BATCH INSERT INTO t (a) VALUES (1); -- apply batch;\n",
			nil, "BEGIN BATCH INSERT INTO t (a) VALUES (1); -- apply batch;", false},
		{"BEGIN BATCH INSERT INTO t (a) VALUES (1);", nil, "BEGIN BATCH INSERT INTO t (a) VALUES (1);", false},
		{"BEGIN LOGGED BATCH INSERT INTO t (a) VALUES (1);APPLY BATCH;", []string{"BEGIN LOGGED BATCH INSERT INTO t (a) VALUES (1);APPLY BATCH"}, "", true},
		{"BEGIN TRANSACTION; SELECT 1 FROM t;", []string{"BEGIN TRANSACTION", "SELECT 1 FROM t"}, "", true},
	}
	for _, c := range cases {
		stmts, rest, complete := SplitStatements(c.in)
		if !reflect.DeepEqual(stmts, c.stmts) || rest != c.rest || complete != c.complete {
			t.Errorf("SplitStatements(%q) = %q, %q, %v; want %q, %q, %v", c.in, stmts, rest, complete,
				c.stmts, c.rest, c.complete)
		}
	}
}

// FuzzParse checks that no input makes the lexer, splitter or parser panic, and that whatever parses
// prints back to text that parses to the same tree.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"SELECT count(*) FROM ks.t", `SELECT "A" FROM t WHERE x = 'y''z' AND n IN (1, 2)`,
		"select a, count(*) from t group by a having count(*) > 1 order by a desc limit 3", "USE ks",
		"SELECT * FROM t WHERE u = 01234567-89ab-cdef-0123-456789abcdef AND b = 0xff AND d = 1h",
		`SELECT "table", contains, p3m FROM ks."order" WHERE tags CONTAINS KEY 'k' AND x = P3M`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		SplitStatements(s)
		st, err := Parse(s)
		if err != nil {
			return
		}
		if _, ok := st.(*Passthrough); ok {
			return
		}
		again, err := Parse(st.String())
		if err != nil {
			t.Fatalf("%q printed as %q, which does not parse: %v", s, st.String(), err)
		}
		if !reflect.DeepEqual(again, st) {
			t.Fatalf("%q printed as %q, which parses to another tree:\n  %#v\n  %#v", s, st.String(), st, again)
		}
	})
}

func TestWalkAndRewrite(t *testing.T) {
	st, err := Parse("SELECT * FROM t WHERE a BETWEEN 1 AND f(b) AND c IN (d, 2) AND tags CONTAINS e AND m[g] IS NULL")
	if err != nil {
		t.Fatal(err)
	}
	where := st.(*Select).Where
	var cols []string
	Walk(where, func(e Expr) {
		if c, ok := e.(*ColumnRef); ok {
			cols = append(cols, c.Name)
		}
	})
	if got := strings.Join(cols, " "); got != "a b c d tags e m g" {
		t.Errorf("Walk visited %q", got)
	}
	before := where.String()
	renamed := Rewrite(where, func(e Expr) (Expr, bool) {
		if c, ok := e.(*ColumnRef); ok {
			return &ColumnRef{Name: c.Name + "2"}, true
		}
		return nil, false
	})
	want := "(((a2 BETWEEN 1 AND f(b2)) AND (c2 IN (d2, 2))) AND (tags2 CONTAINS e2)) AND (m2[g2] IS NULL)"
	if renamed.String() != want {
		t.Errorf("Rewrite gave %s, want %s", renamed, want)
	}
	if where.String() != before {
		t.Errorf("Rewrite modified its input: %s", where)
	}
}
