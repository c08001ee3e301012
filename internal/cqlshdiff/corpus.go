// Package cqlshdiff is the differential test of cqlscan against cqlsh, the tool it replaces: the
// statements of a corpus (testdata/corpus.cql) run through both, and both must print the same tables
// (column headers, rows, values, row order) after a few named normalisations for differences that
// are deliberate or cosmetic (see Compare). The package holds the corpus reader, the parser of the
// tables both tools print, and the comparison; cqlshdiff_test.go runs them against the test cluster.
package cqlshdiff

import (
	"bufio"
	"fmt"
	"strings"
)

// Corpus is a parsed corpus file: setup statements run once through the driver, then the statements
// run through both tools.
type Corpus struct {
	Setup      []Statement
	Statements []Statement
}

// Statement is one statement of a corpus with its marks.
type Statement struct {
	Text string // one line, ending in ';'
	Line int    // where it is in the corpus file
	// Unordered compares the rows as sorted sets, for reads of several partitions without ORDER BY
	// while cqlscan does not yet return rows in token order.
	Unordered bool
	// Pending, when set, says why the statement cannot pass yet: a difference is reported, not failed.
	Pending string
	// Silent marks a statement that prints nothing when it works (USE, a BATCH): it must not fail in
	// either tool.
	Silent bool
}

// Corpus file syntax.
const (
	setupHeader      = "== setup"
	statementsHeader = "== statements"
	unorderedMark    = "-- unordered"
	pendingMark      = "-- pending:"
	silentMark       = "-- silent"
)

// ParseCorpus reads a corpus: a "== setup" section then a "== statements" section, one statement a
// line. Comment lines ("--") right above a statement may mark it "-- unordered" or
// "-- pending: reason"; other comments and blank lines are ignored, and marks apply to the next
// statement only.
func ParseCorpus(text string) (*Corpus, error) {
	c := &Corpus{}
	var section *[]Statement
	var next Statement
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == setupHeader:
			section = &c.Setup
		case line == statementsHeader:
			section = &c.Statements
		case line == "":
		case line == unorderedMark:
			next.Unordered = true
		case line == silentMark:
			next.Silent = true
		case strings.HasPrefix(line, pendingMark):
			if next.Pending = strings.TrimSpace(strings.TrimPrefix(line, pendingMark)); next.Pending == "" {
				return nil, fmt.Errorf("corpus line %d: a pending mark needs a reason", n)
			}
		case strings.HasPrefix(line, "--"):
		default:
			if section == nil {
				return nil, fmt.Errorf("corpus line %d: statement before %q or %q", n, setupHeader, statementsHeader)
			}
			if !strings.HasSuffix(line, ";") {
				return nil, fmt.Errorf("corpus line %d: a statement is one line ending in ';': %s", n, line)
			}
			if section == &c.Setup && (next.Unordered || next.Pending != "" || next.Silent) {
				return nil, fmt.Errorf("corpus line %d: setup statements take no marks", n)
			}
			next.Text, next.Line = line, n
			*section = append(*section, next)
			next = Statement{}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(c.Statements) == 0 {
		return nil, fmt.Errorf("corpus: no statements under %q", statementsHeader)
	}
	return c, nil
}
