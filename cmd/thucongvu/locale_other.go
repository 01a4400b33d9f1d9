//go:build !(linux || freebsd || netbsd || openbsd || darwin)

package main

// restoreLocale has nothing to restore where the locale is not an
// environment variable.
func restoreLocale() {}
