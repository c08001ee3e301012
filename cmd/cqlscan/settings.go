package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/cqlscan/cqlscan/executor/cursor"
	"github.com/cqlscan/cqlscan/repl"
	"github.com/cqlscan/cqlscan/repl/render"
)

// checkFlags checks what the flags say taken together, and the files they name, before anything
// connects: every mistake is a *usageError.
func (o *options) checkFlags(args []string) error {
	if o.given("execute") && o.given("file") {
		return usagef("use either -e or -f, not both")
	}
	switch {
	case len(args) > 2:
		return usagef("too many arguments %q: expected [host [port]]", args)
	case len(args) == 2:
		if p, err := strconv.Atoi(args[1]); err != nil || p < 1 || p > 65535 {
			return usagef("port %q: want a whole number from 1 to 65535", args[1])
		}
	}
	if _, err := render.ParseFormat(o.format); err != nil {
		return usagef("--format: %v", err)
	}
	if _, err := gocql.ParseConsistencyWrapper(o.conn.consistency); err != nil {
		return usagef("--consistency %q: use ANY, ONE, TWO, THREE, QUORUM, ALL, LOCAL_QUORUM, EACH_QUORUM or LOCAL_ONE", o.conn.consistency)
	}
	if _, _, err := parseRate(o.maxRate); err != nil {
		return usagef("%v", err)
	}
	if o.given("encoding") {
		if err := checkEncoding(setting{o.encoding, "--encoding"}); err != nil {
			return &usageError{err.Error()}
		}
	}
	if o.given("cqlversion") {
		if _, err := parseCQLVersion(setting{o.cqlVersion, "--cqlversion"}); err != nil {
			return &usageError{err.Error()}
		}
	}
	if o.checkpoint != "" {
		if err := checkWritableDir(o.checkpoint); err != nil {
			return usagef("--checkpoint %s: %v", o.checkpoint, err)
		}
	}
	if err := o.checkCursorFlags(); err != nil {
		return err
	}
	if o.resume != "" {
		st, err := os.Stat(o.resume)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return usagef("--resume %s: no such file: give a checkpoint file saved by --checkpoint or by a failed scan", o.resume)
		case err != nil:
			return usagef("--resume %s: %v", o.resume, pathErr(err))
		case st.IsDir():
			return usagef("--resume %s is a directory; give the checkpoint file", o.resume)
		}
	}
	return nil
}

// checkCursorFlags checks the flags of incremental reads: the cursor's directory takes files, the
// batch directory exists, --since reads as a time, and in batch mode nothing is given without
// --cursor (in the shell, SET CURSOR may come later).
func (o *options) checkCursorFlags() error {
	c := o.cursor
	if c.Cursor == "" && (o.given("execute") || o.given("file")) {
		for _, name := range []string{"since", "settle", "out-dir", "batch-rows"} {
			if o.given(name) {
				return usagef("--%s applies to incremental reads: give --cursor FILE too", name)
			}
		}
	}
	if c.Cursor != "" {
		if err := checkWritableDir(c.Cursor); err != nil {
			return usagef("--cursor %s: %v", c.Cursor, err)
		}
	}
	if c.Since != "" {
		if _, err := cursor.ParseSince(c.Since); err != nil {
			return usagef("--since: %v", err)
		}
	}
	if c.OutDir != "" {
		if err := checkWritableDir(filepath.Join(c.OutDir, "batch")); err != nil {
			return usagef("--out-dir %s: %v", c.OutDir, err)
		}
	}
	return nil
}

// checkWritableDir checks that the directory a file is to be written in exists and takes files,
// so that a long scan does not end with progress that cannot be saved.
func checkWritableDir(path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("directory %s does not exist", dir)
	case err != nil:
		return pathErr(err)
	case !st.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("it is a directory; give a file name")
	}
	f, err := os.CreateTemp(dir, ".cqlscan-check-*")
	if err != nil {
		return fmt.Errorf("cannot write in %s: %v", dir, pathErr(err))
	}
	f.Close()
	return os.Remove(f.Name())
}

// checkEncoding accepts UTF-8, the only encoding cqlscan writes, however it is spelt.
func checkEncoding(s setting) error {
	switch strings.ToLower(strings.ReplaceAll(s.value, "_", "-")) {
	case "", "utf-8", "utf8":
		return nil
	}
	return fmt.Errorf("%s: cqlscan writes UTF-8 only; use utf-8 or leave it out", s.describe())
}

// parseCQLVersion reads a CQL version such as 3.4.7 (missing parts are 0), which must be 3 or later
// as in cqlsh.
func parseCQLVersion(s setting) ([3]int, error) {
	var v [3]int
	parts := strings.Split(strings.TrimSpace(s.value), ".")
	if len(parts) > 3 || s.value == "" {
		return v, fmt.Errorf("%s: want a CQL version such as 3.4.7", s.describe())
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return v, fmt.Errorf("%s: want a CQL version such as 3.4.7", s.describe())
		}
		v[i] = n
	}
	if v[0] < 3 {
		return v, fmt.Errorf("%s is not a supported CQL version: cqlscan speaks CQL 3", s.describe())
	}
	return v, nil
}

