package parser

import (
	"strconv"
)

// Internal function names that carry CQL-only forms through sqlparser. The lexer-level rewrite turns
// `c CONTAINS v` into __contains(c, v), `c CONTAINS KEY v` into __contains_key(c, v), `m['k']` into
// __elem(m, 'k'), and collection literals {…} / […] into __set(…), __map(k, v, …), __list(…); the
// converter turns them back into AST nodes.
const (
	fnContains    = "__contains"
	fnContainsKey = "__contains_key"
	fnElem        = "__elem"
	fnSet         = "__set"
	fnList        = "__list"
	fnMap         = "__map"
	fnCast        = "__cast" // CAST(x AS type) becomes __cast(x, 'type')
)

// cqlTail is what trails a SELECT in CQL but not in SQL: PER PARTITION LIMIT n and ALLOW FILTERING.
type cqlTail struct {
	perPartitionLimit *int64
	allowFiltering    bool
}

// stripTail removes PER PARTITION LIMIT n and ALLOW FILTERING from the tokens.
func stripTail(toks []Token) ([]Token, cqlTail, error) {
	var tail cqlTail
	out := make([]Token, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case isWord(t, "allow") && i+1 < len(toks) && isWord(toks[i+1], "filtering"):
			tail.allowFiltering = true
			i++
			continue
		case isWord(t, "per") && i+2 < len(toks) && isWord(toks[i+1], "partition") && isWord(toks[i+2], "limit"):
			if i+3 >= len(toks) || toks[i+3].Kind != Number {
				return nil, tail, &SyntaxError{Pos: toks[min(i+3, len(toks)-1)].Pos, Msg: "PER PARTITION LIMIT takes a whole number"}
			}
			n, err := strconv.ParseInt(toks[i+3].Value, 10, 64)
			if err != nil || n <= 0 {
				return nil, tail, &SyntaxError{Pos: toks[i+3].Pos, Msg: "PER PARTITION LIMIT must be a positive whole number"}
			}
			tail.perPartitionLimit = &n
			i += 3
			continue
		}
		out = append(out, t)
	}
	return out, tail, nil
}

