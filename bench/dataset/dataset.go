// Package dataset defines the benchmark's tables and generates their rows reproducibly: row i is a
// pure function of i and a fixed seed, so any number of writers, in any order, in any run, write the
// same table, and the expected answers can be computed without reading it back.
package dataset

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Dataset is one benchmark table.
type Dataset struct {
	Name      string // for the command line and the results, e.g. "standard1-10m"
	Keyspace  string
	Table     string
	Rows      int
	Schema    string // CREATE TABLE IF NOT EXISTS
	Insert    string // INSERT with one marker per value of Row
	Row       func(i int) []any
	BatchRows int // rows per UNLOGGED batch: small enough for batch_size_warn_threshold (5 KiB)
}

// Ref is keyspace.table.
func (d Dataset) Ref() string { return d.Keyspace + "." + d.Table }

const seed = 0x5ca1ab1e

// rng returns row i's generator for stream s.
func rng(s, i int) *rand.Rand { return rand.New(rand.NewPCG(seed+uint64(s), uint64(i))) }

// Standard1Groups is how many distinct values column "C0" of standard1 takes, so that a GROUP BY on
// it has that many groups.
const Standard1Groups = 1000

// Standard1 is cassandra-stress's default table, keyspace1.standard1 (a 10-byte blob key and five
// 34-byte blob columns with quoted upper-case names), filled the way stress fills it except that
// "C0" takes only Standard1Groups values (stress's are all random), to give GROUP BY a column with a
// known number of groups. cassandra-stress itself is not in the Maven artifacts this project can
// fetch; this generator stands in for it.
func Standard1(keyspace string, rows int) Dataset {
	return Dataset{
		Name:     "standard1-" + Short(rows),
		Keyspace: keyspace, Table: "standard1", Rows: rows,
		Schema: `CREATE TABLE IF NOT EXISTS %s.standard1 (key blob PRIMARY KEY,
			"C0" blob, "C1" blob, "C2" blob, "C3" blob, "C4" blob)`,
		Insert:    `INSERT INTO %s.standard1 (key, "C0", "C1", "C2", "C3", "C4") VALUES (?, ?, ?, ?, ?, ?)`,
		Row:       standard1Row,
		BatchRows: 20,
	}
}

func standard1Row(i int) []any {
	r := rng(1, i)
	key := binary.BigEndian.AppendUint64([]byte{'k', 'e'}, uint64(i))
	row := []any{key, Standard1Group(i)}
	for range 4 {
		b := make([]byte, 34)
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		row = append(row, b)
	}
	return row
}

// Standard1Group returns row i's "C0": one of Standard1Groups 34-byte values.
func Standard1Group(i int) []byte {
	g := rng(2, i).IntN(Standard1Groups)
	r := rng(3, g)
	b := make([]byte, 34)
	for j := range b {
		b[j] = byte(r.Uint32())
	}
	return b
}

// Sales is the analytics table: stores (partitions) of very different sizes, a clustering sequence,
// and text, int, double and timestamp columns with skewed values and NULLs.
//
//   - store: Stores partitions; store k holds about 1/sqrt(k+1) of the rows of store 0 (the largest
//     has ~0.7% of the table, the smallest a few dozen rows).
//   - category: Categories values, Zipf-skewed (the most common ~10% of rows, the rarest a handful).
//   - region: one of Regions, NULL in 10% of rows.
//   - amount: log-normal around 50, never NULL; qty 1–20, NULL in 5%; note NULL in 30%.
//   - ts: one row a second from 2026-01-01.
func Sales(keyspace string, rows int) Dataset {
	return Dataset{
		Name:     "sales-" + Short(rows),
		Keyspace: keyspace, Table: "sales", Rows: rows,
		Schema: `CREATE TABLE IF NOT EXISTS %s.sales (store int, seq int, category text, region text,
			amount double, qty int, note text, ts timestamp, PRIMARY KEY ((store), seq))`,
		Insert:    `INSERT INTO %s.sales (store, seq, category, region, amount, qty, note, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		Row:       func(i int) []any { return SalesRow(i, rows).Values() },
		BatchRows: 40,
	}
}

// Sales' shape.
const (
	Stores     = 20000
	Categories = 1000
)

// Regions are the values of sales.region.
var Regions = []string{"eu-west", "eu-north", "eu-south", "us-east", "us-west", "us-central",
	"ap-south", "ap-east", "ap-north", "sa-east", "af-south", "me-central"}

// Sale is one row of sales; nil pointers are NULLs.
type Sale struct {
	Store, Seq int
	Category   string
	Region     *string
	Amount     float64
	Qty        *int
	Note       *string
	TS         time.Time
}

// SalesRow returns row i of a sales table of n rows.
func SalesRow(i, n int) Sale {
	r := rng(4, i)
	u := float64(i) / float64(n)
	s := Sale{
		Store:    int(Stores * u * u),
		Seq:      i,
		Category: fmt.Sprintf("cat-%04d", zipf(r, Categories)),
		Amount:   math.Round(50*math.Exp(r.NormFloat64()*0.8)*100) / 100,
		TS:       time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
	}
	if r.IntN(10) != 0 {
		s.Region = &Regions[r.IntN(len(Regions))]
	}
	if r.IntN(20) != 0 {
		q := 1 + r.IntN(20)
		s.Qty = &q
	}
	if r.IntN(10) >= 3 {
		note := fmt.Sprintf("order %d", i)
		s.Note = &note
	}
	return s
}

// Values returns the row's values in Sales' INSERT order.
func (s Sale) Values() []any {
	return []any{s.Store, s.Seq, s.Category, s.Region, s.Amount, s.Qty, s.Note, s.TS}
}

// zipf draws from 0..n-1 with P(k) ∝ 1/(k+1), by inverting the harmonic sum approximately.
func zipf(r *rand.Rand, n int) int {
	h := math.Log(float64(n)) + 0.5772156649
	k := int(math.Exp(r.Float64()*h-0.5772156649)) - 1
	return min(max(k, 0), n-1)
}

// Short writes a row count the way dataset names do: 10m, 250k, 1234.
func Short(n int) string {
	switch {
	case n%1_000_000 == 0:
		return fmt.Sprintf("%dm", n/1_000_000)
	case n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// SmallRows is the small table's size: a table a user counts without thinking, where the fixed cost
// of a tool (start-up, connection, metadata, requests) is all there is to measure.
const SmallRows = 50

// All are the benchmark's datasets, in loading order.
func All() []Dataset {
	return []Dataset{
		Standard1("keyspace1_50", SmallRows),
		Standard1("keyspace1_1m", 1_000_000),
		Standard1("keyspace1", 10_000_000),
		Sales("bench", 2_000_000),
	}
}

// ByName finds a dataset of All by name.
func ByName(name string) (Dataset, bool) {
	for _, d := range All() {
		if d.Name == name {
			return d, true
		}
	}
	return Dataset{}, false
}

// Names lists the names of All.
func Names() []string {
	var out []string
	for _, d := range All() {
		out = append(out, d.Name)
	}
	return out
}
