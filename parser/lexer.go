// Package parser turns CQL text into cqlscan's own small AST. A CQL-aware lexer owns everything
// lexical (identifier case folding, quoting, CQL literals, comments, statement splitting, positions);
// the SELECT grammar itself is parsed by github.com/xwb1989/sqlparser on text the lexer has rewritten
// into forms that library knows, and its AST is converted at once into ours.
package parser

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Kind is a token's lexical class.
type Kind int

// Token kinds.
const (
	EOF         Kind = iota
	Ident            // unquoted identifier or keyword; Value is folded to lower case
	QuotedIdent      // "Quoted" identifier; Value keeps its case, "" unescaped
	String           // 'text' or $$text$$; Value is the unescaped text
	Number           // integer or decimal literal
	Blob             // 0xCAFE
	UUID             // bare uuid or timeuuid literal
	Duration         // 1h30m, P1DT2H, …
	Punct            // operators and punctuation: ( ) , . ; * = < > <= >= != + - / % [ ] { } : ?
)

var kindNames = [...]string{"end of input", "identifier", "quoted identifier", "string", "number",
	"blob", "uuid", "duration", "punctuation"}

func (k Kind) String() string { return kindNames[k] }

// Pos is a position in the statement text.
type Pos struct {
	Offset int // byte offset
	Line   int // 1-based
	Col    int // 1-based, in runes
}

func (p Pos) String() string { return fmt.Sprintf("line %d, char %d", p.Line, p.Col) }

// Token is one lexical token.
type Token struct {
	Kind  Kind
	Text  string // the token exactly as written
	Value string // the decoded value (see Kind)
	Pos   Pos
}

// SyntaxError is a parse or lex error at a position in the statement.
type SyntaxError struct {
	Pos Pos
	Msg string
	Err error // the cause, such as ErrUnsupported; may be nil
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%s at %s", e.Msg, e.Pos) }

// Unwrap returns the cause.
func (e *SyntaxError) Unwrap() error { return e.Err }

type lexer struct {
	src  string
	off  int
	line int
	col  int
}

// Lex splits src into tokens, skipping white space and comments (--, //, /* */). The last token is EOF.
func Lex(src string) ([]Token, error) {
	l := &lexer{src: src, line: 1, col: 1}
	var toks []Token
	for {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
		if t.Kind == EOF {
			return toks, nil
		}
	}
}

func (l *lexer) pos() Pos { return Pos{Offset: l.off, Line: l.line, Col: l.col} }

func (l *lexer) peek(k int) byte {
	if l.off+k < len(l.src) {
		return l.src[l.off+k]
	}
	return 0
}

func (l *lexer) advance(n int) {
	for i := 0; i < n && l.off < len(l.src); {
		r, size := utf8.DecodeRuneInString(l.src[l.off:])
		l.off += size
		i += size
		if r == '\n' {
			l.line++
			l.col = 1
		} else {
			l.col++
		}
	}
}

func (l *lexer) skipSpaceAndComments() error {
	for l.off < len(l.src) {
		c := l.peek(0)
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			l.advance(1)
		case (c == '-' && l.peek(1) == '-') || (c == '/' && l.peek(1) == '/'):
			for l.off < len(l.src) && l.peek(0) != '\n' {
				l.advance(1)
			}
		case c == '/' && l.peek(1) == '*':
			start := l.pos()
			end := strings.Index(l.src[l.off+2:], "*/")
			if end < 0 {
				return &SyntaxError{Pos: start, Msg: "unterminated /* comment"}
			}
			l.advance(end + 4)
		default:
			return nil
		}
	}
	return nil
}

func (l *lexer) next() (Token, error) {
	if err := l.skipSpaceAndComments(); err != nil {
		return Token{}, err
	}
	start := l.pos()
	if l.off >= len(l.src) {
		return Token{Kind: EOF, Pos: start}, nil
	}
	c := l.peek(0)
	var t Token
	var err error
	switch {
	case c == '\'':
		t, err = l.quoted('\'', String)
	case c == '"':
		t, err = l.quoted('"', QuotedIdent)
	case c == '$' && l.peek(1) == '$':
		end := strings.Index(l.src[l.off+2:], "$$")
		if end < 0 {
			return Token{}, &SyntaxError{Pos: start, Msg: "unterminated $$ string"}
		}
		t = Token{Kind: String, Value: l.src[l.off+2 : l.off+2+end]}
		l.advance(end + 4)
	case c == '0' && (l.peek(1) == 'x' || l.peek(1) == 'X') && !isUUIDAt(l.src[l.off:]):
		n := 2
		for isHex(l.peek(n)) {
			n++
		}
		t = Token{Kind: Blob, Value: strings.ToLower(l.src[l.off : l.off+n])}
		l.advance(n)
	case isUUIDAt(l.src[l.off:]):
		t = Token{Kind: UUID, Value: strings.ToLower(l.src[l.off : l.off+36])}
		l.advance(36)
	case isDigit(c) || (c == '.' && isDigit(l.peek(1))):
		t = l.number()
	case c == 'P' && isoAltDuration.MatchString(l.src[l.off:]):
		t = Token{Kind: Duration, Value: l.src[l.off : l.off+20]}
		l.advance(20)
	case isIdentStart(l.src[l.off:]):
		n := identLen(l.src[l.off:])
		word := l.src[l.off : l.off+n]
		t = Token{Kind: Ident, Value: strings.ToLower(word)}
		if isISODuration(word) {
			t = Token{Kind: Duration, Value: word}
		}
		l.advance(n)
	default:
		t = l.punct()
		if t.Kind == EOF {
			r, _ := utf8.DecodeRuneInString(l.src[l.off:])
			return Token{}, &SyntaxError{Pos: start, Msg: fmt.Sprintf("unexpected character %q", r)}
		}
	}
	if err != nil {
		return Token{}, err
	}
	t.Pos = start
	t.Text = l.src[start.Offset:l.off]
	return t, nil
}

