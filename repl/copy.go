package repl

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner/schema"
	"github.com/cqlscan/cqlscan/repl/copyio"
)

// copyCommand is a parsed COPY: COPY [ks.]table [(cols)] TO 'file'|STDOUT | FROM 'files'|STDIN
// [WITH name = value [AND …]].
type copyCommand struct {
	keyspace, table string
	columns         []string // as written; nil for every column
	dir             copyio.Direction
	file            string // "" for STDIN or STDOUT
	opts            []copyio.Option
}

// ErrCopySyntax marks a COPY command that does not parse.
var ErrCopySyntax = errors.New("COPY syntax")

func copySyntax(format string, args ...any) error {
	return fmt.Errorf("%w: %s; the form is COPY [ks.]table [(col, …)] TO 'file'|STDOUT | FROM 'file'|STDIN [WITH option = 'value' [AND …]]",
		ErrCopySyntax, fmt.Sprintf(format, args...))
}

// parseCopy reads the words after COPY.
func parseCopy(arg string) (*copyCommand, error) {
	toks, err := parser.Lex(arg)
	if err != nil {
		return nil, err
	}
	p := &copyParser{toks: toks}
	c := &copyCommand{}
	name, err := p.name("a table name")
	if err != nil {
		return nil, err
	}
	if p.punct(".") {
		c.keyspace = name
		if name, err = p.name("a table name after the keyspace"); err != nil {
			return nil, err
		}
	}
	c.table = name
	if p.punct("(") {
		for {
			col, err := p.name("a column name")
			if err != nil {
				return nil, err
			}
			c.columns = append(c.columns, col)
			if p.punct(")") {
				break
			}
			if !p.punct(",") {
				return nil, copySyntax("want , or ) after column %s", col)
			}
		}
	}
	switch {
	case p.word("to"):
		c.dir = copyio.To
	case p.word("from"):
		c.dir = copyio.From
	default:
		return nil, copySyntax("want TO or FROM, not %s", p.peek())
	}
	switch t := p.next(); {
	case t.Kind == parser.String:
		c.file = t.Value
		if c.file == "" {
			return nil, copySyntax("the file name is empty")
		}
	case t.Kind == parser.Ident && t.Value == "stdout" && c.dir == copyio.To,
		t.Kind == parser.Ident && t.Value == "stdin" && c.dir == copyio.From:
	default:
		std := "STDOUT"
		if c.dir == copyio.From {
			std = "STDIN"
		}
		return nil, copySyntax("want a quoted file name or %s after %s, not %s", std, c.dir, describe(t))
	}
	if p.word("with") {
		for {
			opt, err := p.option()
			if err != nil {
				return nil, err
			}
			c.opts = append(c.opts, opt)
			if !p.word("and") {
				break
			}
		}
	}
	p.punct(";")
	if t := p.next(); t.Kind != parser.EOF {
		return nil, copySyntax("unexpected %s", describe(t))
	}
	return c, nil
}

type copyParser struct {
	toks []parser.Token
	i    int
}

func (p *copyParser) next() parser.Token {
	if p.i >= len(p.toks) {
		return parser.Token{Kind: parser.EOF}
	}
	t := p.toks[p.i]
	if t.Kind != parser.EOF {
		p.i++
	}
	return t
}

func (p *copyParser) peek() string {
	if p.i >= len(p.toks) {
		return "the end"
	}
	return describe(p.toks[p.i])
}

func describe(t parser.Token) string {
	if t.Kind == parser.EOF {
		return "the end"
	}
	return fmt.Sprintf("%q", t.Text)
}

func (p *copyParser) punct(s string) bool {
	if p.i < len(p.toks) && p.toks[p.i].Kind == parser.Punct && p.toks[p.i].Text == s {
		p.i++
		return true
	}
	return false
}

func (p *copyParser) word(w string) bool {
	if p.i < len(p.toks) && p.toks[p.i].Kind == parser.Ident && p.toks[p.i].Value == w {
		p.i++
		return true
	}
	return false
}

