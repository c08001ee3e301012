package agg

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"gopkg.in/inf.v0"

	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/expr"
	"github.com/cqlscan/cqlscan/planner/types"
)

var (
	bigintT  = types.Of(types.BigInt)
	intT     = types.Of(types.Int)
	doubleT  = types.Of(types.Double)
	varintT  = types.Of(types.Varint)
	decimalT = types.Of(types.Decimal)
	textT    = types.Of(types.Text)
)

// aggCase is one aggregate over one column type, with a generator of its values (NULL and Empty
// included where the type has them).
type aggCase struct {
	name string
	a    planner.Aggregate
	gen  func(r *rand.Rand) any
}

func col(t types.Type) expr.Expr { return &expr.Col{Index: 0, T: t} }

func genInt(r *rand.Rand) any {
	switch r.IntN(10) {
	case 0:
		return nil
	case 1:
		return types.Empty{}
	case 2: // near the ends of the range, so that running sums overflow int64 in some orders
		return []int64{math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1}[r.IntN(4)]
	}
	return r.Int64N(2000) - 1000
}

// genExactDouble returns doubles whose every partial sum is exact, so that any order agrees bit for bit.
func genExactDouble(r *rand.Rand) any {
	if r.IntN(10) == 0 {
		return nil
	}
	return float64(r.IntN(1<<20)-1<<19) / 4
}

func genVarint(r *rand.Rand) any {
	if r.IntN(10) == 0 {
		return nil
	}
	return new(big.Int).Lsh(big.NewInt(r.Int64N(2000)-1000), uint(r.IntN(100)))
}

func genDecimal(r *rand.Rand) any {
	if r.IntN(10) == 0 {
		return nil
	}
	return inf.NewDec(r.Int64N(200000)-100000, inf.Scale(r.IntN(6)))
}

func genText(r *rand.Rand) any {
	if r.IntN(10) == 0 {
		return nil
	}
	return fmt.Sprintf("v%d", r.IntN(30))
}

func cases() []aggCase {
	var cs []aggCase
	add := func(fn string, t, res types.Type, gen func(*rand.Rand) any, distinct bool) {
		a := planner.Aggregate{Func: fn, Arg: col(t), T: res, Distinct: distinct}
		cs = append(cs, aggCase{a.String() + " of " + t.String(), a, gen})
	}
	cs = append(cs, aggCase{"count(*)", planner.Aggregate{Func: "count", Star: true, T: bigintT}, func(*rand.Rand) any { return true }})
	for _, d := range []bool{false, true} {
		add("count", intT, bigintT, genInt, d)
		add("count", textT, bigintT, genText, d)
		add("sum", intT, bigintT, genInt, d)
		add("avg", intT, bigintT, genInt, d)
		add("sum", doubleT, doubleT, genExactDouble, d)
		add("avg", doubleT, doubleT, genExactDouble, d)
		add("sum", varintT, varintT, genVarint, d)
		add("avg", varintT, varintT, genVarint, d)
		add("sum", decimalT, decimalT, genDecimal, d)
		add("avg", decimalT, decimalT, genDecimal, d)
		add("min", intT, intT, genInt, d)
		add("max", intT, intT, genInt, d)
		add("min", textT, textT, genText, d)
		add("max", decimalT, decimalT, genDecimal, d)
	}
	return cs
}

func mustNew(t *testing.T, a planner.Aggregate) Func {
	t.Helper()
	f, err := New(a)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func fold(t *testing.T, f Func, vals []any) State {
	t.Helper()
	s := f.Init()
	for _, v := range vals {
		if err := f.Add(s, v); err != nil {
			t.Fatalf("add(%v): %v", v, err)
		}
	}
	return s
}

// answer is the final value as a comparable string, or the error.
func answer(t *testing.T, f Func, s State) string {
	t.Helper()
	v, err := f.Final(s)
	if err != nil {
		return "error: " + err.Error()
	}
	return fmt.Sprintf("%T %s empty=%v", v, types.Key(v), types.IsEmpty(v))
}

// roundTrip encodes s and decodes it, failing unless the encoding is stable.
func roundTrip(t *testing.T, f Func, s State) State {
	t.Helper()
	b, err := f.Encode(s)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	d, err := f.Decode(b)
	if err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	if b2, err := f.Encode(d); err != nil || string(b2) != string(b) {
		t.Fatalf("encode(decode(%s)) = %s, %v", b, b2, err)
	}
	return d
}

// TestMergeOfAnySplit is the property the engine rests on: the rows split at random into sub-ranges,
// each folded into its own state, saved and read back, and the states merged in a random order and
// grouping, give the answer of one pass over the rows — bit for bit, overflowing int64 partial sums
// included.
func TestMergeOfAnySplit(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 1))
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			f := mustNew(t, c.a)
			for trial := 0; trial < 60; trial++ {
				vals := make([]any, r.IntN(40))
				for i := range vals {
					vals[i] = c.gen(r)
				}
				want := answer(t, f, fold(t, f, vals))
				var parts []State
				for rest := vals; ; {
					n := r.IntN(len(rest) + 1)
					parts = append(parts, roundTrip(t, f, fold(t, f, rest[:n])))
					if rest = rest[n:]; len(rest) == 0 {
						break
					}
				}
				r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
				for len(parts) > 1 { // merge a random neighbour pair: every grouping is possible
					i := r.IntN(len(parts) - 1)
					if err := f.Merge(parts[i], parts[i+1]); err != nil {
						t.Fatal(err)
					}
					parts = append(parts[:i+1], parts[i+2:]...)
				}
				if got := answer(t, f, parts[0]); got != want {
					t.Fatalf("rows %v: merged %s, one pass %s", vals, got, want)
				}
			}
		})
	}
}

