package render

import (
	"bytes"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"math"
	"math/big"
	"strconv"
	"time"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/planner/types"
)

// writeCSV prints a header line and RFC 4180 rows: NULL is an empty cell, other values are as the
// table shows them (without escaping control characters).
func writeCSV(w io.Writer, r *Result, o Options) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if o.FirstRow == 0 {
		names := make([]string, len(r.Columns))
		for i, c := range r.Columns {
			names[i] = c.Name
		}
		if err := cw.Write(names); err != nil {
			return err
		}
	}
	for _, row := range r.Rows {
		rec := make([]string, len(row))
		for i, v := range row {
			if v != nil {
				rec[i] = Text(r.Columns[i].Type, v)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeJSON prints an array with one object per row, one row per line.
func writeJSON(w io.Writer, r *Result) error {
	var b bytes.Buffer
	b.WriteString("[")
	for i, row := range r.Rows {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  ")
		object(&b, r, row)
	}
	if len(r.Rows) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	_, err := w.Write(b.Bytes())
	return err
}

// writeJSONL prints one object per line.
func writeJSONL(w io.Writer, r *Result) error {
	var b bytes.Buffer
	for _, row := range r.Rows {
		object(&b, r, row)
		b.WriteString("\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

// object writes a row as a JSON object with the columns in order.
func object(b *bytes.Buffer, r *Result, row []any) {
	b.WriteString("{")
	for j, v := range row {
		if j > 0 {
			b.WriteString(", ")
		}
		jsonString(b, r.Columns[j].Name)
		b.WriteString(": ")
		jsonValue(b, r.Columns[j].Type, v)
	}
	b.WriteString("}")
}

// jsonValue writes v as JSON: numbers as numbers (exact, however large), NaN and infinities, blobs,
// uuids, times and inets as strings, lists, sets, vectors and tuples as arrays, maps and user types as
// objects (a map key that is not text becomes its JSON text, see jsonKey).
func jsonValue(b *bytes.Buffer, t types.Type, v any) {
	switch x := v.(type) {
	case nil, types.Empty: // Empty as Cassandra's toJson writes it
		b.WriteString("null")
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case *big.Int:
		b.WriteString(x.String())
	case *inf.Dec:
		b.WriteString(decimalText(x))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			jsonString(b, floatText(x, false))
			return
		}
		b.WriteString(floatText(x, t.Kind == types.Float))
	case string:
		jsonString(b, x)
	case []byte:
		jsonString(b, "0x"+hex.EncodeToString(x))
	case time.Time:
		if t.Kind == types.Date {
			jsonString(b, x.UTC().Format(dateLayout))
			return
		}
		jsonString(b, x.UTC().Format("2006-01-02T15:04:05.000Z"))
	case []types.MapEntry:
		b.WriteString("{")
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			jsonKey(b, t.Part(0), e.Key)
			b.WriteString(": ")
			jsonValue(b, t.Part(1), e.Value)
		}
		b.WriteString("}")
	case []any:
		if t.Kind == types.UDT && len(t.Field) == len(x) {
			b.WriteString("{")
			for i, e := range x {
				if i > 0 {
					b.WriteString(", ")
				}
				jsonString(b, t.Field[i])
				b.WriteString(": ")
				jsonValue(b, t.Part(i), e)
			}
			b.WriteString("}")
			return
		}
		b.WriteString("[")
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			jsonValue(b, t.Part(i), e)
		}
		b.WriteString("]")
	default:
		jsonString(b, Text(t, v))
	}
}

// jsonKey writes a map key as a JSON object's key: the key's JSON value when that is a string, else
// that value's JSON text as a string (as Cassandra's SELECT JSON writes keys): {"1.5": …},
// {"2026-01-01T00:00:00.000Z": …}, {"[1, \"a\"]": …}.
func jsonKey(b *bytes.Buffer, t types.Type, key any) {
	var k bytes.Buffer
	jsonValue(&k, t, key)
	if bytes.HasPrefix(k.Bytes(), []byte(`"`)) {
		b.Write(k.Bytes())
		return
	}
	jsonString(b, k.String())
}

// jsonString writes s as a JSON string, leaving <, > and & as they are.
func jsonString(b *bytes.Buffer, s string) {
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Write(bytes.TrimSuffix(out.Bytes(), []byte("\n")))
}
