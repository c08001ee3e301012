package parser

import (
	"strings"
	"testing"
)

// BenchmarkLongBatch lexes, splits and parses one batch of 20,000 inserts (580 kB). The lexer once
// lower-cased the rest of the text at every number, which made this take minutes.
func BenchmarkLongBatch(b *testing.B) {
	text := "BEGIN UNLOGGED BATCH " + strings.Repeat("INSERT INTO ks.t (a, d) VALUES (1, 2h);", 20000) + " APPLY BATCH;"
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		stmts, _, _ := SplitStatements(text)
		if len(stmts) != 1 {
			b.Fatalf("%d statements, want the one batch", len(stmts))
		}
		if _, err := Parse(stmts[0]); err != nil {
			b.Fatal(err)
		}
	}
}
