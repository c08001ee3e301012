package cqlshdiff

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-runewidth"
)

// Compare checks what cqlscan printed for a statement against what cqlsh printed, and returns the
// differences (none when they agree). Both must print the same tables: the same column headers,
// the same number of rows, in the same order unless unordered, with the same cells, after these
// normalisations, each for a difference that is cosmetic, deliberate (documented in the README) or
// an artefact of cqlsh's Python driver:
//
//   - layout: tables are compared cell by cell, so padding, column widths and the spaces around a
//     value do not count (a value's own leading and trailing spaces are lost with them); blank lines
//     and the "(N rows)" footer's position do not count, but each footer must match its table;
//   - cqlsh's "Warnings :" block of server warnings, which it prints before or after the table, is
//     ignored, as are its "Failed to format value" reports (the cell still shows the value);
//   - float digits: cqlsh rounds float and double values to 5 significant digits by default (12 in
//     some versions), cqlscan prints the shortest text that reads back as the same value. A number
//     of cqlscan's matches cqlsh's when cqlsh's rounding of it gives cqlsh's text, nested values
//     included;
//   - NULL inside a tuple: cqlsh prints Python's None ('None' where the element's type is quoted),
//     cqlscan null, as cqlsh itself does inside user types;
//   - a zero duration: cqlsh prints nothing, cqlscan 0s;
//   - timestamps to the millisecond, Cassandra's precision: cqlsh goes through floating point and
//     prints 9999-12-31 23:59:59.999 as …59.998993; and cqlsh prints the year 1 as 1, cqlscan 0001;
//   - a user type's field whose name is not a Python identifier: cqlsh shows the driver's
//     field_N_, cqlscan the name (quoted as CQL quotes it);
//   - the elements of sets and maps in any order: the Python driver sorts them by Python's order of
//     the decoded values (addresses as text, uuids as numbers), cqlscan keeps Cassandra's order;
//   - unordered statements compare their rows sorted.
//
// Any other line either tool prints on standard output for the statement must be the same in both.
func Compare(cqlsh, cqlscan Output, unordered bool) []string {
	var diffs []string
	if len(cqlsh.Tables) != len(cqlscan.Tables) {
		diffs = append(diffs, fmt.Sprintf("cqlsh printed %d tables, cqlscan %d", len(cqlsh.Tables), len(cqlscan.Tables)))
	}
	for i := 0; i < len(cqlsh.Tables) && i < len(cqlscan.Tables); i++ {
		diffs = append(diffs, compareTables(cqlsh.Tables[i], cqlscan.Tables[i], unordered)...)
	}
	if a, b := joinTrimmed(cqlsh.Other), joinTrimmed(cqlscan.Other); a != b {
		diffs = append(diffs, fmt.Sprintf("other output: cqlsh %q, cqlscan %q", a, b))
	}
	return diffs
}

func compareTables(want, got Table, unordered bool) []string {
	var diffs []string
	for _, t := range []struct {
		who string
		t   Table
	}{{"cqlsh", want}, {"cqlscan", got}} {
		if t.t.Footer != len(t.t.Rows) {
			diffs = append(diffs, fmt.Sprintf("%s: footer says %d rows, the table has %d", t.who, t.t.Footer, len(t.t.Rows)))
		}
	}
	if !equalStrings(want.Header, got.Header) {
		return append(diffs, fmt.Sprintf("headers differ: cqlsh %q, cqlscan %q", want.Header, got.Header))
	}
	if len(want.Rows) != len(got.Rows) {
		return append(diffs, fmt.Sprintf("cqlsh printed %d rows, cqlscan %d", len(want.Rows), len(got.Rows)))
	}
	wantRows, gotRows := want.Rows, got.Rows
	if unordered {
		wantRows, gotRows = sortedRows(wantRows), sortedRows(gotRows)
	}
	for r := range wantRows {
		if len(wantRows[r]) != len(gotRows[r]) || len(wantRows[r]) != len(want.Header) {
			diffs = append(diffs, fmt.Sprintf("row %d: cqlsh has %d cells, cqlscan %d, for %d columns", r+1, len(wantRows[r]), len(gotRows[r]), len(want.Header)))
			continue
		}
		for c, w := range wantRows[r] {
			if !CellsMatch(w, gotRows[r][c]) {
				diffs = append(diffs, fmt.Sprintf("row %d, column %s: cqlsh %q, cqlscan %q", r+1, want.Header[c], w, gotRows[r][c]))
			}
		}
	}
	return diffs
}

