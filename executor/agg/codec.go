package agg

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"

	"gopkg.in/inf.v0"
)

// stateVersion is the version of the encoding of states; Decode refuses any other.
const stateVersion = 1

// wireState is a State as Encode writes it, in JSON: counts as numbers, big integers and decimals as
// their exact text, doubles as the hexadecimal of their bits (the compensation term included), the
// exact sum past an overflow in big.Float's exact binary form, values as EncodeValue writes them.
type wireState struct {
	V    int       `json:"v"`
	F    string    `json:"f"`
	N    int64     `json:"n,omitempty"`
	Sum  *wireSum  `json:"sum,omitempty"`
	Val  *string   `json:"val,omitempty"`
	Vals []*string `json:"vals,omitempty"`
}

type wireSum struct {
	Int   int64      `json:"i,omitempty"`
	Big   string     `json:"big,omitempty"`
	Dec   string     `json:"dec,omitempty"`
	Float *wireFloat `json:"float,omitempty"`
}

type wireFloat struct {
	Sum, Comp, Plain string
	Exact            []byte `json:",omitempty"`
	NonFinite        bool   `json:",omitempty"`
}

func encodeWire(w wireState) ([]byte, error) {
	w.V = stateVersion
	return json.Marshal(w)
}

func decodeWire(b []byte, f string) (wireState, error) {
	var w wireState
	if err := json.Unmarshal(b, &w); err != nil {
		return w, fmt.Errorf("%w: unreadable %s state: %v", ErrState, f, err)
	}
	if w.V != stateVersion {
		return w, fmt.Errorf("%w: %s state of version %d, this cqlscan reads version %d", ErrState, f, w.V, stateVersion)
	}
	if w.F != f {
		return w, fmt.Errorf("%w: a %s state where a %s state was expected", ErrState, w.F, f)
	}
	return w, nil
}

func (countFunc) Encode(s State) ([]byte, error) {
	c, ok := s.(*countState)
	if !ok {
		return nil, wrongState("count", s)
	}
	return encodeWire(wireState{F: "count", N: c.n})
}

func (countFunc) Decode(b []byte) (State, error) {
	w, err := decodeWire(b, "count")
	if err != nil {
		return nil, err
	}
	if w.N < 0 {
		return nil, fmt.Errorf("%w: a count of %d", ErrState, w.N)
	}
	return &countState{n: w.N}, nil
}

func (e extremeFunc) Encode(s State) ([]byte, error) {
	x, ok := s.(*extremeState)
	if !ok {
		return nil, wrongState(e.name(), s)
	}
	v, err := EncodeValue(e.t, x.best)
	if err != nil {
		return nil, err
	}
	return encodeWire(wireState{F: e.name(), Val: v})
}

func (e extremeFunc) Decode(b []byte) (State, error) {
	w, err := decodeWire(b, e.name())
	if err != nil {
		return nil, err
	}
	v, err := DecodeValue(e.t, w.Val)
	if err != nil {
		return nil, err
	}
	return &extremeState{best: v}, nil
}

func (sumFunc) Encode(s State) ([]byte, error) {
	x, ok := s.(*sumState)
	if !ok {
		return nil, wrongState("sum", s)
	}
	ws, err := x.wire()
	if err != nil {
		return nil, err
	}
	return encodeWire(wireState{F: "sum", Sum: ws})
}

func (sumFunc) Decode(b []byte) (State, error) {
	w, err := decodeWire(b, "sum")
	if err != nil {
		return nil, err
	}
	s := &sumState{}
	return s, s.fromWire(w.Sum)
}

func (avgFunc) Encode(s State) ([]byte, error) {
	x, ok := s.(*avgState)
	if !ok {
		return nil, wrongState("avg", s)
	}
	ws, err := x.sum.wire()
	if err != nil {
		return nil, err
	}
	return encodeWire(wireState{F: "avg", N: x.n, Sum: ws})
}

func (avgFunc) Decode(b []byte) (State, error) {
	w, err := decodeWire(b, "avg")
	if err != nil {
		return nil, err
	}
	if w.N < 0 {
		return nil, fmt.Errorf("%w: an avg over %d values", ErrState, w.N)
	}
	s := &avgState{n: w.N}
	return s, s.sum.fromWire(w.Sum)
}

func (d *distinctFunc) Encode(s State) ([]byte, error) {
	x, ok := s.(*distinctState)
	if !ok {
		return nil, wrongState("DISTINCT", s)
	}
	w := wireState{F: "distinct", Vals: make([]*string, len(x.vals))}
	for i, v := range x.vals {
		var err error
		if w.Vals[i], err = EncodeValue(d.t, v); err != nil {
			return nil, err
		}
	}
	return encodeWire(w)
}

func (d *distinctFunc) Decode(b []byte) (State, error) {
	w, err := decodeWire(b, "distinct")
	if err != nil {
		return nil, err
	}
	s := d.Init().(*distinctState)
	for _, e := range w.Vals {
		v, err := DecodeValue(d.t, e)
		if err != nil {
			return nil, err
		}
		if v == nil {
			return nil, fmt.Errorf("%w: a NULL among distinct values", ErrState)
		}
		s.add(v)
	}
	return s, nil
}

// wire is the sum as Encode writes it; nil when nothing was added.
func (s *sumState) wire() (*wireSum, error) {
	if !s.any {
		return nil, nil
	}
	w := &wireSum{Int: s.i}
	if s.b != nil {
		w.Big = s.b.String()
	}
	if s.d != nil {
		w.Dec = s.d.String()
	}
	if s.f != (floatSum{}) {
		w.Float = &wireFloat{Sum: floatBits(s.f.sum), Comp: floatBits(s.f.comp), Plain: floatBits(s.f.plain), NonFinite: s.f.nonFinite}
		if s.f.exact != nil {
			var err error
			if w.Float.Exact, err = s.f.exact.GobEncode(); err != nil {
				return nil, err
			}
		}
	}
	return w, nil
}

func (s *sumState) fromWire(w *wireSum) error {
	if w == nil {
		return nil
	}
	s.any, s.i = true, w.Int
	bad := func(what, v string) error { return fmt.Errorf("%w: bad %s %q in a sum state", ErrState, what, v) }
	if w.Big != "" {
		b, ok := new(big.Int).SetString(w.Big, 10)
		if !ok {
			return bad("integer", w.Big)
		}
		s.b = b
	}
	if w.Dec != "" {
		d, ok := new(inf.Dec).SetString(w.Dec)
		if !ok {
			return bad("decimal", w.Dec)
		}
		s.d = d
	}
	if f := w.Float; f != nil {
		var err error
		for _, p := range []struct {
			dst *float64
			src string
		}{{&s.f.sum, f.Sum}, {&s.f.comp, f.Comp}, {&s.f.plain, f.Plain}} {
			if *p.dst, err = parseFloatBits(p.src); err != nil {
				return bad("double", p.src)
			}
		}
		s.f.nonFinite = f.NonFinite
		if f.Exact != nil {
			s.f.exact = new(big.Float)
			if err := s.f.exact.GobDecode(f.Exact); err != nil {
				return bad("exact sum", fmt.Sprintf("%x", f.Exact))
			}
		}
	}
	return nil
}

func floatBits(f float64) string { return strconv.FormatUint(math.Float64bits(f), 16) }

func parseFloatBits(s string) (float64, error) {
	u, err := strconv.ParseUint(s, 16, 64)
	return math.Float64frombits(u), err
}