func (p *copyParser) name(what string) (string, error) {
	t := p.next()
	if t.Kind == parser.Ident || t.Kind == parser.QuotedIdent {
		return t.Value, nil
	}
	return "", copySyntax("want %s, not %s", what, describe(t))
}

// option reads name = value; the value is a quoted string, a word or a number (maybe negative).
func (p *copyParser) option() (copyio.Option, error) {
	t := p.next()
	if t.Kind != parser.Ident && t.Kind != parser.QuotedIdent {
		return copyio.Option{}, copySyntax("want an option name after WITH or AND, not %s", describe(t))
	}
	name := t.Value
	if !p.punct("=") {
		return copyio.Option{}, copySyntax("want = after option %s", strings.ToUpper(name))
	}
	sign := ""
	if p.punct("-") {
		sign = "-"
	}
	v := p.next()
	switch v.Kind {
	case parser.String:
		return copyio.Option{Name: name, Value: sign + unescapeOption(v.Value)}, nil
	case parser.Ident, parser.Number, parser.QuotedIdent:
		return copyio.Option{Name: name, Value: sign + v.Text}, nil
	}
	return copyio.Option{}, copySyntax("want a value for option %s, not %s", strings.ToUpper(name), describe(v))
}

// unescapeOption reads \t and \n in a one-character option value (DELIMITER='\t') as the
// characters they name.
func unescapeOption(v string) string {
	switch v {
	case `\t`:
		return "\t"
	case `\n`:
		return "\n"
	}
	return v
}

// copyCmd runs COPY.
func (s *Session) copyCmd(ctx context.Context, arg string) error {
	c, err := parseCopy(arg)
	if err != nil {
		return err
	}
	if c.keyspace == "" {
		if c.keyspace = s.Keyspace; c.keyspace == "" {
			return errors.New("COPY: no keyspace: name the table as ks.table or USE a keyspace first")
		}
	}
	opts, notes, err := copyio.Parse(c.dir, c.keyspace, c.table, c.opts)
	if err != nil {
		return err
	}
	if opts.DateTimeFormat == "" {
		opts.DateTimeFormat = s.DateTimeFormat // cqlshrc [ui] datetimeformat, as in cqlsh
	}
	for _, n := range notes {
		fmt.Fprintf(s.Err, "note: %s\n", n)
	}
	t, err := s.Cluster.Table(ctx, c.keyspace, c.table)
	if err != nil {
		return err
	}
	cols, err := copyColumns(t, c.columns)
	if err != nil {
		return err
	}
	if c.dir == copyio.To {
		return s.copyTo(ctx, t, cols, c.file, opts)
	}
	return s.copyFrom(ctx, t, cols, c.file, opts)
}

// copyColumns checks the columns named, or lists the table's (partition key, clustering columns,
// then the rest by name, as cqlsh lists them).
func copyColumns(t *schema.Table, named []string) ([]schema.Column, error) {
	if len(named) == 0 {
		return t.Columns, nil
	}
	out := make([]schema.Column, len(named))
	for i, n := range named {
		col := t.Column(n)
		if col == nil {
			return nil, fmt.Errorf("Invalid column name %s: %s.%s has no such column", n, t.Keyspace, t.Name)
		}
		out[i] = *col
	}
	return out, nil
}

// describeInterval says how long something took as cqlsh's COPY does: "1.234 seconds",
// "2 minutes and 3.000 seconds".
func describeInterval(seconds float64) string {
	var parts []string
	for _, u := range []struct {
		length float64
		unit   string
	}{{86400, "day"}, {3600, "hour"}, {60, "minute"}} {
		if n := int(seconds / u.length); n > 0 {
			w := fmt.Sprintf("%d %s", n, u.unit)
			if n > 1 {
				w += "s"
			}
			parts = append(parts, w)
			seconds -= float64(n) * u.length
		}
	}
	words := fmt.Sprintf("%.3f seconds", seconds)
	switch len(parts) {
	case 0:
		return words
	case 1:
		return parts[0] + " and " + words
	}
	return strings.Join(parts, ", ") + ", and " + words
}
