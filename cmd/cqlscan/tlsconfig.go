package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// tlsSettings are the resolved client-to-node encryption settings, each with where it came from.
type tlsSettings struct {
	ca, cert, key setting // PEM files: CA certificates, client certificate, its private key
	validate      bool    // verify each node's certificate and address
}

// config builds the crypto/tls configuration: the CA file's certificates as roots (the system's
// roots without one) and the client key pair if given. Errors name the file and the option it
// came from.
func (s tlsSettings) config() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: !s.validate}
	if s.ca.value != "" {
		path := expandHome(s.ca.value)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("CA file %s (%s): %v", path, s.ca.from, pathErr(err))
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(data) {
			return nil, fmt.Errorf("CA file %s (%s) holds no PEM certificate", path, s.ca.from)
		}
		cfg.RootCAs = pool
	}
	switch {
	case s.cert.value != "" && s.key.value != "":
		cert, key := expandHome(s.cert.value), expandHome(s.key.value)
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("client certificate %s (%s) and key %s (%s): %v", cert, s.cert.from, key, s.key.from, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	case s.cert.value != "":
		return nil, fmt.Errorf("client certificate %s (%s) has no key: give --ssl-key (cqlshrc [ssl] userkey)", s.cert.value, s.cert.from)
	case s.key.value != "":
		return nil, fmt.Errorf("client key %s (%s) has no certificate: give --ssl-cert (cqlshrc [ssl] usercert)", s.key.value, s.key.from)
	}
	return cfg, nil
}

// pathErr drops the path an *fs.PathError repeats, since the caller's message names the file.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// parseBool reads a yes/no setting as cqlshrc and the environment write it.
func parseBool(s setting) (bool, error) {
	switch strings.ToLower(s.value) {
	case "true", "yes", "on", "1":
		return true, nil
	case "false", "no", "off", "0":
		return false, nil
	}
	return false, fmt.Errorf("%s = %q: want true or false", s.from, s.value)
}
