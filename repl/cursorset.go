package repl

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// setCursor handles the SET commands of incremental reads: CURSOR, SETTLE, OUT_DIR and BATCH_ROWS.
// handled is false for any other setting.
func (s *Session) setCursor(name, value string) (handled bool, err error) {
	off := strings.EqualFold(value, "OFF")
	switch strings.ToUpper(name) {
	case "CURSOR":
		switch {
		case off:
			s.Cursor = ""
			fmt.Fprintln(s.Err, "CURSOR off: SELECTs return every row again.")
			return true, nil
		case value == "":
			return true, fmt.Errorf("SET CURSOR takes a file name in quotes, or OFF")
		}
		s.Cursor = value
		fmt.Fprintf(s.Err, "CURSOR set to %s: SELECTs return the rows changed since its mark, and move it.\n", value)
	case "SETTLE":
		d, err := parseSettle(value)
		if err != nil {
			return true, fmt.Errorf("SET SETTLE: %w", err)
		}
		s.Settle = d
		fmt.Fprintf(s.Err, "SETTLE set to %v.%s\n", d, settleNote(d))
	case "OUT_DIR", "OUTDIR":
		if off {
			s.OutDir = ""
			fmt.Fprintln(s.Err, "OUT_DIR off: cursor runs print their rows.")
			return true, nil
		}
		if fi, err := os.Stat(value); err != nil || !fi.IsDir() {
			return true, fmt.Errorf("SET OUT_DIR %q: not a directory", value)
		}
		s.OutDir = value
		fmt.Fprintf(s.Err, "OUT_DIR set to %s.\n", value)
	case "BATCH_ROWS", "BATCHROWS":
		n, err := strconv.Atoi(value)
		if err != nil || n < 1 {
			return true, fmt.Errorf("SET BATCH_ROWS %q: want a positive whole number", value)
		}
		s.BatchRows = n
		fmt.Fprintf(s.Err, "BATCH_ROWS set to %d.\n", n)
	default:
		return false, nil
	}
	return true, nil
}

// parseSettle reads a settle window: a Go duration ("10s", "1m30s") or seconds ("10"); at least 0.
func parseSettle(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		secs, ferr := strconv.ParseFloat(v, 64)
		if ferr != nil {
			return 0, fmt.Errorf("%q is not a duration (10s, 1m) nor seconds", v)
		}
		d = time.Duration(secs * float64(time.Second))
	}
	if d < 0 {
		return 0, fmt.Errorf("%q: the settle window cannot be negative", v)
	}
	return d, nil
}

// settleNote warns of a settle window shorter than Cassandra's default write timeout.
func settleNote(d time.Duration) string {
	if d < 2*time.Second {
		return " Warning: shorter than Cassandra's default write timeout (2 s): a write still in flight when its range is read can be missed."
	}
	return ""
}

// cursorSettingsText describes the cursor settings for SET with no argument.
func (s *Session) cursorSettingsText() string {
	cur := "OFF"
	if s.Cursor != "" {
		cur = s.Cursor
	}
	out := "OFF (rows printed)"
	if s.OutDir != "" {
		out = s.OutDir
	}
	rows := s.BatchRows
	if rows <= 0 {
		rows = DefaultBatchRows
	}
	return fmt.Sprintf("CURSOR %s, SETTLE %v, OUT_DIR %s, BATCH_ROWS %d", cur, s.Settle, out, rows)
}
