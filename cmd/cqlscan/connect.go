package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/cqlscan/cqlscan/executor/cluster"
)

// connFlags are the command line's connection settings.
type connFlags struct {
	username, password, consistency string
	connectTimeout, requestTimeout  time.Duration
}

// register defines the connection flags on fs.
func (c *connFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&c.username, "username", "u", "", "user name for PasswordAuthenticator")
	fs.StringVarP(&c.password, "password", "p", "", "password for PasswordAuthenticator")
	fs.StringVar(&c.consistency, "consistency", "LOCAL_ONE", "consistency level of range queries")
	fs.DurationVar(&c.connectTimeout, "connect-timeout", 5*time.Second, "time allowed to connect")
	fs.DurationVar(&c.requestTimeout, "request-timeout", 12*time.Second, "time allowed for one request")
}

// config resolves the connection settings: positional [host [port]] and flags, then the environment.
// stdin and stderr are the terminal, for prompts.
func (c *connFlags) config(args []string, stdin io.Reader, stderr io.Writer) (cluster.Config, error) {
	host, port, err := endpoint(args)
	if err != nil {
		return cluster.Config{}, err
	}
	return cluster.Config{Hosts: strings.Split(host, ","), Port: port, Consistency: c.consistency,
		ConnectTimeout: c.connectTimeout, RequestTimeout: c.requestTimeout,
		Username: c.username, Password: c.password}, nil
}

// endpoint reads the positional [host [port]], defaulting as cqlsh does to CQLSH_HOST/CQLSH_PORT
// and then 127.0.0.1:9042.
func endpoint(args []string) (string, int, error) {
	host, port := os.Getenv("CQLSH_HOST"), os.Getenv("CQLSH_PORT")
	if host == "" {
		host = "127.0.0.1"
	}
	if port == "" {
		port = "9042"
	}
	switch len(args) {
	case 2:
		port = args[1]
		fallthrough
	case 1:
		host = args[0]
	case 0:
	default:
		return "", 0, fmt.Errorf("too many arguments %q: expected [host [port]]", args)
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 {
		return "", 0, fmt.Errorf("port %q is not a port number", port)
	}
	return host, p, nil
}
