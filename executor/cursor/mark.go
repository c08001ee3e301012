package cursor

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// markLayout prints marks as cqlsh prints timestamps, to the microsecond.
const markLayout = "2006-01-02 15:04:05.000000-0700"

// MarkText prints a mark (µs since the epoch) in UTC, "2026-12-02 04:00:00.123456+0000", or "the
// beginning" for Beginning.
func MarkText(us int64) string {
	if us == Beginning {
		return "the beginning"
	}
	return time.UnixMicro(us).UTC().Format(markLayout)
}

// sinceLayouts are the forms of time ParseSince reads; fractional seconds may follow the seconds of
// any of them. Times without a zone are in UTC.
var sinceLayouts = []string{
	time.RFC3339,                // 2026-12-02T04:00:00.5Z, 2026-12-02T04:00:00+01:00
	"2006-01-02T15:04:05",       // RFC 3339 without its zone
	"2006-01-02 15:04:05Z07:00", // 2026-12-02 04:00:00Z, … 04:00:00+01:00
	"2006-01-02 15:04:05-0700",  // as MarkText and cqlsh print them: … 04:00:00.123456+0000
	"2006-01-02 15:04:05",
	"2006-01-02",
}

// ParseSince reads the starting mark of a new cursor (--since): a time in RFC 3339, as
// "2006-01-02 15:04:05[.ffffff][Z07:00|-0700]", or a date (UTC midnight), or a number of
// microseconds since the epoch as digits. A time more precise than a microsecond is rounded down,
// which changes nothing: write times are whole microseconds.
func ParseSince(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if isInteger(t) {
		us, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("since %q: more microseconds than a write time holds", s)
		}
		return us, nil
	}
	var rangeErr error
	for _, layout := range sinceLayouts {
		when, err := time.Parse(layout, t)
		if err == nil {
			return when.UnixMicro(), nil
		}
		var pe *time.ParseError
		if errors.As(err, &pe) && strings.HasSuffix(pe.Message, "out of range") && rangeErr == nil {
			rangeErr = errors.New(strings.TrimPrefix(pe.Message, ": "))
		}
	}
	if rangeErr != nil {
		return 0, fmt.Errorf("since %q: %v", s, rangeErr)
	}
	return 0, fmt.Errorf("since %q is not a time: use RFC 3339 (2026-12-02T04:00:00Z), 2026-12-02 04:00:00[.ffffff][+0000], a date (2026-12-02) or microseconds since the epoch (1796184000000000)", s)
}

// isInteger reports whether s is digits, with an optional leading minus.
func isInteger(s string) bool {
	s = strings.TrimPrefix(s, "-")
	return s != "" && strings.Trim(s, "0123456789") == ""
}
