package main

import (
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/cqlscan/cqlscan/bench/dataset"
)

// Answers in canonical form: a count is its decimal number; groups are "key,value…" lines sorted
// by key, with blobs as lower-case 0x hex and numbers without trailing zeros.

// parseCount finds the one number in a tool's output: cqlscan's CSV (a header and a value), cqlsh's
// table (a header, a rule, the value, "(1 rows)"), or wc -l.
func parseCount(out string) (string, error) {
	var found []string
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if _, err := strconv.ParseInt(line, 10, 64); err == nil {
			found = append(found, line)
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("want one number in the output, found %d: %q", len(found), clip(out))
	}
	return found[0], nil
}

// parseGroups reads "key,value…" CSV lines (cqlscan's has a header, which is dropped).
func parseGroups(out string) (string, error) {
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		return "", fmt.Errorf("%w: %q", err, clip(out))
	}
	var lines []string
	for _, r := range recs {
		if len(r) > 0 && (strings.EqualFold(r[0], "C0") || r[0] == "category") {
			continue // a header
		}
		for i := range r {
			r[i] = canonValue(r[i])
		}
		lines = append(lines, strings.Join(r, ","))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n"), nil
}

func canonValue(v string) string {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "0x") {
		return strings.ToLower(v)
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return v
}

// expectedStandard1Groups counts standard1's "C0" values as the generator made them.
func expectedStandard1Groups(rows int) string {
	counts := map[string]int{}
	for i := range rows {
		counts["0x"+hex.EncodeToString(dataset.Standard1Group(i))]++
	}
	var lines []string
	for k, n := range counts {
		lines = append(lines, k+","+strconv.Itoa(n))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// expectedSalesGroups is COUNT(*) and SUM(qty) by category, from the generator.
func expectedSalesGroups(rows int) string {
	type agg struct{ n, sum int }
	by := map[string]*agg{}
	for i := range rows {
		s := dataset.SalesRow(i, rows)
		a := by[s.Category]
		if a == nil {
			a = &agg{}
			by[s.Category] = a
		}
		a.n++
		if s.Qty != nil {
			a.sum += *s.Qty
		}
	}
	var lines []string
	for k, a := range by {
		lines = append(lines, fmt.Sprintf("%s,%d,%d", k, a.n, a.sum))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// expectedFiltered counts the rows the filtered-count question selects.
func expectedFiltered(rows int) string {
	n := 0
	for i := range rows {
		s := dataset.SalesRow(i, rows)
		if s.Region != nil && *s.Region == "eu-west" && s.Amount > 100 {
			n++
		}
	}
	return strconv.Itoa(n)
}

// salesColumns are the columns of SELECT * FROM sales, in Cassandra's order.
var salesColumns = []string{"store", "seq", "amount", "category", "note", "qty", "region", "ts"}

// checkSalesRows checks rows (the first holding column names) are 10 rows of the sales table:
// each row's store and category must be what the generator put at its seq.
func checkSalesRows(rows [][]string, n int) (string, error) {
	if len(rows) == 0 {
		return "", fmt.Errorf("no header")
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[strings.TrimSpace(name)] = i
	}
	for _, c := range []string{"store", "seq", "category"} {
		if _, ok := col[c]; !ok {
			return "", fmt.Errorf("no column %s in %q", c, rows[0])
		}
	}
	data := rows[1:]
	for _, r := range data {
		seq, err := strconv.Atoi(strings.TrimSpace(r[col["seq"]]))
		if err != nil || seq < 0 || seq >= n {
			return "", fmt.Errorf("row %q: bad seq", r)
		}
		want := dataset.SalesRow(seq, n)
		if strings.TrimSpace(r[col["store"]]) != strconv.Itoa(want.Store) || strings.TrimSpace(r[col["category"]]) != want.Category {
			return "", fmt.Errorf("row %q is not row %d of the table", r, seq)
		}
	}
	return fmt.Sprintf("%d rows of the table", len(data)), nil
}

func csvRecords(out string) ([][]string, error) {
	return csv.NewReader(strings.NewReader(out)).ReadAll()
}

// csvRecordsNoHeader reads header-less CSV and puts cols first.
func csvRecordsNoHeader(cols []string) func(string) ([][]string, error) {
	return func(out string) ([][]string, error) {
		r := csv.NewReader(strings.NewReader(out))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		return append([][]string{cols}, recs...), err
	}
}

// cqlshRecords reads cqlsh's table: a header line, a rule of dashes and plus signs, rows split by
// "|", and "(N rows)".
func cqlshRecords(out string) ([][]string, error) {
	var recs [][]string
	lines := strings.Split(out, "\n")
	for i, line := range lines {
		if strings.HasPrefix(strings.TrimSpace(line), "---") && i > 0 {
			recs = append(recs, strings.Split(lines[i-1], "|"))
			for _, l := range lines[i+1:] {
				if strings.TrimSpace(l) == "" {
					break
				}
				recs = append(recs, strings.Split(l, "|"))
			}
			return recs, nil
		}
	}
	return nil, fmt.Errorf("no table in cqlsh's output %q", clip(out))
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
