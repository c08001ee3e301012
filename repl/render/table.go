package render

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/cqlscan/cqlscan/planner/schema"
)

// newTable is a tablewriter table drawn as cqlsh draws results: no outer border, " | " between
// columns, a "---+---" rule under the header, header names left-aligned and values right-aligned,
// nothing wrapped, trimmed or re-cased. Widths count terminal cells, so wide characters line up.
func newTable(w io.Writer, header bool) *tablewriter.Table {
	sym := tw.NewSymbolCustom("cqlsh").WithColumn("|").WithRow("-").WithCenter("+").
		WithMidLeft("-").WithMidRight("-")
	r := renderer.NewBlueprint(tw.Rendition{
		Borders:  tw.Border{Left: tw.Off, Right: tw.Off, Top: tw.Off, Bottom: tw.Off},
		Symbols:  sym,
		Settings: tw.Settings{Lines: tw.Lines{ShowHeaderLine: tw.State(boolState(header))}, Separators: tw.Separators{BetweenColumns: tw.On}},
	})
	cell := func(align tw.Align) tw.CellConfig {
		return tw.CellConfig{Formatting: tw.CellFormatting{AutoFormat: tw.Off, AutoWrap: tw.WrapNone, Alignment: align},
			Alignment: tw.CellAlignment{Global: align}}
	}
	return tablewriter.NewTable(w, tablewriter.WithRenderer(r), tablewriter.WithConfig(tablewriter.Config{
		Header: cell(tw.AlignLeft), Row: cell(tw.AlignRight), Behavior: tw.Behavior{TrimSpace: tw.Off},
	}))
}

func boolState(b bool) tw.State {
	if b {
		return tw.On
	}
	return tw.Off
}

// cells is a result's rows as the text of each cell, with control characters escaped, in the
// display's precision, time format and colours.
func cells(r *Result, o Options) [][]string {
	p := printer{Display: o.Display, escape: true}
	out := make([][]string, len(r.Rows))
	for i, row := range r.Rows {
		out[i] = make([]string, len(row))
		for j, v := range row {
			out[i][j] = p.text(r.Columns[j].Type, v, false)
		}
	}
	return out
}

// headers is a result's column names, escaped, and coloured as cqlsh colours them: by their role in
// the table read (partition key, clustering, static), magenta for the rest.
func headers(r *Result, o Options) []string {
	p := printer{Display: o.Display}
	names := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		color := colorName
		switch r.Keys[c.Name] {
		case schema.PartitionKey:
			color = colorPartitionKey
		case schema.Clustering:
			color = colorClustering
		case schema.Static:
			color = colorStatic
		}
		names[i] = p.paint(color, escapeControls(c.Name))
	}
	return names
}

// writeTable prints a blank line, the header, a rule, the rows and "(N rows)", as cqlsh does.
func writeTable(w io.Writer, r *Result, o Options) error {
	var buf bytes.Buffer
	buf.WriteString("\n")
	t := newTable(&buf, true)
	names := headers(r, o)
	if len(r.Rows) == 0 { // tablewriter draws no rule under a header without rows
		rules := make([]string, len(names))
		for i, n := range names {
			rules[i] = strings.Repeat("-", displayWidth(n))
		}
		fmt.Fprintf(&buf, " %s\n-%s-\n", strings.Join(names, " | "), strings.Join(rules, "-+-"))
		if !o.NoFooter {
			buf.WriteString(Footer(0))
		}
		_, err := io.WriteString(w, buf.String())
		return err
	}
	t.Header(names)
	if err := t.Bulk(cells(r, o)); err != nil {
		return err
	}
	if err := t.Render(); err != nil {
		return err
	}
	if !o.NoFooter {
		buf.WriteString(Footer(len(r.Rows)))
	}
	_, err := io.WriteString(w, TrimLines(buf.String()))
	return err
}

// writeExpanded prints each row as "@ Row N", a rule, and one "name | value" line per column.
func writeExpanded(w io.Writer, r *Result, o Options) error {
	var buf bytes.Buffer
	names := headers(r, o)
	width := 0
	for _, n := range names {
		width = max(width, displayWidth(n))
	}
	rows := cells(r, o)
	valueWidth := 0 // the widest value of all the rows, as cqlsh draws every row's rule
	for _, row := range rows {
		for _, v := range row {
			valueWidth = max(valueWidth, displayWidth(v))
		}
	}
	for i, row := range rows {
		fmt.Fprintf(&buf, "\n@ Row %d\n", o.FirstRow+i+1)
		fmt.Fprintf(&buf, "-%s-+-%s-\n", strings.Repeat("-", width), strings.Repeat("-", valueWidth))
		for j, v := range row {
			fmt.Fprintf(&buf, " %s%s | %s\n", names[j], strings.Repeat(" ", width-displayWidth(names[j])), v)
		}
	}
	if !o.NoFooter {
		if len(rows) > 0 {
			buf.WriteString("\n") // cqlsh ends each row with a blank line, the last one too
		}
		buf.WriteString(Footer(len(r.Rows)))
	}
	_, err := io.WriteString(w, TrimLines(buf.String()))
	return err
}

// TrimLines removes the spaces that padding leaves at the ends of lines.
func TrimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// displayWidth is how many terminal cells s takes, colour codes not counted.
func displayWidth(s string) int { return runewidth.StringWidth(stripColor(s)) }

// stripColor removes the ANSI colour codes paint adds.
func stripColor(s string) string {
	if !strings.Contains(s, "\x1b[") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && s[j] != 'm' {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
