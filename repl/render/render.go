package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/schema"
)

// Format is an output format.
type Format string

// Output formats.
const (
	Table Format = "table" // cqlsh's table; expanded rows with Options.Expanded
	CSV   Format = "csv"   // RFC 4180, a header line, empty cells for NULL
	JSON  Format = "json"  // one array of objects
	JSONL Format = "jsonl" // one object per line
)

// Formats lists the formats, for help and completion.
var Formats = []Format{Table, CSV, JSON, JSONL}

// ParseFormat checks a format name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q: use table, csv, json or jsonl", s)
}

// Result is a statement's output: typed columns and rows of canonical values.
type Result struct {
	Columns []planner.OutputColumn
	Rows    []executor.Row
	// Keys names the key and static columns of the table read, for colouring the header as cqlsh
	// does (by name, as cqlsh matches them); nil when the result is not of one table.
	Keys map[string]schema.ColumnKind
}

// Display holds how values look in the table view: colour (resolved by the caller: on only for a
// terminal, and never with NO_COLOR), the digits of floats and doubles (0: the shortest text that
// reads back exactly), the strftime-style timestamp format ("": cqlsh's default) and the time zone
// (nil: UTC). CSV and JSON stay exact whatever these say.
type Display struct {
	Color                           bool
	FloatPrecision, DoublePrecision int
	DateTimeFormat                  string
	TimeZone                        *time.Location
}

// Options adjust how a result is printed.
type Options struct {
	Display
	Format   Format
	Expanded bool // table format: one block of "name | value" lines per row, as cqlsh's EXPAND ON
	// Footer, for the table format, ends the output with "(N rows)"; off when a result is printed in
	// pages and only the last page carries it.
	NoFooter bool
	// FirstRow numbers expanded rows from FirstRow+1, for paged output.
	FirstRow int
}

// Write prints r.
func Write(w io.Writer, r *Result, o Options) error {
	switch o.Format {
	case CSV:
		return writeCSV(w, r, o)
	case JSON:
		return writeJSON(w, r)
	case JSONL:
		return writeJSONL(w, r)
	}
	if o.Expanded {
		return writeExpanded(w, r, o)
	}
	return writeTable(w, r, o)
}

// Footer is the line cqlsh ends a table with.
func Footer(rows int) string { return fmt.Sprintf("\n(%d rows)\n", rows) }