// quoted reads a 'string' or "identifier" in which the quote is escaped by doubling it.
func (l *lexer) quoted(q byte, kind Kind) (Token, error) {
	start := l.pos()
	var b strings.Builder
	i := l.off + 1
	for {
		if i >= len(l.src) {
			what := "string"
			if kind == QuotedIdent {
				what = "quoted identifier"
			}
			return Token{}, &SyntaxError{Pos: start, Msg: "unterminated " + what}
		}
		if l.src[i] == q {
			if i+1 < len(l.src) && l.src[i+1] == q {
				b.WriteByte(q)
				i += 2
				continue
			}
			break
		}
		b.WriteByte(l.src[i])
		i++
	}
	if kind == QuotedIdent && b.Len() == 0 {
		return Token{}, &SyntaxError{Pos: start, Msg: "empty quoted identifier"}
	}
	l.advance(i + 1 - l.off)
	return Token{Kind: kind, Value: b.String()}, nil
}

// number reads an integer or decimal literal, or a duration such as 1h30m or 12mo3d.
func (l *lexer) number() Token {
	n := 0
	for isDigit(l.peek(n)) {
		n++
	}
	// A duration: digits followed by a unit, possibly repeated (1h30m, 2d, 500ms, 3us, 1µs).
	if d := durationLen(l.src[l.off:]); d > n {
		v := l.src[l.off : l.off+d]
		l.advance(d)
		return Token{Kind: Duration, Value: strings.ToLower(v)}
	}
	if l.peek(n) == '.' && isDigit(l.peek(n+1)) {
		n++
		for isDigit(l.peek(n)) {
			n++
		}
	}
	if e := l.peek(n); e == 'e' || e == 'E' {
		k := n + 1
		if s := l.peek(k); s == '+' || s == '-' {
			k++
		}
		if isDigit(l.peek(k)) {
			for isDigit(l.peek(k)) {
				k++
			}
			n = k
		}
	}
	v := l.src[l.off : l.off+n]
	l.advance(n)
	return Token{Kind: Number, Value: v}
}

var puncts = []string{"<=", ">=", "!=", "<>", "(", ")", ",", ".", ";", "*", "=", "<", ">", "+", "-", "/",
	"%", "[", "]", "{", "}", ":", "?"}

func (l *lexer) punct() Token {
	for _, p := range puncts {
		if strings.HasPrefix(l.src[l.off:], p) {
			l.advance(len(p))
			return Token{Kind: Punct, Value: p}
		}
	}
	return Token{Kind: EOF}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') }

// isLetter is an ASCII letter: Cassandra's unquoted identifiers are ASCII (IDENT: a letter, then
// letters, digits and underscores); anything else must be double-quoted.
func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

func isIdentStart(s string) bool { return len(s) > 0 && isLetter(s[0]) }

func identLen(s string) int {
	n := 0
	for n < len(s) && (isLetter(s[n]) || isDigit(s[n]) || s[n] == '_') {
		n++
	}
	return n
}

// isUUIDAt reports whether s starts with a uuid literal (8-4-4-4-12 hex digits) not followed by an
// identifier character.
func isUUIDAt(s string) bool {
	if len(s) < 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if s[i] != '-' {
				return false
			}
		} else if !isHex(s[i]) {
			return false
		}
	}
	return len(s) == 36 || identLen(s[36:]) == 0
}

var durationUnits = []string{"mo", "ms", "us", "µs", "ns", "y", "w", "d", "h", "m", "s"}

// durationLen returns the length of a CQL duration literal (1h30m) at the start of s, or 0.
func durationLen(s string) int {
	n := 0
	for {
		d := 0
		for d+n < len(s) && isDigit(s[n+d]) {
			d++
		}
		if d == 0 {
			break
		}
		u := ""
		next := strings.ToLower(s[n+d : min(len(s), n+d+3)]) // units are at most 3 bytes (µs)
		for _, unit := range durationUnits {
			if strings.HasPrefix(next, unit) {
				u = unit
				break
			}
		}
		if u == "" {
			break
		}
		n += d + len(u)
	}
	if n > 0 && identLen(s[n:]) > 0 {
		return 0 // 12abc is not a duration
	}
	return n
}

// isoDuration is Cassandra's ISO 8601 duration literal (its lexer's DURATION rule): P, then years,
// months, days in that order, or weeks; optionally T and hours, minutes, seconds. Unlike CQL's
// keywords these letters are upper case only: P3M is a duration, p3m an identifier.
var isoDuration = regexp.MustCompile(`^(P(\d+Y(\d+M)?(\d+D)?|\d+M(\d+D)?|\d+D)(T(\d+H(\d+M)?(\d+S)?|\d+M(\d+S)?|\d+S))?|PT(\d+H(\d+M)?(\d+S)?|\d+M(\d+S)?|\d+S)|P\d+W)$`)

// isoAltDuration is the ISO 8601 alternative format Cassandra also reads: P0001-02-03T04:05:06.
var isoAltDuration = regexp.MustCompile(`^P\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}`)

// isISODuration reports whether an identifier-shaped word is, for Cassandra, a duration literal.
func isISODuration(w string) bool { return isoDuration.MatchString(w) }
