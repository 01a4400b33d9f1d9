// Package failure names the classes of failure that the faces (command line
// and UI) branch on, and the exit code of each class in the command-line
// contract. Engine packages wrap these with %w; they never print or exit.
package failure

import (
	"context"
	"errors"
)

var (
	// ErrUsage: the command was called with wrong words (exit 2).
	ErrUsage = errors.New("usage")
	// ErrBlocked: a regulation rule blocks the action (exit 3).
	ErrBlocked = errors.New("blocked by a rule")
	// ErrAuth: the server refused the credentials (exit 4).
	ErrAuth = errors.New("authentication failed")
	// ErrUnreachable: the server could not be reached (exit 5).
	ErrUnreachable = errors.New("server unreachable")
	// ErrCertificate: the server's TLS certificate is not trusted (exit 5).
	ErrCertificate = errors.New("server certificate not trusted")
	// ErrKeychain: the OS keychain is locked or absent; there is no plaintext fallback.
	ErrKeychain = errors.New("keychain unavailable")
	// ErrNotFound: a named account, message or file does not exist (exit 1).
	ErrNotFound = errors.New("not found")
	// ErrUnreadable: an input file cannot be read or is not of its kind (exit 2).
	ErrUnreadable = errors.New("unreadable input")
)

// ExitCode maps an error to the command-line contract's exit code.
func ExitCode(err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, ErrUsage), errors.Is(err, ErrUnreadable):
		return 2
	case errors.Is(err, ErrBlocked):
		return 3
	case errors.Is(err, ErrAuth):
		return 4
	case errors.Is(err, ErrUnreachable), errors.Is(err, ErrCertificate):
		return 5
	default:
		return 1
	}
}

// Class names the class of err for the faces' messages: "usage", "auth",
// "certificate", "unreachable", "keychain", "blocked", "notfound",
// "canceled" or "generic".
func Class(err error) string {
	switch {
	case errors.Is(err, ErrUsage):
		return "usage"
	case errors.Is(err, ErrAuth):
		return "auth"
	case errors.Is(err, ErrCertificate):
		return "certificate"
	case errors.Is(err, ErrUnreachable):
		return "unreachable"
	case errors.Is(err, ErrKeychain):
		return "keychain"
	case errors.Is(err, ErrBlocked):
		return "blocked"
	case errors.Is(err, ErrNotFound):
		return "notfound"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return "generic"
}
