package repl

import (
	"bytes"
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/cqlscan/cqlscan/executor"
)

func TestResultFormats(t *testing.T) {
	res := &Result{Columns: []string{"name", "n", "blob", "f", "at", "ok", "big"}, Rows: []executor.Row{
		{"a,b \"q\"", int64(12345), []byte{0xca, 0xfe}, math.NaN(), time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), true, big.NewInt(7)},
		{"héllo", int64(-1), nil, 1.5, nil, false, nil},
	}}
	cases := []struct {
		f    Format
		want string
	}{
		{FormatTable, "\n" +
			" name    | n     | blob   | f   | at                              | ok    | big\n" +
			"---------+-------+--------+-----+---------------------------------+-------+------\n" +
			" a,b \"q\" | 12345 | 0xcafe | NaN | 2026-01-02 03:04:05.000000+0000 |  True |    7\n" +
			"   héllo |    -1 |   null | 1.5 |                            null | False | null\n" +
			"\n(2 rows)\n"},
		{FormatCSV, "name,n,blob,f,at,ok,big\r\n" +
			"\"a,b \"\"q\"\"\",12345,0xcafe,NaN,2026-01-02 03:04:05.000000+0000,True,7\r\n" +
			"héllo,-1,,1.5,,False,\r\n"},
		{FormatJSON, "[\n" +
			"  {\"name\": \"a,b \\\"q\\\"\", \"n\": 12345, \"blob\": \"0xcafe\", \"f\": \"NaN\", \"at\": \"2026-01-02 03:04:05.000000+0000\", \"ok\": true, \"big\": 7},\n" +
			"  {\"name\": \"héllo\", \"n\": -1, \"blob\": null, \"f\": 1.5, \"at\": null, \"ok\": false, \"big\": null}\n" +
			"]\n"},
	}
	for _, c := range cases {
		var b bytes.Buffer
		if err := res.Write(&b, c.f); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("%s:\n%q\nwant\n%q", c.f, b.String(), c.want)
		}
	}
	var b bytes.Buffer
	(&Result{Columns: []string{"count"}}).Write(&b, FormatJSON)
	if b.String() != "[]\n" {
		t.Errorf("empty JSON = %q", b.String())
	}
	if _, err := ParseFormat("XML"); err == nil {
		t.Error("ParseFormat accepted xml")
	}
}
