package render

import "strings"

// The colours of cqlsh's table view (ANSI bold colours, as its displaying module uses): text
// yellow, other values green, blobs dark magenta, NULL red, the brackets and separators of
// collections blue; column names magenta, those of partition keys red, of clustering columns cyan
// and of static columns white.
const (
	colorText         = "\x1b[0;1;33m"
	colorValue        = "\x1b[0;1;32m"
	colorBlob         = "\x1b[0;35m"
	colorNull         = "\x1b[0;1;31m"
	colorCollection   = "\x1b[0;1;34m"
	colorName         = "\x1b[0;1;35m"
	colorPartitionKey = "\x1b[0;1;31m"
	colorClustering   = "\x1b[0;1;36m"
	colorStatic       = "\x1b[0;1;37m"
	colorReset        = "\x1b[0m"
)

// paint wraps s in a colour when the printer colours, an empty s too (as cqlsh does).
func (p printer) paint(color, s string) string {
	if !p.Color {
		return s
	}
	return color + s + colorReset
}

// paintEscapes colours escaped text as cqlsh does: the text yellow, each escape of a control
// character (\n, \xNN, …) in the blob colour, and a doubled backslash shown single again (the
// colours already tell it from an escape).
func paintEscapes(s string) string {
	var b strings.Builder
	b.WriteString(colorText)
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		n := 2 // \n, \t, \r, \\
		if s[i+1] == 'x' && i+4 <= len(s) {
			n = 4
		}
		if s[i+1] == '\\' {
			b.WriteByte('\\')
		} else {
			b.WriteString(colorBlob + s[i:i+n] + colorText)
		}
		i += n - 1
	}
	b.WriteString(colorReset)
	return b.String()
}
