// Package copyio reads and writes the CSV files of cqlsh's COPY command: the WITH options of
// COPY TO and COPY FROM, the CSV dialect they describe (delimiter, quote, escape), the text of each
// value as cqlsh's COPY TO writes it, and the parsing of that text back to a value of the column's
// CQL type. It does no I/O of its own beyond the readers and writers it is given.
package copyio

import (
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Direction is COPY TO (export) or COPY FROM (import).
type Direction int

// The two directions.
const (
	To Direction = iota
	From
)

func (d Direction) String() string {
	if d == From {
		return "FROM"
	}
	return "TO"
}

// Option is one `name = value` of a COPY command's WITH clause, as written (the value unquoted).
type Option struct{ Name, Value string }

// Options are a COPY command's settings, cqlsh's defaults where none is given.
type Options struct {
	// The CSV dialect.
	Delimiter, Quote rune
	// Escape is the escape character; 0 when it equals Quote, in which case a quote inside a quoted
	// field is doubled instead (DoubleQuote).
	Escape      rune
	DoubleQuote bool
	Header      bool
	Null        string // the text of a NULL value
	// DateTimeFormat is the strftime format of timestamps ("" for cqlsh's default).
	DateTimeFormat string
	// FloatPrecision and DoublePrecision are the significant digits of floats and doubles, as cqlsh's
	// FLOATPRECISION and DOUBLEPRECISION; 0 (the default here) writes the shortest text that reads
	// back as the same value.
	FloatPrecision, DoublePrecision int
	DecimalSep, ThousandsSep        string
	BoolStyle                       [2]string // the texts of true and false
	MaxAttempts                     int

	// COPY TO.
	PageSize      int
	MaxOutputSize int    // lines per output file; -1 for one file
	BeginToken    string // "" for the ring's start
	EndToken      string

	// COPY FROM.
	IngestRate      int // rows per second at most
	MaxRows         int // -1: no maximum
	SkipRows        int
	SkipCols        []string
	MaxParseErrors  int // -1: no maximum
	MaxInsertErrors int // -1: no maximum
	ErrFile         string
	TTL             int // seconds; -1: none
}

// OptionError is a WITH clause cqlsh would refuse too: an unknown option, or a value out of range.
type OptionError struct{ Msg string }

func (e *OptionError) Error() string { return e.Msg }

// ErrOption is what every OptionError is (errors.Is).
var ErrOption = errors.New("COPY option")

// Is makes errors.Is(err, ErrOption) hold.
func (e *OptionError) Is(target error) bool { return target == ErrOption }

// kind says what an option is for: both directions, one, and whether cqlscan uses it or only
// accepts it (options that tune cqlsh's worker processes, which cqlscan does not have).
type kind struct {
	dirs    []Direction
	ignored string // why it is accepted and not used; "" when it is used
}

var (
	both     = []Direction{To, From}
	toOnly   = []Direction{To}
	fromOnly = []Direction{From}
)

// known lists cqlsh's COPY options (cqlshlib's COPY_COMMON_OPTIONS, COPY_FROM_OPTIONS and
// COPY_TO_OPTIONS) by lower-case name.
var known = map[string]kind{
	"delimiter": {dirs: both}, "quote": {dirs: both}, "escape": {dirs: both}, "header": {dirs: both},
	"null": {dirs: both}, "datetimeformat": {dirs: both}, "maxattempts": {dirs: both},
	"decimalsep": {dirs: both}, "thousandssep": {dirs: both}, "boolstyle": {dirs: both},
	"reportfrequency": {dirs: both, ignored: "progress is redrawn every 250 ms"},
	"numprocesses":    {dirs: both, ignored: "cqlscan uses goroutines, bounded by SET CONCURRENCY"},
	"configfile":      {dirs: both, ignored: "options come from the WITH clause only"},
	"ratefile":        {dirs: both, ignored: "the closing line gives the rate"},
	"encoding":        {dirs: toOnly}, "pagesize": {dirs: toOnly},
	"pagetimeout": {dirs: toOnly, ignored: "pages time out after --request-timeout"},
	"begintoken":  {dirs: toOnly}, "endtoken": {dirs: toOnly}, "maxoutputsize": {dirs: toOnly},
	"maxrequests":    {dirs: toOnly, ignored: "requests in flight are bounded by SET CONCURRENCY and --per-host"},
	"floatprecision": {dirs: toOnly}, "doubleprecision": {dirs: toOnly},
	"chunksize":    {dirs: fromOnly, ignored: "rows are inserted one by one as they are read"},
	"ingestrate":   {dirs: fromOnly},
	"maxbatchsize": {dirs: fromOnly, ignored: "each row is one prepared INSERT, routed to a replica"},
	"minbatchsize": {dirs: fromOnly, ignored: "each row is one prepared INSERT, routed to a replica"},
	"maxrows":      {dirs: fromOnly}, "skiprows": {dirs: fromOnly}, "skipcols": {dirs: fromOnly},
	"maxparseerrors": {dirs: fromOnly}, "maxinserterrors": {dirs: fromOnly}, "errfile": {dirs: fromOnly},
	"preparedstatements": {dirs: fromOnly, ignored: "cqlscan always binds values to a prepared INSERT"},
	"ttl":                {dirs: fromOnly},
}

// Names lists the options of a direction, upper case and sorted, for completion and HELP.
func Names(d Direction) []string {
	var out []string
	for name, k := range known {
		for _, kd := range k.dirs {
			if kd == d {
				out = append(out, strings.ToUpper(name))
			}
		}
	}
	sort.Strings(out)
	return out
}

// Defaults returns cqlsh's defaults for a COPY of keyspace.table.
func Defaults(keyspace, table string) *Options {
	return &Options{Delimiter: ',', Quote: '"', Escape: '\\', DecimalSep: ".", BoolStyle: [2]string{"True", "False"},
		MaxAttempts: 5, PageSize: 1000, MaxOutputSize: -1, IngestRate: 100000, MaxRows: -1, MaxParseErrors: -1,
		MaxInsertErrors: 1000, ErrFile: fmt.Sprintf("import_%s_%s.err", keyspace, table), TTL: -1}
}

// Parse reads the WITH options of a COPY in direction d of keyspace.table. Names are
// case-insensitive. An option cqlsh does not know is an error, as in cqlsh ("Unrecognized COPY TO
// options: …"). notes say which accepted options go unused, and why: those of the other direction
// (cqlsh takes them silently) and those that tune cqlsh's worker processes.
func Parse(d Direction, keyspace, table string, opts []Option) (o *Options, notes []string, err error) {
	o = Defaults(keyspace, table)
	var unknown []string
	for _, opt := range opts {
		name := strings.ToLower(opt.Name)
		k, ok := known[name]
		switch {
		case !ok:
			unknown = append(unknown, name)
			continue
		case !hasDir(k.dirs, d):
			notes = append(notes, fmt.Sprintf("%s is an option of COPY %s: COPY %s does not use it", strings.ToUpper(name), Direction(1-d), d))
			continue
		case k.ignored != "":
			notes = append(notes, fmt.Sprintf("%s is accepted and not used: %s", strings.ToUpper(name), k.ignored))
			continue
		}
		if err := o.set(name, opt.Value); err != nil {
			return nil, nil, &OptionError{fmt.Sprintf("COPY %s option %s = '%s': %v", d, strings.ToUpper(name), opt.Value, err)}
		}
	}
	if len(unknown) > 0 {
		return nil, nil, &OptionError{fmt.Sprintf("Unrecognized COPY %s options: %s", d, strings.Join(unknown, ", "))}
	}
	if o.Escape == o.Quote {
		o.Escape, o.DoubleQuote = 0, true
	}
	if o.Delimiter == o.Quote || o.Delimiter == o.Escape || o.Delimiter == '\n' || o.Delimiter == '\r' {
		return nil, nil, &OptionError{fmt.Sprintf("COPY %s: the delimiter %q must differ from the quote, the escape and line ends", d, o.Delimiter)}
	}
	return o, notes, nil
}

func hasDir(ds []Direction, d Direction) bool {
	for _, x := range ds {
		if x == d {
			return true
		}
	}
	return false
}

// set sets one option from its text.
func (o *Options) set(name, v string) error {
	var err error
	switch name {
	case "delimiter":
		o.Delimiter, err = oneChar(v)
	case "quote":
		o.Quote, err = oneChar(v)
	case "escape":
		o.Escape, err = oneChar(v)
	case "header":
		o.Header, err = parseBool(v)
	case "null":
		o.Null = v
	case "datetimeformat":
		o.DateTimeFormat = v
	case "decimalsep":
		if v == "" {
			return errors.New("want a separator")
		}
		o.DecimalSep = v
	case "thousandssep":
		o.ThousandsSep = v
	case "boolstyle":
		parts := strings.Split(v, ",")
		if len(parts) != 2 || strings.TrimSpace(parts[0]) == "" || strings.TrimSpace(parts[1]) == "" ||
			strings.EqualFold(strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])) {
			return errors.New("want two different words, true's then false's, such as 'yes,no'")
		}
		o.BoolStyle = [2]string{strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])}
	case "encoding":
		if e := strings.ToLower(strings.ReplaceAll(v, "-", "")); e != "utf8" {
			return errors.New("cqlscan writes UTF-8 only (utf8)")
		}
	case "maxattempts":
		o.MaxAttempts, err = intIn(v, 1, 1000)
	case "pagesize":
		o.PageSize, err = intIn(v, 1, 1_000_000)
	case "maxoutputsize":
		o.MaxOutputSize, err = intOrNone(v)
	case "begintoken":
		o.BeginToken, err = token(v)
	case "endtoken":
		o.EndToken, err = token(v)
	case "floatprecision":
		o.FloatPrecision, err = intIn(v, 1, 17)
	case "doubleprecision":
		o.DoublePrecision, err = intIn(v, 1, 17)
	case "ingestrate":
		o.IngestRate, err = intIn(v, 1, 1<<31-1)
	case "maxrows":
		o.MaxRows, err = intOrNone(v)
	case "skiprows":
		o.SkipRows, err = intIn(v, 0, 1<<31-1)
	case "skipcols":
		o.SkipCols = nil
		for _, c := range strings.Split(v, ",") {
			if c = strings.TrimSpace(c); c != "" {
				o.SkipCols = append(o.SkipCols, c)
			}
		}
	case "maxparseerrors":
		o.MaxParseErrors, err = intOrNone(v)
	case "maxinserterrors":
		o.MaxInsertErrors, err = intOrNone(v)
	case "errfile":
		if v == "" {
			return errors.New("want a file name")
		}
		o.ErrFile = v
	case "ttl":
		o.TTL, err = intOrNone(v)
	}
	return err
}

func oneChar(v string) (rune, error) {
	if utf8.RuneCountInString(v) != 1 {
		return 0, errors.New("want exactly one character")
	}
	r, _ := utf8.DecodeRuneInString(v)
	return r, nil
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true":
		return true, nil
	case "false", "":
		return false, nil
	}
	return false, errors.New("want true or false")
}

func intIn(v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("want a whole number from %d to %d", lo, hi)
	}
	return n, nil
}

// intOrNone reads a count where -1 (or any negative number, as cqlsh takes it) means no limit.
func intOrNone(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, errors.New("want a whole number (-1 for no limit)")
	}
	if n < 0 {
		n = -1
	}
	return n, nil
}

func token(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	if _, ok := new(big.Int).SetString(v, 10); !ok {
		return "", errors.New("want a token, a whole number")
	}
	return v, nil
}