// sortedRows orders rows by their cells, with cqlsh's None read as null so that both tools' rows
// sort alike.
func sortedRows(rows [][]string) [][]string {
	out := append([][]string(nil), rows...)
	key := func(r []string) string {
		parts := make([]string, len(r))
		for i, c := range r {
			parts[i] = strings.Join(tokens(c, true), "")
		}
		return strings.Join(parts, "\x00")
	}
	sort.SliceStable(out, func(i, j int) bool { return key(out[i]) < key(out[j]) })
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// CellsMatch compares a cell of cqlsh's with cqlscan's, under the normalisations of Compare.
func CellsMatch(cqlsh, cqlscan string) bool {
	if cqlsh == cqlscan {
		return true
	}
	if cqlsh == "" && cqlscan == "0s" { // a zero duration
		return true
	}
	cqlsh, cqlscan = canonicalTimestamps(cqlsh), canonicalTimestamps(cqlscan)
	return tokensMatch(cqlsh, cqlscan) || elementsMatch(cqlsh, cqlscan)
}

// tokensMatch compares two cells token by token: numbers by cqlsh's rounding, cqlsh's None in a
// tuple as null, cqlsh's field_N_ as a user type's field name that is not a Python identifier.
func tokensMatch(cqlsh, cqlscan string) bool {
	tuple := strings.Contains(cqlsh, "(")
	a, b := tokens(cqlsh, tuple), tokens(cqlscan, false)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		switch {
		case a[i] == b[i], floatsMatch(a[i], b[i]):
		case renamedField.MatchString(a[i]) && strings.HasPrefix(b[i], `"`) && i+1 < len(a) && a[i+1] == ":":
		default:
			return false
		}
	}
	return true
}

var (
	// cellToken is a quoted string ('…' with '' inside), a quoted name ("…"), a number, a name,
	// or any other character.
	cellToken = regexp.MustCompile(`'(?:[^']|'')*'|"(?:[^"]|"")*"|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|.`)
	number    = regexp.MustCompile(`^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$`)
	// renamedField is how the Python driver renames a user type's field whose name is not a
	// Python identifier ("City name" is field_0_ when it is the first field).
	renamedField = regexp.MustCompile(`^field_\d+_$`)
	// timestamp is a timestamp as both tools print it.
	timestamp = regexp.MustCompile(`(-?\d+)-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{6})([+-]\d{4})`)
)

// tokens cuts a cell into cellTokens; with none, cqlsh's None and 'None' (its NULL inside a tuple,
// quoted where the element's type is quoted) read as null.
func tokens(cell string, none bool) []string {
	ts := cellToken.FindAllString(cell, -1)
	if none {
		for i, t := range ts {
			if t == "None" || t == "'None'" {
				ts[i] = "null"
			}
		}
	}
	return ts
}

// floatsMatch reports whether cqlsh's number text is cqlsh's rounding of cqlscan's number, read as a
// double or as a float (cqlscan prints a float's shortest text as a float32, whose value as a
// double has more digits).
func floatsMatch(cqlsh, cqlscan string) bool {
	if !number.MatchString(cqlsh) || !number.MatchString(cqlscan) {
		return false
	}
	var values []float64
	if v, err := strconv.ParseFloat(cqlscan, 64); err == nil {
		values = append(values, v)
	}
	if v, err := strconv.ParseFloat(cqlscan, 32); err == nil {
		values = append(values, v)
	}
	for _, v := range values {
		for _, precision := range []int{5, 12} {
			if !math.IsInf(v, 0) && CqlshFloat(v, precision) == cqlsh {
				return true
			}
		}
	}
	return false
}

