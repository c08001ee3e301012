package cqlshdiff

import (
	"reflect"
	"strings"
	"testing"
)

// These tests need no cluster: they pin the corpus reader, the table parser and the normalisations
// on output copied from cqlsh 6.2 (PyPI) and cqlscan runs.

func TestParseCorpus(t *testing.T) {
	c, err := ParseCorpus(`-- a note
== setup
CREATE TABLE ks.t (k int PRIMARY KEY);
== statements
-- a note is not a mark
SELECT * FROM ks.t WHERE k = 1;
-- unordered
SELECT * FROM ks.t;
-- pending: not done yet
-- unordered
SELECT k FROM ks.t;
`)
	if err != nil {
		t.Fatal(err)
	}
	want := []Statement{
		{Text: "SELECT * FROM ks.t WHERE k = 1;", Line: 6},
		{Text: "SELECT * FROM ks.t;", Line: 8, Unordered: true},
		{Text: "SELECT k FROM ks.t;", Line: 11, Unordered: true, Pending: "not done yet"},
	}
	if len(c.Setup) != 1 || !reflect.DeepEqual(c.Statements, want) {
		t.Errorf("got setup %+v, statements %+v", c.Setup, c.Statements)
	}
	for _, bad := range []string{
		"SELECT 1;", // before any section
		"== statements\nSELECT * FROM ks.t WHERE k = 1", // no ';'
		"== statements\n-- pending:\nSELECT 1;",         // no reason
		"== setup\n-- unordered\nCREATE TABLE t (k int PRIMARY KEY);\n== statements\nSELECT 1;",
		"== setup\nCREATE TABLE t (k int PRIMARY KEY);", // no statements
	} {
		if _, err := ParseCorpus(bad); err == nil {
			t.Errorf("ParseCorpus accepted %q", bad)
		}
	}
}

// cqlshRun is cqlsh's output for four statements between markers: a table with a " | " in a value, a
// wide character and an empty last cell (whose padding cqlscan trims), a count with cqlsh's warnings
// after it, an empty result (cqlsh puts two blank lines before its footer), and a single-column table
// whose second row is an empty string.
const cqlshRun = `
 cqlshdiff_marker
------------------
                0

(1 rows)

 k | asci  | txt
---+-------+------------
 6 | a | b | 日本 | x
 7 |     ~ |

(2 rows)

 cqlshdiff_marker
------------------
                1

(1 rows)

 count
-------
     8

(1 rows)

Warnings :
Aggregation query used without partition key


 cqlshdiff_marker
------------------
                2

(1 rows)

 k | v
---+---


(0 rows)

 cqlshdiff_marker
------------------
                3

(1 rows)

 asci
------
    a


(2 rows)
Failed to format value x : boom

 cqlshdiff_marker
------------------
                4

(1 rows)
`

func TestSplit(t *testing.T) {
	outs, err := Split(cqlshRun, 4)
	if err != nil {
		t.Fatal(err)
	}
	want := []Table{
		{Header: []string{"k", "asci", "txt"}, Rows: [][]string{{"6", "a | b", "日本 | x"}, {"7", "~", ""}}, Footer: 2},
		{Header: []string{"count"}, Rows: [][]string{{"8"}}, Footer: 1},
		{Header: []string{"k", "v"}, Footer: 0},
		{Header: []string{"asci"}, Rows: [][]string{{"a"}, {""}}, Footer: 2},
	}
	for i, w := range want {
		if len(outs[i].Tables) != 1 || !reflect.DeepEqual(outs[i].Tables[0], w) {
			t.Errorf("statement %d: got %+v, want %+v", i, outs[i].Tables, w)
		}
		if len(outs[i].Other) != 0 {
			t.Errorf("statement %d: other lines %q", i, outs[i].Other)
		}
	}
	if got := strings.Join(outs[1].Notes, "|"); got != "Warnings :|Aggregation query used without partition key" {
		t.Errorf("warnings: %q", got)
	}
	if len(outs[3].Notes) != 1 {
		t.Errorf("decoding errors: %q", outs[3].Notes)
	}
	if _, err := Split(cqlshRun, 5); err == nil {
		t.Error("a missing marker was not noticed")
	}
	if _, err := Split(strings.Replace(cqlshRun, "                1\n", "                2\n", 1), 4); err == nil {
		t.Error("markers out of order were not noticed")
	}
}

