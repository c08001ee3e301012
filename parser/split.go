package parser

import "strings"

// SplitStatements splits text into statements on ';', respecting quotes, $$ strings and comments.
// Each statement is returned without its ';' and trimmed; empty statements are dropped. complete is
// false when the text ends inside an unfinished statement (no closing ';', or an open quote or
// comment), which the REPL uses to ask for a continuation line; the unfinished part is returned as rest.
func SplitStatements(text string) (stmts []string, rest string, complete bool) {
	start := 0
	i := 0
	for i < len(text) {
		c := text[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for {
				k := strings.IndexByte(text[j:], c)
				if k < 0 {
					return stmts, strings.TrimSpace(text[start:]), false
				}
				j += k + 1
				if j < len(text) && text[j] == c {
					j++
					continue
				}
				break
			}
			i = j
		case c == '$' && strings.HasPrefix(text[i:], "$$"):
			k := strings.Index(text[i+2:], "$$")
			if k < 0 {
				return stmts, strings.TrimSpace(text[start:]), false
			}
			i += k + 4
		case strings.HasPrefix(text[i:], "--") || strings.HasPrefix(text[i:], "//"):
			k := strings.IndexByte(text[i:], '\n')
			if k < 0 {
				i = len(text)
			} else {
				i += k + 1
			}
		case strings.HasPrefix(text[i:], "/*"):
			k := strings.Index(text[i+2:], "*/")
			if k < 0 {
				return stmts, strings.TrimSpace(text[start:]), false
			}
			i += k + 4
		case c == ';':
			if s := strings.TrimSpace(text[start:i]); s != "" && !onlyComments(s) {
				stmts = append(stmts, s)
			}
			i++
			start = i
		default:
			i++
		}
	}
	rest = strings.TrimSpace(text[start:])
	if onlyComments(rest) {
		rest = ""
	}
	return stmts, rest, rest == ""
}

// onlyComments reports whether s holds nothing but white space and comments.
func onlyComments(s string) bool {
	toks, err := Lex(s)
	return err == nil && len(toks) == 1
}
