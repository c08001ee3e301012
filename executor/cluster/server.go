package cluster

import (
	"context"
	"fmt"
	"net"
	"strconv"
)

// highestProtocol is the newest native protocol version the driver speaks; it settles on the
// newest one both it and the node speak.
const highestProtocol = 5

// Server describes the cluster a Conn is connected to, as a shell's start-up banner shows it.
type Server struct {
	Name     string // cluster_name
	Address  string // the first contact point and the port, as given
	Release  string // Cassandra's release_version
	CQL      string // the CQL spec version
	Protocol int    // the native protocol version in use
}

// Server reads the cluster's name and versions from the system.local table of a node.
func (c *Conn) Server(ctx context.Context) (Server, error) {
	var srv Server
	var proto string
	err := c.s.Query("SELECT cluster_name, release_version, cql_version, native_protocol_version FROM system.local").
		WithContext(ctx).Scan(&srv.Name, &srv.Release, &srv.CQL, &proto)
	if err != nil {
		return Server{}, fmt.Errorf("reading the cluster's name and versions from system.local: %w", err)
	}
	srv.Protocol = highestProtocol
	if n, err := strconv.Atoi(proto); err == nil && n < highestProtocol {
		srv.Protocol = n
	}
	if c.cfg.ProtoVersion > 0 {
		srv.Protocol = c.cfg.ProtoVersion
	}
	if len(c.cfg.Hosts) > 0 {
		srv.Address = net.JoinHostPort(c.cfg.Hosts[0], strconv.Itoa(c.cfg.Port))
	}
	return srv, nil
}