// TestMergeWithEmptyStates: the state of no rows is the identity of Merge on either side, and an
// aggregate of no rows answers 0 for counts and NULL otherwise.
func TestMergeWithEmptyStates(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 2))
	for _, c := range cases() {
		f := mustNew(t, c.a)
		vals := []any{c.gen(r), c.gen(r), c.gen(r)}
		want := answer(t, f, fold(t, f, vals))
		left := f.Init()
		if err := f.Merge(left, fold(t, f, vals)); err != nil {
			t.Fatal(err)
		}
		right := fold(t, f, vals)
		if err := f.Merge(right, f.Init()); err != nil {
			t.Fatal(err)
		}
		if got := answer(t, f, left); got != want {
			t.Errorf("%s: empty ⊕ s = %s, want %s", c.name, got, want)
		}
		if got := answer(t, f, right); got != want {
			t.Errorf("%s: s ⊕ empty = %s, want %s", c.name, got, want)
		}
		none, _ := f.Final(roundTrip(t, f, f.Init()))
		if isCount := c.a.Func == "count"; (isCount && none != int64(0)) || (!isCount && none != nil) {
			t.Errorf("%s of no rows = %v", c.name, none)
		}
	}
}

// TestMergeCommutes: a ⊕ b and b ⊕ a give the same answer, for every aggregate here.
func TestMergeCommutes(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 3))
	for _, c := range cases() {
		f := mustNew(t, c.a)
		for trial := 0; trial < 20; trial++ {
			a := []any{c.gen(r), c.gen(r), c.gen(r)}
			b := []any{c.gen(r), c.gen(r)}
			ab, ba := fold(t, f, a), fold(t, f, b)
			if err := f.Merge(ab, fold(t, f, b)); err != nil {
				t.Fatal(err)
			}
			if err := f.Merge(ba, fold(t, f, a)); err != nil {
				t.Fatal(err)
			}
			if x, y := answer(t, f, ab), answer(t, f, ba); x != y {
				t.Fatalf("%s: %v ⊕ %v = %s, reversed %s", c.name, a, b, x, y)
			}
		}
	}
}

