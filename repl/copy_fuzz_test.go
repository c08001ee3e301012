package repl

import "testing"

// FuzzParseCopy: no COPY command text makes the parser panic, and what it accepts names a table and
// a direction.
func FuzzParseCopy(f *testing.F) {
	for _, s := range []string{
		"ks.t TO 'f.csv'", "ks.t (a, b) FROM STDIN WITH HEADER = true AND DELIMITER = '|'",
		"t TO STDOUT", `"Ks"."T" FROM 'a''b.csv' WITH NULL = 'x'`, "ks.t TO", "(", "ks.t FROM 'x' WITH",
		"ks.t TO 'f' WITH MAXOUTPUTSIZE = -1 AND", "ks.t () FROM 'f'", "ks . t TO 'f' WITH a=b AND c='d'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		c, err := parseCopy(arg)
		if err == nil && (c == nil || c.table == "") {
			t.Fatalf("parseCopy(%q) accepted it without a table: %+v", arg, c)
		}
	})
}
