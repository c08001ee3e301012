package cluster

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"

	"github.com/cqlscan/cqlscan/executor"
	"github.com/cqlscan/cqlscan/planner/types"
)

// benchPageRows is the rows of one page at the default fetch size (executor.DefaultFetchSize).
const benchPageRows = executor.DefaultFetchSize

// benchColumn is one result column of a benchmark page: its type and how to make row i's value.
type benchColumn struct {
	name  string
	info  gocql.TypeInfo
	value func(r *rand.Rand, i int) any
}

// typicalColumns are the columns of an event row: text, int, bigint, double, timestamp, uuid and a
// 34-byte blob.
func typicalColumns() []benchColumn {
	native := func(t gocql.Type) gocql.TypeInfo { return gocql.NewNativeType(4, t, "") }
	epoch := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return []benchColumn{
		{"server", native(gocql.TypeText), func(r *rand.Rand, _ int) any { return fmt.Sprintf("esb%02d", r.IntN(40)) }},
		{"status", native(gocql.TypeInt), func(r *rand.Rand, _ int) any { return []int{200, 200, 200, 404, 500}[r.IntN(5)] }},
		{"bytes", native(gocql.TypeBigInt), func(r *rand.Rand, _ int) any { return r.Int64N(1 << 20) }},
		{"latency", native(gocql.TypeDouble), func(r *rand.Rand, _ int) any { return r.Float64() * 5 }},
		{"ts", native(gocql.TypeTimestamp), func(r *rand.Rand, i int) any {
			return epoch.Add(time.Duration(i)*time.Second + time.Duration(r.IntN(1000))*time.Millisecond)
		}},
		{"id", native(gocql.TypeUUID), func(r *rand.Rand, _ int) any {
			var u gocql.UUID
			for k := range u {
				u[k] = byte(r.Uint32())
			}
			return u
		}},
		{"digest", native(gocql.TypeBlob), func(r *rand.Rand, _ int) any {
			b := make([]byte, 34)
			for k := range b {
				b[k] = byte(r.Uint32())
			}
			return b
		}},
	}
}

// wideColumns are typicalColumns plus a list<text> and a map<text, int> of one to eight elements.
func wideColumns(tb testing.TB) []benchColumn {
	text, integer := gocql.NewNativeType(4, gocql.TypeText, ""), gocql.NewNativeType(4, gocql.TypeInt, "")
	// The driver builds collection types from the text between their brackets.
	list := gocql.NewNativeType(4, gocql.TypeList, "text")
	dict := gocql.NewNativeType(4, gocql.TypeMap, "text, int")
	if c, ok := list.(gocql.CollectionType); !ok || c.Elem.Type() != text.Type() {
		tb.Fatalf("list<text> built as %#v", list)
	}
	if c, ok := dict.(gocql.CollectionType); !ok || c.Key.Type() != text.Type() || c.Elem.Type() != integer.Type() {
		tb.Fatalf("map<text, int> built as %#v", dict)
	}
	return append(typicalColumns(),
		benchColumn{"tags", list, func(r *rand.Rand, _ int) any {
			tags := make([]string, 1+r.IntN(8))
			for k := range tags {
				tags[k] = "tag-" + strconv.Itoa(r.IntN(100))
			}
			return tags
		}},
		benchColumn{"counters", dict, func(r *rand.Rand, _ int) any {
			m := map[string]int{}
			for n := 1 + r.IntN(8); len(m) < n; {
				m["counter-"+strconv.Itoa(r.IntN(100))] = r.IntN(1 << 16)
			}
			return m
		}})
}

// encodePage makes n rows of values for cols and their protocol encodings, as a result page holds them.
func encodePage(tb testing.TB, cols []benchColumn, n int) (values [][]any, encoded [][][]byte) {
	tb.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	values, encoded = make([][]any, n), make([][][]byte, n)
	for i := range n {
		values[i], encoded[i] = make([]any, len(cols)), make([][]byte, len(cols))
		for j, c := range cols {
			v := c.value(r, i)
			data, err := gocql.Marshal(c.info, v)
			if err != nil {
				tb.Fatalf("encoding %s value %v: %v", c.name, v, err)
			}
			values[i][j], encoded[i][j] = v, data
		}
	}
	return values, encoded
}

// decodePage does scanRows' per-row work on a page already read off the wire: each column is
// unmarshalled into its wireValue, then the row is built from their values.
func decodePage(cols []benchColumn, vals []wireValue, encoded [][][]byte) ([]executor.Row, error) {
	var rows []executor.Row
	for _, data := range encoded {
		for j, c := range cols {
			if err := gocql.Unmarshal(c.info, data[j], &vals[j]); err != nil {
				return nil, fmt.Errorf("column %s: %w", c.name, err)
			}
		}
		row := make(executor.Row, len(cols))
		for j := range cols {
			row[j] = vals[j].v
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// BenchmarkDecodeRows measures decoding one page of 5,000 rows into executor rows, as scanRows does
// it, for a typical row of seven columns and a wide one that adds two collections.
func BenchmarkDecodeRows(b *testing.B) {
	for _, bc := range []struct {
		name string
		cols []benchColumn
	}{
		{"typical", typicalColumns()},
		{"wide", wideColumns(b)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			values, encoded := encodePage(b, bc.cols, benchPageRows)
			vals := make([]wireValue, len(bc.cols))
			rows, err := decodePage(bc.cols, vals, encoded)
			if err != nil {
				b.Fatal(err)
			}
			if len(rows) != len(values) {
				b.Fatalf("decoded %d rows, want %d", len(rows), len(values))
			}
			for i, row := range rows {
				for j, got := range row {
					typ := typeOf(bc.cols[j].info)
					got, err1 := types.Normalize(typ, got)
					want, err2 := types.Normalize(typ, values[i][j])
					if err1 != nil || err2 != nil || !reflect.DeepEqual(got, want) {
						b.Fatalf("row %d column %s decoded as %#v, want %#v (%v, %v)", i, bc.cols[j].name, got, want, err1, err2)
					}
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := decodePage(bc.cols, vals, encoded); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchPageRows), "ns/row")
		})
	}
}
