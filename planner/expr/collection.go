package expr

import (
	"fmt"

	"github.com/cqlscan/cqlscan/planner/types"
)

// Contains is x CONTAINS v on a list, set or map (its values), or x CONTAINS KEY v on a map.
type Contains struct {
	X, V Expr
	Key  bool
}

// Index is element access: m[k] on a map, l[i] on a list (NULL when missing).
type Index struct {
	X, K Expr
	T    types.Type
}

var (
	_ Expr = (*Contains)(nil)
	_ Expr = (*Index)(nil)
)

// Eval implements Expr.
func (c *Contains) Eval(row []any) (any, error) {
	x, err := c.X.Eval(row)
	if err != nil || unknown(x) {
		return nil, err
	}
	v, err := c.V.Eval(row)
	if err != nil || v == nil {
		return nil, err
	}
	et := c.V.Type()
	switch coll := x.(type) {
	case []any:
		for _, e := range coll {
			if e != nil && types.Compare(et, e, v) == 0 {
				return true, nil
			}
		}
		return false, nil
	case []types.MapEntry:
		for _, e := range coll {
			probe := e.Value
			if c.Key {
				probe = e.Key
			}
			if probe != nil && types.Compare(et, probe, v) == 0 {
				return true, nil
			}
		}
		return false, nil
	}
	return nil, fmt.Errorf("CONTAINS needs a collection, %s is %s", c.X, c.X.Type())
}

// Type implements Expr.
func (c *Contains) Type() types.Type { return boolType }
func (c *Contains) String() string {
	if c.Key {
		return paren(c.X) + " CONTAINS KEY " + paren(c.V)
	}
	return paren(c.X) + " CONTAINS " + paren(c.V)
}

// Eval implements Expr.
func (ix *Index) Eval(row []any) (any, error) {
	x, err := ix.X.Eval(row)
	if err != nil || unknown(x) {
		return nil, err
	}
	k, err := ix.K.Eval(row)
	if err != nil || k == nil {
		return nil, err
	}
	switch coll := x.(type) {
	case []types.MapEntry:
		for _, e := range coll {
			if types.Compare(ix.K.Type(), e.Key, k) == 0 {
				return e.Value, nil
			}
		}
		return nil, nil
	case []any:
		i, ok := k.(int64)
		if !ok || i < 0 || i >= int64(len(coll)) {
			return nil, nil
		}
		return coll[i], nil
	}
	return nil, fmt.Errorf("%s is %s, which has no elements to index", ix.X, ix.X.Type())
}

// Type implements Expr.
func (ix *Index) Type() types.Type { return ix.T }
func (ix *Index) String() string   { return paren(ix.X) + "[" + ix.K.String() + "]" }