func TestCellsMatch(t *testing.T) {
	for _, c := range []struct {
		cqlsh, cqlscan string
		match          bool
	}{
		{"abc", "abc", true},
		{"abc", "abd", false},
		// Float digits: cqlsh rounds to 5 significant digits, cqlscan prints the shortest exact text.
		{"3.14159", "3.141592653589793", true},
		{"1.7977e+308", "1.7976931348623157e+308", true},
		{"4.9407e-324", "5e-324", true},
		{"1.4013e-45", "1e-45", true}, // a float: its float32 value has more digits
		{"3.4028e+38", "3.4028235e+38", true},
		{"1.2346e+08", "1.23456789123e+08", true},
		{"0.000123", "0.0001234", true},
		{"[1.5, -0.1, 3]", "[1.5, -0.1, 3]", true},
		{"{0.333333: 1}", "{0.3333333333333333: 1}", true},
		{"3.14159", "3.14158", false},
		{"12346", "12345", false}, // integers are exact
		// NULL in a tuple.
		{"(1, None, 'None')", "(1, null, null)", true},
		{"[(None, 'a')]", "[(null, 'a')]", true},
		{"None", "null", false}, // outside a tuple: a text value
		{"('None')", "('None')", true},
		// A user type's field name that is not a Python identifier.
		{"{field_0_: 'Zürich', zip: 8001}", `{"City name": 'Zürich', zip: 8001}`, true},
		{"{field_0_: 'Zürich'}", `{other: 'Zürich'}`, false},
		// Timestamps to the millisecond, years unpadded.
		{"9999-12-31 23:59:59.998993+0000", "9999-12-31 23:59:59.999000+0000", true},
		{"1-01-01 00:00:00.000000+0000", "0001-01-01 00:00:00.000000+0000", true},
		{"['2020-01-02 03:04:05.000000+0000']", "['2020-01-02 03:04:05.001000+0000']", false},
		// A zero duration.
		{"", "0s", true},
		// Sets and maps in any order, user types in order.
		{"{'10.0.0.10', '10.0.0.2', '::1'}", "{'::1', '10.0.0.2', '10.0.0.10'}", true},
		{"{1: 'a', 2: 'b'}", "{2: 'b', 1: 'a'}", true},
		{"{'a, b', 'c'}", "{'c', 'a, b'}", true},
		{"{'a', 'b'}", "{'a', 'c'}", false},
		{"{x: 1, y: 2}", "{y: 2, x: 1}", false},
	} {
		if got := CellsMatch(c.cqlsh, c.cqlscan); got != c.match {
			t.Errorf("CellsMatch(%q, %q) = %v, want %v", c.cqlsh, c.cqlscan, got, c.match)
		}
	}
}

func TestCqlshFloat(t *testing.T) {
	// As cqlsh 6.2 printed these doubles and floats (precision 5).
	for v, want := range map[float64]string{
		3.141592653589793: "3.14159", 123456789.123: "1.2346e+08", 0.0001234: "0.000123", 1e-05: "1e-05",
		1.5: "1.5", -0.25: "-0.25", 1e100: "1e+100", 16777216: "1.6777e+07", 0: "0", 2.5: "2.5",
	} {
		if got := CqlshFloat(v, 5); got != want {
			t.Errorf("CqlshFloat(%v, 5) = %q, want %q", v, got, want)
		}
	}
}

func TestCompareUnordered(t *testing.T) {
	a := Output{Tables: []Table{{Header: []string{"k", "t"}, Rows: [][]string{{"1", "(None, 1)"}, {"2", "x"}}, Footer: 2}}}
	b := Output{Tables: []Table{{Header: []string{"k", "t"}, Rows: [][]string{{"2", "x"}, {"1", "(null, 1)"}}, Footer: 2}}}
	if d := Compare(a, b, true); len(d) != 0 {
		t.Errorf("unordered: %q", d)
	}
	if d := Compare(a, b, false); len(d) == 0 {
		t.Error("rows out of order were not noticed")
	}
	b.Tables[0].Footer = 3
	if d := Compare(a, b, true); len(d) != 1 {
		t.Errorf("a wrong footer: %q", d)
	}
}

func TestSideBySide(t *testing.T) {
	got := SideBySide([]string{" k", "---", " 日"}, []string{" k", "---"})
	want := "cqlsh ‖ cqlscan\n===== ‖ =======\n k    ‖  k\n---   ‖ ---\n 日   ‖ \n"
	if got != want {
		t.Errorf("SideBySide:\n%s\nwant:\n%s", got, want)
	}
}
