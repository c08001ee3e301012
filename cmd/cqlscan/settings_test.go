package main

import (
	"io"
	"strings"
	"testing"
)

// displayCase is one way of resolving the table view's looks.
type displayCase struct {
	name      string
	args      []string
	rc        string            // cqlshrc text
	env       map[string]string // NO_COLOR, TERM, TZ
	stdoutTTY bool
	color     bool
	float     int
	double    int
	format    string
	zone      string // "" : nil (UTC)
	warning   string // what a warning says, if one is expected
}

// Colour is forced by -C, refused by --no-color (the last one given wins), else cqlshrc says,
// else a terminal that can show it unless NO_COLOR is set or a file is run; precision, time
// format and zone come from cqlshrc [ui], the zone overridden by TZ as in cqlsh.
func TestDisplaySettings(t *testing.T) {
	term := map[string]string{"TERM": "xterm", "NO_COLOR": "", "TZ": ""}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range term {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	cases := []displayCase{
		{name: "terminal", env: term, stdoutTTY: true, color: true},
		{name: "pipe", env: term},
		{name: "NO_COLOR", env: with("NO_COLOR", "1"), stdoutTTY: true},
		{name: "empty NO_COLOR", env: with("NO_COLOR", ""), stdoutTTY: true, color: true},
		{name: "dumb terminal", env: with("TERM", "dumb"), stdoutTTY: true},
		{name: "-f file", args: []string{"-f", "x.cql"}, env: term, stdoutTTY: true},
		{name: "-C on a pipe", args: []string{"-C"}, env: with("NO_COLOR", "1"), color: true},
		{name: "--color", args: []string{"--color"}, env: term, color: true},
		{name: "--no-color", args: []string{"--no-color"}, env: term, stdoutTTY: true},
		{name: "last wins", args: []string{"--no-color", "-C"}, env: term, color: true},
		{name: "last wins again", args: []string{"-C", "--no-color"}, env: term},
		{name: "cqlshrc on", rc: "[ui]\ncolor = on\n", env: with("NO_COLOR", "1"), color: true},
		{name: "cqlshrc off", rc: "[ui]\ncolor = false\n", env: term, stdoutTTY: true},
		{name: "flag over cqlshrc", args: []string{"-C"}, rc: "[ui]\ncolor = false\n", env: term, color: true},
		{name: "ui", rc: "[ui]\nfloat_precision = 3\ndouble_precision = 10\ntime_format = %Y-%m-%d %H:%M\ntimezone = Europe/Paris\n",
			env: term, float: 3, double: 10, format: "%Y-%m-%d %H:%M", zone: "Europe/Paris"},
		{name: "datetimeformat", rc: "[ui]\ndatetimeformat = %d/%m/%Y\n", env: term, format: "%d/%m/%Y"},
		{name: "TZ over cqlshrc", rc: "[ui]\ntimezone = Europe/Paris\n", env: with("TZ", "Asia/Tokyo"), zone: "Asia/Tokyo"},
		{name: "bad TZ warns", rc: "[ui]\ntimezone = Europe/Paris\n", env: with("TZ", "Nowhere/Land"), zone: "Europe/Paris",
			warning: `env TZ = "Nowhere/Land" is not a time zone`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			home := isolate(t)
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			var o options
			fs := o.newFlagSet(io.Discard)
			if err := fs.Parse(c.args); err != nil {
				t.Fatal(err)
			}
			if c.rc != "" {
				writeConf(t, home, ".cassandra/cqlshrc", c.rc, 0o600)
			}
			rc, err := o.conn.loadRC(io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			var warnings []string
			set, err := o.resolveSettings(rc, c.stdoutTTY, false, func(s string) { warnings = append(warnings, s) })
			if err != nil {
				t.Fatal(err)
			}
			d := set.display
			zone := ""
			if d.TimeZone != nil {
				zone = d.TimeZone.String()
			}
			if d.Color != c.color || d.FloatPrecision != c.float || d.DoublePrecision != c.double || d.DateTimeFormat != c.format || zone != c.zone {
				t.Errorf("display %+v (zone %q), want colour %t, precisions %d/%d, format %q, zone %q", d, zone, c.color, c.float, c.double, c.format, c.zone)
			}
			if got := strings.Join(warnings, "\n"); (c.warning == "") != (got == "") || !strings.Contains(got, c.warning) {
				t.Errorf("warnings %q, want %q", got, c.warning)
			}
		})
	}
}

// The protocol and CQL versions, the tty mode and the history come from the flags, else cqlshrc.
func TestOtherSettings(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		rc       string
		stdinTTY bool
		protocol int
		cql      string
		tty      bool
		noHist   bool
	}{
		{name: "defaults"},
		{name: "terminal", stdinTTY: true, tty: true},
		{name: "-t", args: []string{"-t"}, tty: true},
		{name: "-t with -e is a batch run", args: []string{"-t", "-e", "x"}},
		{name: "-f on a terminal", args: []string{"-f", "x"}, stdinTTY: true},
		{name: "cqlshrc", rc: "[protocol]\nversion = 4\n[cql]\nversion = 3.4.5\n[ui]\ntty = true\n[history]\ndisabled = true\n",
			protocol: 4, cql: "3.4.5", tty: true, noHist: true},
		{name: "flags over cqlshrc", rc: "[protocol]\nversion = 4\n[cql]\nversion = 3.4.5\n[history]\ndisabled = false\n",
			args: []string{"--protocol-version", "5", "--cqlversion", "3.4.7", "--disable-history"}, protocol: 5, cql: "3.4.7", noHist: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			home := isolate(t)
			var o options
			if err := o.newFlagSet(io.Discard).Parse(c.args); err != nil {
				t.Fatal(err)
			}
			if c.rc != "" {
				writeConf(t, home, ".cassandra/cqlshrc", c.rc, 0o600)
			}
			rc, err := o.conn.loadRC(io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			set, err := o.resolveSettings(rc, false, c.stdinTTY, func(string) {})
			if err != nil {
				t.Fatal(err)
			}
			if set.protocol != c.protocol || set.cqlVersion != c.cql || set.tty != c.tty || set.disableHistory != c.noHist {
				t.Errorf("settings %+v, want protocol %d, cql %q, tty %t, history disabled %t", set, c.protocol, c.cql, c.tty, c.noHist)
			}
		})
	}
}

// Timeouts are seconds as cqlsh takes them, or Go durations.
func TestParseSeconds(t *testing.T) {
	for in, want := range map[string]string{"30": "30s", "2.5": "2.5s", "0": "0s", "90s": "1m30s", "1m": "1m0s", " 5 ": "5s"} {
		d, err := parseSeconds(in)
		if err != nil || d.String() != want {
			t.Errorf("parseSeconds(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"", "abc", "NaN", "Inf", "1e300", "5 s"} {
		if d, err := parseSeconds(in); err == nil {
			t.Errorf("parseSeconds(%q) = %v, want an error", in, d)
		}
	}
}
