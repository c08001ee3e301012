package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"
)

// closer is a connection that can be closed.
type closer interface{ Close() }

// ErrNoLogin is LOGIN on a session that cannot open another connection.
var ErrNoLogin = errors.New("LOGIN is not available in this session")

// login is cqlsh's LOGIN user ['password']: it connects again as user and, when that works, goes on
// with the new connection (the current keyspace kept); without a password it asks for one.
func (s *Session) login(ctx context.Context, arg string) error {
	if s.Login == nil {
		return ErrNoLogin
	}
	user, password := firstWord(arg)
	user, password = unquote(user), unquote(strings.TrimSpace(password))
	if user == "" {
		return errors.New("LOGIN needs a user name: LOGIN user ['password']")
	}
	if password == "" {
		p, err := s.askPassword()
		if err != nil {
			return err
		}
		password = p
	}
	c, err := s.Login(ctx, user, password)
	if err != nil {
		return err
	}
	if s.Keyspace != "" {
		if ok, err := c.KeyspaceExists(ctx, s.Keyspace); err != nil || !ok {
			s.Keyspace = "" // as cqlsh: a keyspace the new user cannot see is left
		}
	}
	old := s.Cluster
	s.Cluster = c
	if cl, ok := old.(closer); ok { // as cqlsh, the old connection goes (closing twice is harmless)
		cl.Close()
	}
	s.loggedIn, _ = c.(closer)
	return nil
}

// askPassword reads a password: from the terminal without echo, else a line of standard input.
func (s *Session) askPassword() (string, error) {
	fmt.Fprint(s.Err, "Password: ")
	defer fmt.Fprintln(s.Err)
	if fd := int(os.Stdin.Fd()); term.IsTerminal(fd) {
		b, err := term.ReadPassword(fd)
		return string(b), err
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("LOGIN: no password given")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