// TestPartialsMergeAsRows: the replicas' partials of each sub-range (an integer sum as varint
// beside count(col), a count, a minimum) merge to what the client computes from the rows.
func TestPartialsMergeAsRows(t *testing.T) {
	vals := [][]any{{int64(math.MaxInt64), int64(5)}, {}, {nil, int64(math.MaxInt64)}, {int64(math.MinInt64), types.Empty{}}}
	// what Cassandra answers per sub-range: sum(CAST(v AS varint)), count(v), min(v)
	partial := func(rows []any) (sum *big.Int, n int64, least any) {
		sum = new(big.Int)
		for _, v := range rows {
			if x, ok := v.(int64); ok {
				sum.Add(sum, big.NewInt(x))
			}
			if v != nil {
				n++
				if least == nil || types.Compare(intT, v, least) < 0 {
					least = v
				}
			}
		}
		return sum, n, least
	}
	for _, fn := range []string{"sum", "avg", "count", "min"} {
		res := bigintT
		if fn == "min" {
			res = intT
		}
		final := planner.FinalAgg{Func: fn, T: res}
		pf, err := ForFinal(final)
		if err != nil {
			t.Fatal(err)
		}
		client := mustNew(t, planner.Aggregate{Func: fn, Arg: col(intT), T: res})
		var all []any
		merged := pf.Init()
		for _, rows := range vals {
			all = append(all, rows...)
			sum, n, least := partial(rows)
			var p State
			switch fn {
			case "sum", "avg":
				p, err = pf.Partial(sum, n)
			case "count":
				p, err = pf.Partial(n, nil)
			default:
				p, err = pf.Partial(least, nil)
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := pf.Merge(merged, p); err != nil {
				t.Fatal(err)
			}
		}
		want := answer(t, client, fold(t, client, all))
		if fn == "avg" { // count(v) counts the Empty value, which the client's avg skips
			want = answer(t, client, fold(t, client, []any{int64(math.MaxInt64), int64(5), int64(math.MaxInt64), int64(math.MinInt64), int64(0)}))
		}
		if got := answer(t, pf, merged); got != want {
			t.Errorf("%s: merged partials %s, rows %s", fn, got, want)
		}
	}
}

// TestSumOverflow: an integer sum beyond bigint is an error however the rows are split, and one
// that comes back within range is exact.
func TestSumOverflow(t *testing.T) {
	f := mustNew(t, planner.Aggregate{Func: "sum", Arg: col(bigintT), T: bigintT})
	over := fold(t, f, []any{int64(math.MaxInt64)})
	if err := f.Merge(over, fold(t, f, []any{int64(1)})); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Final(roundTrip(t, f, over)); !errors.Is(err, ErrSumOverflow) {
		t.Errorf("MaxInt64 + 1 = %v, want %v", err, ErrSumOverflow)
	}
	if err := f.Merge(over, fold(t, f, []any{int64(-2)})); err != nil {
		t.Fatal(err)
	}
	if v, err := f.Final(roundTrip(t, f, over)); err != nil || v != int64(math.MaxInt64-1) {
		t.Errorf("MaxInt64 + 1 - 2 = %v, %v", v, err)
	}
}

// TestFloatStateRoundTrip: a double sum's compensation term and its exact sum past an overflow are
// saved bit for bit, so that a resumed avg answers what an uninterrupted one would.
func TestFloatStateRoundTrip(t *testing.T) {
	f := mustNew(t, planner.Aggregate{Func: "avg", Arg: col(doubleT), T: doubleT})
	vals := []any{0.1, 1e300, math.MaxFloat64, math.MaxFloat64, -math.MaxFloat64, 1e-300, 0.7}
	for i := range vals {
		s := fold(t, f, vals[:i])
		d := roundTrip(t, f, s)
		if err := f.Add(s, vals[i]); err != nil {
			t.Fatal(err)
		}
		if err := f.Add(d, vals[i]); err != nil {
			t.Fatal(err)
		}
		if a, b := answer(t, f, s), answer(t, f, d); a != b {
			t.Errorf("after %v: %s, resumed %s", vals[:i+1], a, b)
		}
	}
	s := fold(t, f, vals).(*avgState)
	if s.sum.f.exact == nil || s.sum.f.comp == 0 {
		t.Fatalf("the values were meant to leave a compensation and an exact sum: %+v", s.sum.f)
	}
}

// TestDecodeRefuses: states of another version, of another aggregate, or damaged, are refused with
// ErrState, as is a state handed to an aggregate it is not of.
func TestDecodeRefuses(t *testing.T) {
	count := mustNew(t, planner.Aggregate{Func: "count", Star: true, T: bigintT})
	sum := mustNew(t, planner.Aggregate{Func: "sum", Arg: col(bigintT), T: bigintT})
	for _, c := range []struct {
		f Func
		b string
	}{
		{count, `{"v":2,"f":"count","n":3}`},
		{count, `{"v":1,"f":"sum","n":3}`},
		{count, `{"v":1,"f":"count","n":-5000}`},
		{count, `{"v":1,`},
		{sum, `{"v":1,"f":"sum","sum":{"big":"12x"}}`},
		{sum, `{"v":1,"f":"sum","sum":{"float":{"Sum":"zz","Comp":"0","Plain":"0"}}}`},
	} {
		if _, err := c.f.Decode([]byte(c.b)); !errors.Is(err, ErrState) {
			t.Errorf("decode %s: %v, want ErrState", c.b, err)
		}
	}
	if err := sum.Add(count.Init(), int64(1)); !errors.Is(err, ErrState) {
		t.Errorf("a count state added to as a sum: %v", err)
	}
	if err := sum.Merge(sum.Init(), count.Init()); !errors.Is(err, ErrState) {
		t.Errorf("a count state merged into a sum: %v", err)
	}
	if err := sum.Add(sum.Init(), "text"); !errors.Is(err, ErrState) {
		t.Errorf("text added to a sum: %v", err)
	}
}
