package parser

import "strings"

// SplitStatements splits text into statements on ';', respecting quotes, $$ strings and comments.
// A batch (BEGIN [UNLOGGED | COUNTER | LOGGED] BATCH … APPLY BATCH) is one statement, the ';' between
// its statements kept. Each statement is returned without its ';' and trimmed; empty statements are
// dropped. complete is false when the text ends inside an unfinished statement (no closing ';', an
// open quote or comment, a batch not yet applied), which the REPL uses to ask for a continuation
// line; the unfinished part is returned as rest.
func SplitStatements(text string) (stmts []string, rest string, complete bool) {
	start := 0
	i := 0
	batch := -1 // whether the statement from start is a batch: -1 not yet known, 0 no, 1 yes
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
			s := strings.TrimSpace(text[start:i])
			if batch < 0 {
				batch = 0
				if opensBatch(s) {
					batch = 1
				}
			}
			if batch == 1 && !endsBatch(s) {
				i++ // a statement inside the batch
				continue
			}
			if s != "" && !onlyComments(s) {
				stmts = append(stmts, s)
			}
			i++
			start, batch = i, -1
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

// opensBatch reports whether statement s begins a batch: BEGIN, an optional UNLOGGED, COUNTER or
// LOGGED, then BATCH.
func opensBatch(s string) bool {
	toks, err := Lex(s)
	if err != nil || len(toks) < 3 || !isWord(toks[0], "begin") {
		return false
	}
	next := toks[1]
	if isWord(next, "unlogged") || isWord(next, "counter") || isWord(next, "logged") {
		next = toks[2]
	}
	return isWord(next, "batch")
}

// endsBatch reports whether the text of a batch ends with APPLY BATCH.
func endsBatch(s string) bool {
	words := strings.Fields(strings.ToLower(s[max(0, len(s)-64):]))
	n := len(words)
	return n >= 2 && words[n-1] == "batch" && strings.HasSuffix(words[n-2], "apply") &&
		(len(words[n-2]) == 5 || strings.HasSuffix(words[n-2], ";apply"))
}

// onlyComments reports whether s holds nothing but white space and comments.
func onlyComments(s string) bool {
	toks, err := Lex(s)
	return err == nil && len(toks) == 1
}