// canonicalTimestamps rewrites the timestamps in a cell to the millisecond, Cassandra's precision
// (cqlsh computes them through floating point, and 9999-12-31 23:59:59.999 comes out as
// …59.998993), with the year unpadded (cqlsh prints the year 1 as 1, cqlscan as 0001).
func canonicalTimestamps(cell string) string {
	return timestamp.ReplaceAllStringFunc(cell, func(ts string) string {
		m := timestamp.FindStringSubmatch(ts)
		n := make([]int, 7)
		for i := range n {
			n[i], _ = strconv.Atoi(m[i+1])
		}
		t := time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], n[6]*1000, time.UTC).Round(time.Millisecond)
		return fmt.Sprintf("%d-%02d-%02d %02d:%02d:%02d.%03d%s", t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(),
			t.Nanosecond()/1e6, m[8])
	})
}

// udtField begins a user type's field ("name: value"), as opposed to a map's entry, whose key is
// quoted, a number, a date, a uuid or a collection.
var udtField = regexp.MustCompile(`^(?:[A-Za-z_][A-Za-z0-9_]*|"(?:[^"]|"")*"): `)

// elementsMatch compares two sets or maps ({…}) element by element in any order: the Python driver
// sorts them by Python's order of the decoded values (addresses as text, uuids as numbers), cqlscan
// keeps Cassandra's. User types, whose fields have an order, are not sets.
func elementsMatch(cqlsh, cqlscan string) bool {
	if !strings.HasPrefix(cqlsh, "{") || !strings.HasSuffix(cqlsh, "}") ||
		!strings.HasPrefix(cqlscan, "{") || !strings.HasSuffix(cqlscan, "}") {
		return false
	}
	a, b := splitElements(cqlsh[1:len(cqlsh)-1]), splitElements(cqlscan[1:len(cqlscan)-1])
	if len(a) != len(b) {
		return false
	}
	for _, e := range append(append([]string(nil), a...), b...) {
		if udtField.MatchString(e) {
			return false
		}
	}
	used := make([]bool, len(b))
	for _, x := range a {
		found := false
		for j, y := range b {
			if !used[j] && CellsMatch(x, y) {
				used[j], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// splitElements cuts a collection's inside at the top-level ", " separators, outside quotes and
// brackets.
func splitElements(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0 // a doubled quote closes and reopens: the same for splitting
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '[' || c == '{' || c == '(':
			depth++
		case c == ']' || c == '}' || c == ')':
			depth--
		case c == ',' && depth == 0 && i+1 < len(s) && s[i+1] == ' ':
			out = append(out, s[start:i])
			start = i + 2
		}
	}
	return append(out, s[start:])
}

// CqlshFloat is v as cqlsh prints a float or double with the given precision: %g with precision
// significant digits, plus the digits before the point when the value is not printed in exponent
// form.
func CqlshFloat(v float64, precision int) string {
	exponent := math.MinInt
	if math.Abs(v) > 2.220446049250313e-16 { // Python's sys.float_info.epsilon
		exponent = int(math.Log10(math.Abs(v))) // truncated toward zero, as Python's int()
	}
	if exponent >= -4 && exponent < precision {
		precision += exponent + 1
	}
	return fmt.Sprintf("%.*g", precision, v)
}

// SideBySide prints cqlsh's lines and cqlscan's next to each other, for failure messages.
func SideBySide(cqlsh, cqlscan []string) string {
	width := len("cqlsh")
	for _, l := range cqlsh {
		width = max(width, runewidth.StringWidth(l))
	}
	var b strings.Builder
	row := func(l, r string) {
		fmt.Fprintf(&b, "%s%s ‖ %s\n", l, strings.Repeat(" ", width-runewidth.StringWidth(l)), r)
	}
	row("cqlsh", "cqlscan")
	row(strings.Repeat("=", width), strings.Repeat("=", 7))
	for i := 0; i < len(cqlsh) || i < len(cqlscan); i++ {
		var l, r string
		if i < len(cqlsh) {
			l = cqlsh[i]
		}
		if i < len(cqlscan) {
			r = cqlscan[i]
		}
		row(l, r)
	}
	return b.String()
}

// joinTrimmed joins lines without their trailing spaces, which are layout (cqlsh pads the last column
// of a DESCRIBE listing, cqlscan does not).
func joinTrimmed(lines []string) string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(out, "\n")
}
