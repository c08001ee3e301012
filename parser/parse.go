package parser

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// ErrUnsupported marks a construct cqlscan recognises but does not run.
var ErrUnsupported = errors.New("not supported")

// Parse parses one statement (without its trailing ';'). SELECT and USE are parsed; any other
// statement is returned as a Passthrough to be sent to Cassandra as written.
func Parse(text string) (Statement, error) {
	toks, err := Lex(text)
	if err != nil {
		return nil, err
	}
	if toks[0].Kind == EOF {
		return nil, &SyntaxError{Pos: toks[0].Pos, Msg: "empty statement"}
	}
	if n := len(toks); n >= 2 && toks[n-2].Kind == Punct && toks[n-2].Value == ";" {
		toks = append(toks[:n-2], toks[n-1])
	}
	switch {
	case isWord(toks[0], "use"):
		return parseUse(toks)
	case isWord(toks[0], "select") && asWritten(toks):
		return &Passthrough{Text: strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), ";"))}, nil
	case isWord(toks[0], "select"):
		return parseSelect(toks)
	case isWord(toks[0], "explain"):
		analyze := len(toks) > 1 && isWord(toks[1], "analyze")
		rest := toks[1:]
		if analyze {
			rest = toks[2:]
		}
		if len(rest) < 2 || !isWord(rest[0], "select") {
			return nil, &SyntaxError{Pos: rest[0].Pos, Msg: "EXPLAIN takes a SELECT statement"}
		}
		if asWritten(rest) {
			return nil, &SyntaxError{Pos: rest[1].Pos, Msg: "EXPLAIN: SELECT JSON and ORDER BY … ANN OF run in Cassandra as written; cqlscan makes no plan for them"}
		}
		st, err := parseSelect(rest)
		if err != nil {
			return nil, err
		}
		return &Explain{Select: st.(*Select), Analyze: analyze}, nil
	}
	return &Passthrough{Text: strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), ";"))}, nil
}

// asWritten reports whether a SELECT is one for Cassandra alone, run as written: SELECT JSON (rows as
// JSON text, made by Cassandra) and vector search (ORDER BY v ANN OF [...], answered by its index).
func asWritten(toks []Token) bool {
	if len(toks) > 2 && isWord(toks[1], "json") {
		// SELECT json FROM t and SELECT json, x … name a column called json.
		if next := toks[2]; !isWord(next, "from") && !isWord(next, "as") && !(next.Kind == Punct && next.Value != "*") {
			return true
		}
	}
	for i := 0; i+1 < len(toks); i++ {
		if isWord(toks[i], "ann") && isWord(toks[i+1], "of") {
			return true
		}
	}
	return false
}

// constructPos points an error about an unsupported construct at the construct: the JOIN, the
// subquery's SELECT, the CASE or OFFSET; the statement's start when it cannot tell.
func constructPos(toks []Token, err error) Pos {
	msg := err.Error()
	find := func(word string, nth int) (Pos, bool) {
		for _, t := range toks {
			if isWord(t, word) {
				if nth--; nth == 0 {
					return t.Pos, true
				}
			}
		}
		return Pos{}, false
	}
	for _, c := range []struct {
		mention, word string
		nth           int
	}{{"JOIN", "join", 1}, {"subquery", "select", 2}, {"CASE", "case", 1}, {"OFFSET", "offset", 1}} {
		if strings.Contains(msg, c.mention) {
			if p, ok := find(c.word, c.nth); ok {
				return p
			}
		}
	}
	return toks[0].Pos
}

func hasFrom(toks []Token) bool {
	for _, t := range toks {
		if isWord(t, "from") {
			return true
		}
	}
	return false
}

func isWord(t Token, w string) bool { return t.Kind == Ident && t.Value == w }

func parseUse(toks []Token) (Statement, error) {
	if len(toks) != 3 || (toks[1].Kind != Ident && toks[1].Kind != QuotedIdent) {
		at := toks[len(toks)-1]
		if len(toks) > 1 {
			at = toks[1]
		}
		return nil, &SyntaxError{Pos: at.Pos, Msg: "expected a keyspace name after USE"}
	}
	return &Use{Keyspace: toks[1].Value}, nil
}

// rewrite is the statement re-written for sqlparser, with the map from its byte offsets back to the
// original tokens and the CQL literals it replaced by :cqlN placeholders.
type rewrite struct {
	text     string
	starts   []int // starts[i] is where token i begins in text
	toks     []Token
	literals map[string]*Literal
}

