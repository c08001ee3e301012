package copyio

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func dialect(t *testing.T, opts ...Option) *Options {
	t.Helper()
	o, _, err := Parse(To, "ks", "t", opts)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestWriterMatchesPython pins the bytes Python's csv module writes for cqlsh (the want strings
// were printed by cqlsh's own Python with the same dialects).
func TestWriterMatchesPython(t *testing.T) {
	row := []string{"a,b", `q"x`, `back\s`, "nl\nx", "", "plain", "p|ipe"}
	for _, c := range []struct {
		name string
		opts []Option
		want string
	}{
		{"escape", nil, "\"a,b\",q\\\"x,back\\\\s,\"nl\nx\",,plain,p|ipe\r\n\"\"\r\n"},
		{"doubled quotes", []Option{{"delimiter", "|"}, {"escape", `"`}}, "a,b|\"q\"\"x\"|back\\s|\"nl\nx\"||plain|\"p|ipe\"\r\n\"\"\r\n"},
	} {
		o := dialect(t, c.opts...)
		var buf bytes.Buffer
		w := NewWriter(&buf, o)
		fields := make([]Field, len(row))
		for i, s := range row {
			fields[i] = Field{Text: s}
		}
		if err := w.Write(fields); err != nil {
			t.Fatal(err)
		}
		if err := w.Write([]Field{{}}); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if buf.String() != c.want {
			t.Errorf("%s: wrote %q, Python writes %q", c.name, buf.String(), c.want)
		}
		// And it reads back.
		r := NewReader(strings.NewReader(buf.String()), o)
		rec, err := r.Read()
		if err != nil || !reflect.DeepEqual(rec.Fields, row) {
			t.Errorf("%s: read back %q, %v; want %q", c.name, rec.Fields, err, row)
		}
		if rec, err := r.Read(); err != nil || !reflect.DeepEqual(rec.Fields, []string{""}) || !rec.Quoted[0] {
			t.Errorf("%s: second record %+v, %v; want one quoted empty field", c.name, rec, err)
		}
		if _, err := r.Read(); err != io.EOF {
			t.Errorf("%s: after the last record: %v, want EOF", c.name, err)
		}
	}
}

func TestReader(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     [][]string
		lines    []int
	}{
		{"python's escapes", "a\\,b,\"x\"\"y\",\\\"z\r\n", [][]string{{"a,b", `x"y"`, `"z`}}, []int{1}},
		{"quoted newline, line numbers", "1,\"two\nlines\"\n\n3,x", [][]string{{"1", "two\nlines"}, {"3", "x"}}, []int{1, 4}},
		{"empty fields", ",,\n", [][]string{{"", "", ""}}, []int{1}},
		{"no final newline", "a,b", [][]string{{"a", "b"}}, []int{1}},
		{"cr only", "a\rb\r", [][]string{{"a"}, {"b"}}, []int{1, 1}},
	} {
		r := NewReader(strings.NewReader(c.in), dialect(t))
		var got [][]string
		var lines []int
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			got, lines = append(got, rec.Fields), append(lines, rec.Line)
		}
		if !reflect.DeepEqual(got, c.want) || !reflect.DeepEqual(lines, c.lines) {
			t.Errorf("%s: read %q on lines %v, want %q on %v", c.name, got, lines, c.want, c.lines)
		}
	}
}

func TestReaderRawAndUnterminated(t *testing.T) {
	r := NewReader(strings.NewReader("1,\"a\nb\"\r\n2,\"open"), dialect(t))
	rec, err := r.Read()
	if err != nil || rec.Raw != "1,\"a\nb\"" {
		t.Fatalf("raw text %q, %v", rec.Raw, err)
	}
	if _, err := r.Read(); !errors.Is(err, ErrUnterminated) || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("an unterminated quote at the end: %v, want ErrUnterminated on line 3", err)
	}
}
