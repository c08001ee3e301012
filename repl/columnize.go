package repl

import (
	"strings"

	"unicode/utf8"
)

// columnize lays names out as cqlsh lists them (DESCRIBE TABLES, KEYSPACES, …), the layout of Python's
// cmd.Cmd.columnize (widths in characters): the fewest rows whose columns, filled top to bottom and two spaces apart, fit
// in width; one name a line when even that does not fit. Lines carry no trailing spaces.
func columnize(names []string, width int) []string {
	n := len(names)
	switch n {
	case 0:
		return []string{"<empty>"}
	case 1:
		return []string{names[0]}
	}
	rows, widths := n, []int{0}
	for r := 1; r < n; r++ {
		cols := (n + r - 1) / r
		ws := make([]int, 0, cols)
		total := -2
		for c := 0; c < cols && total <= width; c++ {
			w := 0
			for i := c * r; i < min((c+1)*r, n); i++ {
				w = max(w, utf8.RuneCountInString(names[i]))
			}
			ws = append(ws, w)
			total += w + 2
		}
		if total <= width {
			rows, widths = r, ws
			break
		}
	}
	out := make([]string, rows)
	for r := range out {
		var b strings.Builder
		for c := 0; r+c*rows < n; c++ {
			if c > 0 {
				b.WriteString("  ")
			}
			name := names[r+c*rows]
			b.WriteString(name)
			if c < len(widths) {
				b.WriteString(strings.Repeat(" ", max(0, widths[c]-utf8.RuneCountInString(name))))
			}
		}
		out[r] = strings.TrimRight(b.String(), " ")
	}
	return out
}
