package cluster

import (
	"encoding/binary"
	"fmt"
	"testing"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
)

// field encodes one UDT field as the protocol does: a 4-byte length, -1 for null, then the bytes.
func field(b []byte) []byte {
	if b == nil {
		return []byte{0xff, 0xff, 0xff, 0xff}
	}
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(b))), b...)
}

func TestUDTDecodeKeepsNulls(t *testing.T) {
	intType := gocql.NewNativeType(4, gocql.TypeInt, "")
	textType := gocql.NewNativeType(4, gocql.TypeText, "")
	info := gocql.UDTTypeInfo{Name: "pt", Elements: []gocql.UDTField{{Name: "x", Type: intType}, {Name: "y", Type: intType}, {Name: "s", Type: textType}}}
	five := []byte{0, 0, 0, 5}
	cat := func(parts ...[]byte) []byte {
		out := []byte{}
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"all set", cat(field(five), field(five), field([]byte("hi"))), "map[s:hi x:5 y:5]"},
		{"null field", cat(field(five), field(nil), field([]byte{})), "map[s: x:5 y:<nil>]"},
		{"fields missing at the end", field(five), "map[s:<nil> x:5 y:<nil>]"},
		{"null value", nil, "<nil>"},
	} {
		u := newDest(info)
		if err := gocql.Unmarshal(info, c.data, u); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := fmt.Sprint(destValue(u)); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	if err := gocql.Unmarshal(info, []byte{0, 0, 0, 9, 1}, newDest(info)); err == nil {
		t.Error("a truncated field was accepted")
	}
}
