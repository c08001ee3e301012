package cursor

import (
	"strings"
	"testing"
)

func TestParseSince(t *testing.T) {
	const at4 = int64(1796184000000000) // 2026-12-02 04:00:00 UTC
	good := []struct {
		in   string
		want int64
	}{
		{"2026-12-02T04:00:00Z", at4},
		{"2026-12-02T05:00:00+01:00", at4},
		{"2026-12-02T04:00:00.123456Z", at4 + 123456},
		{"2026-12-02T04:00:00.1234569Z", at4 + 123456}, // below a µs: rounded down, which changes nothing
		{"2026-12-02T04:00:00", at4},
		{"2026-12-02 04:00:00", at4},
		{"2026-12-02 04:00:00.5", at4 + 500000},
		{"2026-12-02 04:00:00Z", at4},
		{"2026-12-02 06:00:00+02:00", at4},
		{"2026-12-02 04:00:00.000001+0000", at4 + 1},
		{"2026-12-02 03:00:00-0100", at4},
		{"2026-12-02", at4 - 4*3600*1000000},
		{"  2026-12-02  ", at4 - 4*3600*1000000},
		{"1796184000000000", at4},
		{"0", 0},
		{"-1", -1},
		{"1969-12-31 23:59:59.999999+0000", -1},
	}
	for _, c := range good {
		got, err := ParseSince(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseSince(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	bad := []struct{ in, text string }{
		{"", "is not a time"},
		{"yesterday", `since "yesterday" is not a time: use RFC 3339`},
		{"2026-02-30", "day out of range"},
		{"2026-12-02 25:00:00", "hour out of range"},
		{"99999999999999999999", "more microseconds than a write time holds"},
		{"2026-12-02T04:00", "is not a time"},
		{"12.5", "is not a time"},
		{"-", "is not a time"},
	}
	for _, c := range bad {
		_, err := ParseSince(c.in)
		if err == nil || !strings.Contains(err.Error(), c.text) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseSince(%q): %v; want one line with %q", c.in, err, c.text)
		}
	}
}

func TestMarkText(t *testing.T) {
	cases := []struct {
		us   int64
		want string
	}{
		{Beginning, "the beginning"},
		{0, "1970-01-01 00:00:00.000000+0000"},
		{1796184000123456, "2026-12-02 04:00:00.123456+0000"},
		{-1, "1969-12-31 23:59:59.999999+0000"},
	}
	for _, c := range cases {
		got := MarkText(c.us)
		if got != c.want {
			t.Errorf("MarkText(%d) = %q, want %q", c.us, got, c.want)
		}
		if c.us == Beginning {
			continue
		}
		if back, err := ParseSince(got); err != nil || back != c.us {
			t.Errorf("ParseSince(MarkText(%d)) = %d, %v", c.us, back, err)
		}
	}
}