// rcSettings are the settings cqlshrc may give beside the connection's, each already checked.
type rcSettings struct {
	display        repl.Display
	protocol       int    // native protocol version; 0: the highest both sides speak
	cqlVersion     string // "" : the server's
	tty            bool   // cqlsh's tty mode: the shell's manners
	disableHistory bool
}

// resolveSettings merges the flags with cqlshrc's [ui], [protocol], [cql] and [history] sections
// and the environment (NO_COLOR, TZ, TERM). stdoutTTY says whether results go to a terminal,
// stdinTTY whether statements come from one. Warnings go to warn.
func (o *options) resolveSettings(rc *iniFile, stdoutTTY, stdinTTY bool, warn func(string)) (rcSettings, error) {
	var out rcSettings
	var err error
	if out.display, err = o.display(rc, stdoutTTY, warn); err != nil {
		return out, err
	}
	if o.given("protocol-version") {
		out.protocol = o.protocolVersion
	} else if v := rc.get("protocol", "version"); v.value != "" {
		n, perr := strconv.Atoi(v.value)
		if perr != nil || n < minProtocol || n > maxProtocol {
			return out, fmt.Errorf("%s: want a native protocol version from %d to %d", v.describe(), minProtocol, maxProtocol)
		}
		out.protocol = n
	}
	cql := first(flagSetting(o, "cqlversion"), rc.get("cql", "version"))
	if cql.value != "" {
		if _, err := parseCQLVersion(cql); err != nil {
			return out, err
		}
		out.cqlVersion = cql.value
	}
	if err := checkEncoding(first(flagSetting(o, "encoding"), rc.get("ui", "encoding"))); err != nil {
		return out, err
	}
	batch := o.given("execute") || o.given("file")
	tty := setting{strconv.FormatBool(stdinTTY), "default"}
	if v := rc.get("ui", "tty"); v.value != "" {
		tty = v
	}
	if o.tty {
		tty = setting{"true", "--tty"}
	}
	if out.tty, err = parseBool(tty); err != nil {
		return out, err
	}
	out.tty = out.tty && !batch // -e and -f are batch runs, as in cqlsh
	hist := first(flagSetting(o, "disable-history"), rc.get("history", "disabled"), fallback("false"))
	if out.disableHistory, err = parseBool(hist); err != nil {
		return out, err
	}
	return out, nil
}

// flagSetting is a flag's value as a setting when the command line gives it.
func flagSetting(o *options, name string) setting {
	if !o.given(name) {
		return setting{}
	}
	return setting{o.fs.Lookup(name).Value.String(), "--" + name}
}

// display resolves how the table view looks. Colour: forced on by -C, off by --no-color, else
// cqlshrc [ui] color, else on only when results go to a terminal that can show it (TERM set and
// not "dumb"), NO_COLOR is unset or empty, and no -f file is run (cqlsh's rule). Then [ui]
// float_precision, double_precision, time_format (or datetimeformat) and timezone, which the TZ
// environment variable overrides as in cqlsh.
func (o *options) display(rc *iniFile, stdoutTTY bool, warn func(string)) (repl.Display, error) {
	var d repl.Display
	switch c := rc.get("ui", "color"); {
	case o.color != nil:
		d.Color = *o.color
	case c.value != "":
		on, err := parseBool(c)
		if err != nil {
			return d, err
		}
		d.Color = on
	default:
		term := os.Getenv("TERM")
		d.Color = stdoutTTY && os.Getenv("NO_COLOR") == "" && term != "" && term != "dumb" && !o.given("file")
	}
	var err error
	if d.FloatPrecision, err = precision(rc.get("ui", "float_precision")); err != nil {
		return d, err
	}
	if d.DoublePrecision, err = precision(rc.get("ui", "double_precision")); err != nil {
		return d, err
	}
	d.DateTimeFormat = first(rc.get("ui", "time_format"), rc.get("ui", "datetimeformat")).value
	if tz := rc.get("ui", "timezone"); tz.value != "" {
		if d.TimeZone, err = loadZone(tz); err != nil {
			return d, err
		}
	}
	if tz := env("TZ"); tz.value != "" {
		loc, err := loadZone(tz)
		if err != nil {
			warn(err.Error() + "; timestamps are shown in " + zoneName(d.TimeZone))
		} else {
			d.TimeZone = loc
		}
	}
	return d, nil
}

// precision reads a number of significant digits; 0 (or nothing) shows values exactly.
func precision(s setting) (int, error) {
	if s.value == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s.value)
	if err != nil || n < 0 || n > 100 {
		return 0, fmt.Errorf("%s: want a number of digits from 0 (exact) to 100", s.describe())
	}
	return n, nil
}

// loadZone reads a time zone name of the tz database, such as Europe/Paris or UTC.
func loadZone(s setting) (*time.Location, error) {
	loc, err := time.LoadLocation(strings.TrimPrefix(s.value, ":"))
	if err != nil || s.value == "Local" {
		return nil, fmt.Errorf("%s is not a time zone of the tz database (e.g. UTC, Europe/Paris, America/New_York)", s.describe())
	}
	return loc, nil
}

func zoneName(loc *time.Location) string {
	if loc == nil {
		return "UTC"
	}
	return loc.String()
}
