//go:build !windows

package pdfconv

import "fmt"

// newMSOffice: Microsoft Office is driven through COM, which exists only on
// Windows.
func newMSOffice() (officeEngine, error) {
	return nil, fmt.Errorf("%w: Microsoft Office is only available on Windows; %s", ErrNoOffice, noOfficeHelp())
}
