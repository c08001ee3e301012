package repl

import (
	"context"
	"fmt"
	"time"

	"github.com/cqlscan/cqlscan/executor/cluster"
)

// serverDescriber is a connection that can say which cluster it is connected to, and where.
type serverDescriber interface {
	Server(ctx context.Context) (cluster.Server, error)
}

var _ serverDescriber = (*cluster.Conn)(nil)

// printBanner greets the user at the prompt as cqlsh does: the cluster and where it was reached, the
// versions of cqlscan, Cassandra, CQL and the protocol, and where to find help. When the cluster
// cannot tell its name and versions, that is said on Err and the shell starts all the same.
func (s *Session) printBanner(ctx context.Context) {
	if d, ok := s.Cluster.(serverDescriber); ok {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		srv, err := d.Server(ctx)
		cancel()
		if err != nil {
			fmt.Fprintln(s.Err, "cqlscan:", err)
		} else {
			fmt.Fprint(s.Out, bannerText(srv, s.Version))
		}
	}
	fmt.Fprintln(s.Out, "Use HELP for help.")
}

// bannerText is the banner's first two lines.
func bannerText(srv cluster.Server, version string) string {
	return fmt.Sprintf("Connected to %s at %s\n[cqlscan %s | Cassandra %s | CQL spec %s | Native protocol v%d]\n",
		srv.Name, srv.Address, version, srv.Release, srv.CQL, srv.Protocol)
}
