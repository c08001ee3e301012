package main

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// terminal is what the password prompt needs from the terminal; tests replace it.
var terminal = struct {
	isTerminal   func(fd int) bool
	readPassword func(fd int) ([]byte, error)
}{term.IsTerminal, term.ReadPassword}

// promptPassword asks for user's password as cqlsh does: "Password: " on stderr, read from the
// terminal on stdin without echo. When stdin is not a terminal there is no one to ask.
func promptPassword(user string, stdin io.Reader, stderr io.Writer) (string, error) {
	f, ok := stdin.(*os.File)
	if !ok || !terminal.isTerminal(int(f.Fd())) {
		return "", fmt.Errorf("no password for user %q, and standard input is not a terminal to ask for one: give -p, or a credentials file (--credentials) with [PlainTextAuthProvider] password", user)
	}
	fmt.Fprint(stderr, "Password: ")
	pw, err := terminal.readPassword(int(f.Fd()))
	fmt.Fprintln(stderr)
	if err != nil {
		return "", fmt.Errorf("reading the password for user %q: %v", user, err)
	}
	return string(pw), nil
}
