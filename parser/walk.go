package parser

// Children returns the direct sub-expressions of e, in order.
func Children(e Expr) []Expr {
	switch x := e.(type) {
	case *FuncCall:
		return x.Args
	case *Unary:
		return []Expr{x.X}
	case *Binary:
		return []Expr{x.L, x.R}
	case *Between:
		return []Expr{x.X, x.Lo, x.Hi}
	case *In:
		return append([]Expr{x.X}, x.List...)
	case *IsNull:
		return []Expr{x.X}
	case *Contains:
		return []Expr{x.X, x.Value}
	case *Index:
		return []Expr{x.X, x.Key}
	case *Collection:
		return x.Elems
	case *Cast:
		return []Expr{x.X}
	case *Field:
		return []Expr{x.X}
	}
	return nil
}

// withChildren returns a copy of e with its sub-expressions replaced by kids (as Children orders them).
func withChildren(e Expr, kids []Expr) Expr {
	switch x := e.(type) {
	case *FuncCall:
		return &FuncCall{Keyspace: x.Keyspace, Name: x.Name, Distinct: x.Distinct, Args: kids}
	case *Unary:
		return &Unary{Op: x.Op, X: kids[0]}
	case *Binary:
		return &Binary{Op: x.Op, L: kids[0], R: kids[1]}
	case *Between:
		return &Between{X: kids[0], Lo: kids[1], Hi: kids[2], Not: x.Not}
	case *In:
		return &In{X: kids[0], List: kids[1:], Not: x.Not}
	case *IsNull:
		return &IsNull{X: kids[0], Not: x.Not}
	case *Contains:
		return &Contains{X: kids[0], Value: kids[1], Key: x.Key}
	case *Index:
		return &Index{X: kids[0], Key: kids[1]}
	case *Collection:
		return &Collection{Kind: x.Kind, Elems: kids}
	case *Cast:
		return &Cast{X: kids[0], Type: x.Type}
	case *Field:
		return &Field{X: kids[0], Name: x.Name}
	}
	return e
}

// Walk calls fn on e and on every sub-expression, parents first.
func Walk(e Expr, fn func(Expr)) {
	if e == nil {
		return
	}
	fn(e)
	for _, k := range Children(e) {
		Walk(k, fn)
	}
}

// Rewrite returns e rewritten top-down: where fn returns done, its result stands for that sub-tree;
// elsewhere the node is copied with its children rewritten. e itself is not modified.
func Rewrite(e Expr, fn func(Expr) (out Expr, done bool)) Expr {
	if out, done := fn(e); done {
		return out
	}
	kids := Children(e)
	if len(kids) == 0 {
		return e
	}
	out := make([]Expr, len(kids))
	for i, k := range kids {
		out[i] = Rewrite(k, fn)
	}
	return withChildren(e, out)
}
