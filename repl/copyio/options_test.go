package copyio

import (
	"errors"
	"strings"
	"testing"
)

func TestParseOptions(t *testing.T) {
	o, notes, err := Parse(From, "ks", "t", []Option{{"HEADER", "true"}, {"Delimiter", "|"}, {"null", "NULL"},
		{"maxrows", "-5"}, {"skipcols", "a, b"}, {"errfile", "bad.err"}, {"ttl", "60"}, {"chunksize", "10"}, {"floatprecision", "3"}})
	if err != nil {
		t.Fatal(err)
	}
	if !o.Header || o.Delimiter != '|' || o.Null != "NULL" || o.MaxRows != -1 || strings.Join(o.SkipCols, "+") != "a+b" ||
		o.ErrFile != "bad.err" || o.TTL != 60 || o.Escape != '\\' || o.DoubleQuote {
		t.Errorf("options read as %+v", o)
	}
	joined := strings.Join(notes, "\n")
	for _, want := range []string{"CHUNKSIZE is accepted and not used", "FLOATPRECISION is an option of COPY TO"} {
		if !strings.Contains(joined, want) {
			t.Errorf("notes %q do not say %q", joined, want)
		}
	}
	d := Defaults("ks", "t")
	if d.ErrFile != "import_ks_t.err" || d.MaxInsertErrors != 1000 || d.MaxParseErrors != -1 || d.MaxAttempts != 5 ||
		d.BoolStyle != [2]string{"True", "False"} || d.Header {
		t.Errorf("defaults differ from cqlsh's: %+v", d)
	}
	if o, _, _ := Parse(To, "ks", "t", []Option{{"quote", "'"}, {"escape", "'"}}); !o.DoubleQuote || o.Escape != 0 {
		t.Errorf("QUOTE = ESCAPE should double quotes: %+v", o)
	}
}

func TestParseOptionErrors(t *testing.T) {
	for _, c := range []struct {
		dir  Direction
		opts []Option
		want string
	}{
		{To, []Option{{"bogus", "1"}, {"other", "2"}}, "Unrecognized COPY TO options: bogus, other"},
		{From, []Option{{"delimiter", "ab"}}, "DELIMITER = 'ab': want exactly one character"},
		{From, []Option{{"header", "yes"}}, "want true or false"},
		{From, []Option{{"maxattempts", "0"}}, "from 1 to 1000"},
		{From, []Option{{"ingestrate", "x"}}, "INGESTRATE"},
		{To, []Option{{"boolstyle", "yes"}}, "two different words"},
		{To, []Option{{"boolstyle", "Y,y"}}, "two different words"},
		{To, []Option{{"begintoken", "12a"}}, "want a token"},
		{To, []Option{{"encoding", "latin1"}}, "UTF-8"},
		{To, []Option{{"delimiter", `"`}}, "must differ"},
	} {
		_, _, err := Parse(c.dir, "ks", "t", c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, ErrOption) {
			t.Errorf("%v %v: %v, want an ErrOption saying %q", c.dir, c.opts, err, c.want)
		}
	}
}

func TestNames(t *testing.T) {
	to, from := strings.Join(Names(To), " "), strings.Join(Names(From), " ")
	if !strings.Contains(to, "MAXOUTPUTSIZE") || strings.Contains(to, "ERRFILE") || !strings.Contains(from, "ERRFILE") ||
		!strings.Contains(from, "HEADER") {
		t.Errorf("COPY TO options %s; COPY FROM options %s", to, from)
	}
}
