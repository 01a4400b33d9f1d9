//go:build windows

package motw

import "os"

// mark writes the Zone.Identifier stream. A volume without alternate
// streams (FAT, some network shares) cannot carry the mark: the error says so.
func mark(path string) error {
	return os.WriteFile(path+":Zone.Identifier", []byte(ZoneIdentifier), 0o644)
}
