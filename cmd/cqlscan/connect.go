package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/cqlscan/cqlscan/executor/cluster"
)

// connFlags are the command line's connection settings. Each setting is resolved as cqlsh does:
// the command line, then the environment, then the cqlshrc file, then the default.
type connFlags struct {
	username, password, consistency string
	connectTimeout, requestTimeout  time.Duration
	cqlshrc, credentials            string
	ssl, sslNoValidate              bool
	sslCA, sslCert, sslKey          string
	fs                              *pflag.FlagSet // tells flags given from defaults
	rc                              *iniFile       // the cqlshrc, once loaded (nil: none)
	rcLoaded                        bool
}

// register defines the connection flags on fs.
func (c *connFlags) register(fs *pflag.FlagSet) {
	c.fs = fs
	fs.StringVarP(&c.username, "username", "u", "", "user name for PasswordAuthenticator (cqlshrc [authentication] username)")
	fs.StringVarP(&c.password, "password", "p", "", "password for PasswordAuthenticator; asked for on the terminal when -u is given without it")
	fs.StringVar(&c.consistency, "consistency", "LOCAL_ONE", "consistency level of range queries")
	fs.Var(newSecondsValue(&c.connectTimeout, 5*time.Second, false), "connect-timeout", "time allowed to connect, in seconds (5) or as a duration (5s) (cqlshrc [connection] connect_timeout)")
	fs.Var(newSecondsValue(&c.requestTimeout, 12*time.Second, false), "request-timeout", "time allowed for one request, in seconds (30) or as a duration (30s) (cqlshrc [connection] request_timeout)")
	fs.StringVar(&c.cqlshrc, "cqlshrc", "", "cqlsh configuration file (default ~/.cassandra/cqlshrc)")
	fs.StringVar(&c.credentials, "credentials", "", "cqlsh credentials file, mode 0600: [PlainTextAuthProvider] username, password (cqlshrc [authentication] credentials; default ~/.cassandra/credentials)")
	fs.BoolVar(&c.ssl, "ssl", false, "connect with TLS (cqlshrc [connection] ssl)")
	fs.StringVar(&c.sslCA, "ssl-ca", "", "PEM file of the CAs that signed the nodes' certificates, instead of the system's; implies --ssl (env SSL_CERTFILE, cqlshrc [ssl] certfile)")
	fs.StringVar(&c.sslCert, "ssl-cert", "", "PEM client certificate, for nodes that require client authentication; implies --ssl (cqlshrc [ssl] usercert)")
	fs.StringVar(&c.sslKey, "ssl-key", "", "PEM private key of --ssl-cert; implies --ssl (cqlshrc [ssl] userkey)")
	fs.BoolVar(&c.sslNoValidate, "ssl-no-validate", false, "do not verify the nodes' certificates; implies --ssl (env SSL_VALIDATE=false, cqlshrc [ssl] validate = false)")
}

// flag returns a flag's value as a setting when the command line gives it, and nothing otherwise.
func (c *connFlags) flag(name string) setting {
	if c.fs == nil {
		return setting{}
	}
	f := c.fs.Lookup(name)
	if f == nil || !f.Changed {
		return setting{}
	}
	return setting{f.Value.String(), "--" + name}
}

// defaultOf returns a flag's default value as a setting.
func (c *connFlags) defaultOf(name string) setting {
	if c.fs == nil || c.fs.Lookup(name) == nil {
		return setting{}
	}
	return fallback(c.fs.Lookup(name).DefValue)
}

// config resolves the connection settings: positional [host [port]] and flags, the environment
// (CQLSH_HOST, CQLSH_PORT, SSL_CERTFILE, SSL_VALIDATE), the cqlshrc and credentials files, and the
// defaults. When a user name has no password it asks for one on the terminal (stdin, stderr).
// Warnings go to stderr. Neither they nor the errors ever hold the password.
func (c *connFlags) config(args []string, stdin io.Reader, stderr io.Writer) (cluster.Config, error) {
	rc, err := c.loadRC(stderr)
	if err != nil {
		return cluster.Config{}, err
	}
	host, port, err := resolveEndpoint(args, rc)
	if err != nil {
		return cluster.Config{}, err
	}
	cfg := cluster.Config{Hosts: strings.Split(host, ","), Port: port, Consistency: c.consistency,
		Keyspace: rc.get("authentication", "keyspace").value}
	cfg.ConnectTimeout, err = parseDuration(first(c.flag("connect-timeout"),
		rc.get("connection", "connect_timeout"), rc.get("connection", "timeout"), c.defaultOf("connect-timeout")))
	if err != nil {
		return cluster.Config{}, err
	}
	cfg.RequestTimeout, err = parseDuration(first(c.flag("request-timeout"),
		rc.get("connection", "request_timeout"), c.defaultOf("request-timeout")))
	if err != nil {
		return cluster.Config{}, err
	}
	if cfg.TLS, err = c.tlsConfig(rc, cfg.Hosts[0]); err != nil {
		return cluster.Config{}, err
	}
	user, pass, err := c.login(rc, stderr)
	if err != nil {
		return cluster.Config{}, err
	}
	cfg.Username, cfg.Password = user, pass
	if user != "" && pass == "" {
		if cfg.Password, err = promptPassword(user, stdin, stderr); err != nil {
			return cluster.Config{}, err
		}
	}
	return cfg, nil
}

