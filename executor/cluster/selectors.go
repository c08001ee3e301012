package cluster

import (
	"context"
	"fmt"
	"strings"

	"github.com/cqlscan/cqlscan/parser"
	"github.com/cqlscan/cqlscan/planner"
	"github.com/cqlscan/cqlscan/planner/ring"
	"github.com/cqlscan/cqlscan/planner/schema"
)

// SelectorTypes implements planner.SelectorCatalog: Cassandra itself says what each selector of the
// table returns. The selectors are run over a token range that holds no row (above the ring's
// largest token), so the reply is the result's metadata alone and no data is read; an unknown
// function, a wrong argument or a bad cast comes back as Cassandra's own error.
func (c *Conn) SelectorTypes(ctx context.Context, t *schema.Table, p *ring.Partitioner, selectors []string) ([]planner.OutputColumn, error) {
	stmt := fmt.Sprintf("SELECT %s FROM %s.%s WHERE %s > %s", strings.Join(selectors, ", "),
		parser.QuoteIdent(t.Keyspace), parser.QuoteIdent(t.Name), planner.TokenCall(t), p.Max)
	var out []planner.OutputColumn
	err := retryMeta(ctx, func(int) error {
		iter := c.withConsistency(c.s.Query(stmt)).IterContext(ctx)
		cols := iter.Columns()
		if err := iter.Close(); err != nil {
			return err
		}
		out = out[:0]
		for _, ci := range cols {
			out = append(out, planner.OutputColumn{Name: ci.Name, Type: typeOf(ci.TypeInfo)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) != len(selectors) {
		return nil, fmt.Errorf("Cassandra described %d columns for %d selectors of %s.%s", len(out), len(selectors), t.Keyspace, t.Name)
	}
	return out, nil
}