// rewriteCQLForms rewrites CONTAINS, CONTAINS KEY, element access and collection literals into
// internal function calls, as token sequences sqlparser can read.
func rewriteCQLForms(toks []Token) ([]Token, error) {
	var out []Token
	fn := func(name string, at Token) []Token {
		return []Token{{Kind: Ident, Value: name, Text: name, Pos: at.Pos}, {Kind: Punct, Value: "(", Text: "(", Pos: at.Pos}}
	}
	closeTok := func(at Token) Token { return Token{Kind: Punct, Value: ")", Text: ")", Pos: at.Pos} }
	comma := func(at Token) Token { return Token{Kind: Punct, Value: ",", Text: ",", Pos: at.Pos} }
	// operand returns the end (exclusive) of the operand starting at i: one token, a signed number,
	// or a bracketed collection literal.
	var operandEnd func(i int) (int, error)
	operandEnd = func(i int) (int, error) {
		if i >= len(toks) || toks[i].Kind == EOF {
			return 0, &SyntaxError{Pos: toks[len(toks)-1].Pos, Msg: "expected a value"}
		}
		if toks[i].Kind == Punct && (toks[i].Value == "{" || toks[i].Value == "[") {
			return matching(toks, i)
		}
		if toks[i].Kind == Punct && toks[i].Value == "-" && i+1 < len(toks) {
			return i + 2, nil
		}
		return i + 1, nil
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case isWord(t, "cast") && i+1 < len(toks) && toks[i+1].Kind == Punct && toks[i+1].Value == "(":
			end, err := matching(toks, i+1)
			if err != nil {
				return nil, err
			}
			as := -1
			for j, depth := i+2, 0; j < end-1; j++ {
				switch {
				case toks[j].Kind == Punct && (toks[j].Value == "(" || toks[j].Value == "[" || toks[j].Value == "{"):
					depth++
				case toks[j].Kind == Punct && (toks[j].Value == ")" || toks[j].Value == "]" || toks[j].Value == "}"):
					depth--
				case depth == 0 && isWord(toks[j], "as"):
					as = j
				}
			}
			if as < 0 || as+2 != end-1 || toks[as+1].Kind != Ident {
				return nil, &SyntaxError{Pos: t.Pos, Msg: "CAST takes (value AS type), the type a native CQL type"}
			}
			inner, err := rewriteCQLForms(append(append([]Token(nil), toks[i+2:as]...), Token{Kind: EOF}))
			if err != nil {
				return nil, err
			}
			ty := toks[as+1]
			out = append(out, fn(fnCast, t)...)
			out = append(out, inner[:len(inner)-1]...)
			out = append(out, comma(t), Token{Kind: String, Value: ty.Value, Text: ty.Text, Pos: ty.Pos}, closeTok(t))
			i = end - 1
		case isWord(t, "contains") && len(out) > 0 && isColumnToken(out[len(out)-1]):
			// CONTAINS is an operator only after a column: `SELECT contains FROM t` names a column
			// called contains, which Cassandra does not reserve.
			name := fnContains
			j := i + 1
			if j < len(toks) && isWord(toks[j], "key") {
				name = fnContainsKey
				j++
			}
			end, err := operandEnd(j)
			if err != nil {
				return nil, err
			}
			col := out[len(out)-1]
			inner, err := rewriteCQLForms(append(append([]Token(nil), toks[j:end]...), Token{Kind: EOF}))
			if err != nil {
				return nil, err
			}
			out = append(out[:len(out)-1], fn(name, col)...)
			out = append(out, col, comma(t))
			out = append(out, inner[:len(inner)-1]...)
			out = append(out, closeTok(t))
			i = end - 1
		case t.Kind == Punct && t.Value == "[" && len(out) > 0 && isColumnToken(out[len(out)-1]):
			end, err := matching(toks, i)
			if err != nil {
				return nil, err
			}
			inner, err := rewriteCQLForms(append(append([]Token(nil), toks[i+1:end-1]...), Token{Kind: EOF}))
			if err != nil {
				return nil, err
			}
			col := out[len(out)-1]
			out = append(out[:len(out)-1], fn(fnElem, col)...)
			out = append(out, col, comma(t))
			out = append(out, inner[:len(inner)-1]...)
			out = append(out, closeTok(t))
			i = end - 1
		case t.Kind == Punct && (t.Value == "{" || t.Value == "["):
			end, err := matching(toks, i)
			if err != nil {
				return nil, err
			}
			name := fnList
			if t.Value == "{" {
				name = fnSet
				if hasTopLevel(toks[i+1:end-1], ":") {
					name = fnMap
				}
			}
			inner, err := rewriteCQLForms(append(append([]Token(nil), toks[i+1:end-1]...), Token{Kind: EOF}))
			if err != nil {
				return nil, err
			}
			out = append(out, fn(name, t)...)
			for _, x := range inner[:len(inner)-1] {
				if x.Kind == Punct && x.Value == ":" {
					x = comma(x)
				}
				out = append(out, x)
			}
			out = append(out, closeTok(t))
			i = end - 1
		default:
			out = append(out, t)
		}
	}
	return out, nil
}

// isColumnToken reports whether t can be a column name: a quoted identifier, or an unquoted one
// that is not a keyword of the SELECT grammar.
func isColumnToken(t Token) bool {
	return t.Kind == QuotedIdent || (t.Kind == Ident && !sqlKeywords[t.Value])
}

// matching returns the index just past the bracket that closes toks[i].
func matching(toks []Token, i int) (int, error) {
	open := toks[i].Value
	want := map[string]string{"{": "}", "[": "]", "(": ")"}[open]
	depth := 0
	for j := i; j < len(toks); j++ {
		if toks[j].Kind != Punct {
			continue
		}
		switch toks[j].Value {
		case "{", "[", "(":
			depth++
		case "}", "]", ")":
			depth--
			if depth == 0 {
				if toks[j].Value != want {
					return 0, &SyntaxError{Pos: toks[j].Pos, Msg: "expected " + want + " to close " + open}
				}
				return j + 1, nil
			}
		}
	}
	return 0, &SyntaxError{Pos: toks[i].Pos, Msg: "unclosed " + open}
}

// hasTopLevel reports whether punctuation p appears in toks outside any brackets.
func hasTopLevel(toks []Token, p string) bool {
	depth := 0
	for _, t := range toks {
		if t.Kind != Punct {
			continue
		}
		switch t.Value {
		case "{", "[", "(":
			depth++
		case "}", "]", ")":
			depth--
		case p:
			if depth == 0 {
				return true
			}
		}
	}
	return false
}
