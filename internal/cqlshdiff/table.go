package cqlshdiff

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/mattn/go-runewidth"
)

// Table is a result table as a tool printed it, cut into cells (spaces around each cell trimmed).
type Table struct {
	Header []string
	Rows   [][]string
	Footer int // N of the "(N rows)" line after the table; -1 when there is none
}

// Output is what a tool printed for one statement.
type Output struct {
	Tables []Table
	Other  []string // non-blank lines outside tables, but for those Compare ignores (see Notes)
	Notes  []string // lines dropped by a normalisation: cqlsh's Warnings blocks and decoding errors
	Raw    []string // every line as printed, for failure messages
}

// MarkerColumn names the column of the marker statements that separate the corpus's statements in
// one batch run: SELECT n AS cqlshdiff_marker FROM cqlshdiff.marker WHERE n = N.
const MarkerColumn = "cqlshdiff_marker"

// MarkerStatement is the marker statement before corpus statement n (and after the last, n = count).
func MarkerStatement(keyspace string, n int) string {
	return fmt.Sprintf("SELECT n AS %s FROM %s.marker WHERE n = %d;", MarkerColumn, keyspace, n)
}

var (
	ruleLine   = regexp.MustCompile(`^-+(\+-+)*$`)
	footerLine = regexp.MustCompile(`^\((\d+) rows\)$`)
)

// Split cuts a batch run's standard output into the outputs of statements 0…n-1, the text between
// marker n and marker n+1 being statement n's. Lines before the first marker are dropped.
func Split(stdout string, n int) ([]Output, error) {
	outs := make([]Output, n)
	cur := -1 // the statement whose output is being read; -1 before the first marker
	next := 0 // the marker expected next
	lines := strings.Split(strings.ReplaceAll(stdout, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); {
		t, end, ok := parseTable(lines, i)
		if ok && len(t.Header) == 1 && t.Header[0] == MarkerColumn && len(t.Rows) == 1 {
			if t.Rows[0][0] != strconv.Itoa(next) {
				return nil, fmt.Errorf("marker %s where marker %d was expected: a statement's output is missing or out of order", t.Rows[0][0], next)
			}
			cur, next, i = next, next+1, end
			continue
		}
		if cur < 0 || cur >= n {
			if cur >= n && strings.TrimSpace(lines[i]) != "" {
				return nil, fmt.Errorf("output after the last marker: %q", lines[i])
			}
			i++
			continue
		}
		out := &outs[cur]
		if ok {
			out.Tables = append(out.Tables, t)
			out.Raw = append(out.Raw, lines[i:end]...)
			i = end
			continue
		}
		out.Raw = append(out.Raw, lines[i])
		if strings.TrimSpace(lines[i]) != "" {
			out.Other = append(out.Other, lines[i])
		}
		i++
	}
	if next != n+1 {
		return nil, fmt.Errorf("found %d of the %d markers: the run stopped early", next, n+1)
	}
	for i := range outs {
		outs[i].Raw = trimBlank(outs[i].Raw)
		outs[i].dropNotes()
	}
	return outs, nil
}

// parseTable reads a table starting at lines[i]: a header line, a rule of dashes and pluses, the rows,
// and the "(N rows)" footer after blank lines. The footer says how many of the lines after the rule
// are rows, so that a row whose cells are all empty (a blank line) is still a row; without a
// footer, the rows end at the first blank line. It returns the index of the first line after the
// table.
func parseTable(lines []string, i int) (Table, int, bool) {
	if i+1 >= len(lines) || !strings.HasPrefix(lines[i], " ") || !ruleLine.MatchString(lines[i+1]) {
		return Table{}, i, false
	}
	rule := lines[i+1]
	t := Table{Header: splitCells(lines[i], rule), Footer: -1}
	first := i + 2
	for k := first; k < len(lines) && !ruleLine.MatchString(lines[k]); k++ {
		m := footerLine.FindStringSubmatch(lines[k])
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		if n > k-first || !allBlank(lines[first+n:k]) {
			break
		}
		t.Footer = n
		for _, l := range lines[first : first+n] {
			t.Rows = append(t.Rows, splitCells(l, rule))
		}
		return t, k + 1, true
	}
	j := first
	for ; j < len(lines) && strings.TrimSpace(lines[j]) != ""; j++ {
		t.Rows = append(t.Rows, splitCells(lines[j], rule))
	}
	return t, j, true
}

func allBlank(lines []string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			return false
		}
	}
	return true
}

// splitCells cuts a header or row line into its cells at the " | " separators. When a value holds
// " | " itself, the separators are the occurrences nearest to the columns' borders in the rule line
// (in terminal cells, as both tools pad by display width).
func splitCells(line, rule string) []string {
	cols := strings.Count(rule, "+") + 1
	if strings.Count(line, " | ") < cols-1 {
		// An empty last cell, its padding trimmed (cqlscan trims the ends of lines).
		if trimmed := strings.TrimRight(line, " "); strings.HasSuffix(trimmed, " |") {
			line = trimmed + " "
		}
	}
	var seps []int // byte offsets of the '|' of each " | "
	for off := 0; ; {
		k := strings.Index(line[off:], " | ")
		if k < 0 {
			break
		}
		seps = append(seps, off+k+1)
		off += k + 1
	}
	if len(seps) > cols-1 {
		seps = nearestSeparators(line, rule, seps, cols-1)
	}
	cells := make([]string, 0, len(seps)+1)
	start := 0
	for _, s := range seps {
		cells = append(cells, strings.TrimSpace(line[start:s]))
		start = s + 1
	}
	return append(cells, strings.TrimSpace(line[start:]))
}

// nearestSeparators picks, for each '+' of the rule, the separator whose display column is nearest.
func nearestSeparators(line, rule string, seps []int, want int) []int {
	var borders []int
	for k, r := range rule {
		if r == '+' {
			borders = append(borders, k) // the rule is ASCII: byte offset = display column
		}
	}
	picked := make([]int, 0, want)
	from := 0
	for _, b := range borders {
		best := -1
		for s := from; s < len(seps) && len(seps)-s >= want-len(picked); s++ {
			d := runewidth.StringWidth(line[:seps[s]]) - b
			if best < 0 || abs(d) < abs(runewidth.StringWidth(line[:seps[best]])-b) {
				best = s
			}
		}
		if best < 0 {
			break
		}
		picked = append(picked, seps[best])
		from = best + 1
	}
	return picked
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// dropNotes moves the lines a normalisation ignores from Other to Notes: cqlsh's "Warnings :" block
// of server warnings (printed before or after the table, so everything after its title is taken for
// warnings), and cqlsh's reports of values it failed to format (the cell still shows the value).
func (o *Output) dropNotes() {
	var keep []string
	warnings := false
	for _, l := range o.Other {
		switch {
		case strings.TrimSpace(l) == "Warnings :":
			warnings = true
			o.Notes = append(o.Notes, l)
		case warnings, strings.HasPrefix(l, "Failed to format value"), strings.HasSuffix(l, "more decoding errors suppressed."):
			o.Notes = append(o.Notes, l)
		default:
			keep = append(keep, l)
		}
	}
	o.Other = keep
}

// trimBlank drops blank lines at both ends.
func trimBlank(lines []string) []string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}