// loadRC reads the cqlshrc file (--cqlshrc, or the default) the first time it is asked for.
func (c *connFlags) loadRC(stderr io.Writer) (*iniFile, error) {
	if !c.rcLoaded {
		rc, err := loadCqlshrc(c.cqlshrc, stderr)
		if err != nil {
			return nil, err
		}
		c.rc, c.rcLoaded = rc, true
	}
	return c.rc, nil
}

// login resolves the user name (-u, the credentials file, cqlshrc [authentication]) and the
// password (-p, the credentials file, cqlshrc). A stored password is used only with the user name
// stored beside it, if any: it is never sent on behalf of another user.
func (c *connFlags) login(rc *iniFile, stderr io.Writer) (user, pass string, err error) {
	credPath := first(c.flag("credentials"), rc.get("authentication", "credentials"), defaultCredentials())
	creds, err := loadCredentials(credPath, credPath.from != "default", stderr)
	if err != nil {
		return "", "", err
	}
	stored := []struct{ user, pass setting }{
		{creds.credential("username"), creds.credential("password")},
		{rc.get("authentication", "username"), rc.get("authentication", "password")},
	}
	user = first(c.flag("username"), stored[0].user, stored[1].user).value
	if pass = c.flag("password").value; pass != "" || user == "" {
		return user, pass, nil
	}
	for _, s := range stored {
		if s.pass.value != "" && (s.user.value == "" || s.user.value == user) {
			return user, s.pass.value, nil
		}
	}
	return user, "", nil
}

// defaultCredentials is cqlsh's default credentials file, ~/.cassandra/credentials.
func defaultCredentials() setting {
	return fallback(filepath.Join("~", ".cassandra", "credentials"))
}

// tlsConfig resolves the TLS settings; nil means a plain connection. Any other --ssl-* flag
// implies --ssl. The CA file for host may also come from cqlshrc's [certfiles] section, as in cqlsh.
func (c *connFlags) tlsConfig(rc *iniFile, host string) (*tls.Config, error) {
	on := c.flag("ssl")
	if on.value == "" {
		for _, name := range []string{"ssl-ca", "ssl-cert", "ssl-key", "ssl-no-validate"} {
			if f := c.flag(name); f.value != "" && f.value != "false" {
				on = setting{"true", f.from}
			}
		}
	}
	enabled, err := parseBool(first(on, rc.get("connection", "ssl"), fallback("false")))
	if err != nil || !enabled {
		return nil, err
	}
	validate := first(env("SSL_VALIDATE"), rc.get("ssl", "validate"), fallback("true"))
	if f := c.flag("ssl-no-validate"); f.value != "" {
		validate = setting{strconv.FormatBool(f.value != "true"), f.from}
	}
	s := tlsSettings{
		ca:   first(c.flag("ssl-ca"), env("SSL_CERTFILE"), rc.get("certfiles", host), rc.get("ssl", "certfile")),
		cert: first(c.flag("ssl-cert"), rc.get("ssl", "usercert")),
		key:  first(c.flag("ssl-key"), rc.get("ssl", "userkey")),
	}
	if s.validate, err = parseBool(validate); err != nil {
		return nil, err
	}
	return s.config()
}

// resolveEndpoint reads the positional [host [port]], defaulting as cqlsh does to CQLSH_HOST and
// CQLSH_PORT, then to cqlshrc's [connection] hostname and port, then to 127.0.0.1:9042.
func resolveEndpoint(args []string, rc *iniFile) (string, int, error) {
	var argHost, argPort setting
	switch len(args) {
	case 2:
		argPort = setting{args[1], "the port argument"}
		fallthrough
	case 1:
		argHost = setting{args[0], "the host argument"}
	case 0:
	default:
		return "", 0, fmt.Errorf("too many arguments %q: expected [host [port]]", args)
	}
	host := first(argHost, env("CQLSH_HOST"), rc.get("connection", "hostname"), fallback("127.0.0.1"))
	port := first(argPort, env("CQLSH_PORT"), rc.get("connection", "port"), fallback("9042"))
	p, err := strconv.Atoi(port.value)
	if err != nil || p < 1 || p > 65535 {
		return "", 0, fmt.Errorf("port %q (%s) is not a port number: want a whole number from 1 to 65535", port.value, port.from)
	}
	return host.value, p, nil
}

// endpoint is resolveEndpoint without a cqlshrc file.
func endpoint(args []string) (string, int, error) { return resolveEndpoint(args, nil) }

// parseDuration reads a timeout: a number of seconds, as cqlsh and cqlshrc write them, or a Go
// duration.
func parseDuration(s setting) (time.Duration, error) {
	if d, err := parseSeconds(s.value); err == nil && d > 0 {
		return d, nil
	}
	return 0, fmt.Errorf("%s = %q: want a positive number of seconds (10) or a duration (10s)", s.from, s.value)
}