func rewriteForSQLParser(toks []Token) *rewrite {
	rw := &rewrite{toks: toks, literals: map[string]*Literal{}}
	var b strings.Builder
	placeholder := func(l *Literal) string {
		name := fmt.Sprintf(":cql%d", len(rw.literals))
		rw.literals[name[1:]] = l
		return name
	}
	for _, t := range toks {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		rw.starts = append(rw.starts, b.Len())
		switch t.Kind {
		case Ident:
			switch {
			case sqlKeywords[t.Value]:
				b.WriteString(t.Value)
			case t.Value == "nan" || t.Value == "infinity":
				b.WriteString(placeholder(&Literal{Kind: LitFloat, Text: map[string]string{"nan": "NaN", "infinity": "Infinity"}[t.Value]}))
			default:
				b.WriteString("`" + t.Value + "`")
			}
		case QuotedIdent:
			b.WriteString("`" + strings.ReplaceAll(t.Value, "`", "``") + "`")
		case String:
			b.WriteString(placeholder(&Literal{Kind: LitString, Text: t.Value}))
		case Blob:
			b.WriteString(placeholder(&Literal{Kind: LitBlob, Text: t.Value}))
		case UUID:
			b.WriteString(placeholder(&Literal{Kind: LitUUID, Text: t.Value}))
		case Duration:
			b.WriteString(placeholder(&Literal{Kind: LitDuration, Text: t.Value}))
		case Punct:
			if t.Value == "!=" {
				b.WriteString("<>")
			} else {
				b.WriteString(t.Value)
			}
		default:
			b.WriteString(t.Value)
		}
	}
	rw.text = b.String()
	return rw
}

var sqlparserPos = regexp.MustCompile(`at position (\d+)(?: near '([^']*)')?`)

// tokenAt maps a byte offset of the rewritten text to the original token there.
func (rw *rewrite) tokenAt(off int) Token {
	i := 0
	for i+1 < len(rw.starts) && rw.starts[i+1] <= off {
		i++
	}
	return rw.toks[i]
}

func parseSelect(toks []Token) (Statement, error) {
	for i := 0; i+1 < len(toks); i++ {
		if isWord(toks[i], "over") && toks[i+1].Kind == Punct && toks[i+1].Value == "(" {
			return nil, &SyntaxError{Pos: toks[i].Pos, Msg: "window functions (OVER) are not supported", Err: ErrUnsupported}
		}
	}
	toks, tail, err := stripTail(toks)
	if err != nil {
		return nil, err
	}
	if toks, err = rewriteCQLForms(toks); err != nil {
		return nil, err
	}
	rw := rewriteForSQLParser(toks)
	st, err := sqlparser.Parse(rw.text)
	if err != nil {
		if m := sqlparserPos.FindStringSubmatch(err.Error()); m != nil {
			off, _ := strconv.Atoi(m[1])
			// sqlparser reports the offset just past the token it could not use.
			t := rw.tokenAt(max(off-1, 0))
			if t.Kind == EOF {
				return nil, &SyntaxError{Pos: t.Pos, Msg: "unexpected end of statement"}
			}
			return nil, &SyntaxError{Pos: t.Pos, Msg: fmt.Sprintf("syntax error near %q", t.Text)}
		}
		return nil, &SyntaxError{Pos: toks[0].Pos, Msg: err.Error()}
	}
	sel, ok := st.(*sqlparser.Select)
	if !ok {
		return nil, &SyntaxError{Pos: toks[0].Pos, Msg: fmt.Sprintf("%T statements are not supported", st), Err: ErrUnsupported}
	}
	if !hasFrom(toks) {
		// sqlparser reads a SELECT without FROM as selecting from "dual"; CQL has no such thing.
		last := toks[len(toks)-1]
		return nil, &SyntaxError{Pos: last.Pos, Msg: "SELECT needs FROM keyspace.table"}
	}
	c := &converter{rw: rw}
	out, err := c.selectStmt(sel)
	if err != nil {
		return nil, &SyntaxError{Pos: constructPos(toks, err), Msg: err.Error(), Err: err}
	}
	out.PerPartitionLimit, out.AllowFiltering = tail.perPartitionLimit, tail.allowFiltering
	return out, nil
}
