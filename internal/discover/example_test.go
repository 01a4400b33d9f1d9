package discover_test

import (
	"context"
	"fmt"

	"thucongvu/internal/discover"
)

// An address of one of the R11 mail systems is answered by its preset,
// without network.
func ExampleDiscover() {
	r, err := discover.Discover(context.Background(), "nguyenvana@sotttt.longan.gov.vn",
		&discover.Options{ISPDirs: []string{}, Offline: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Source)
	fmt.Println("IMAP", r.IMAP.Host, r.IMAP.Port, r.IMAP.Security, r.IMAP.Username)
	fmt.Println("SMTP", r.SMTP.Host, r.SMTP.Port, r.SMTP.Security, r.SMTP.Username)
	// Output:
	// preset
	// IMAP mail.longan.gov.vn 993 implicit nguyenvana@sotttt.longan.gov.vn
	// SMTP mail.longan.gov.vn 465 implicit nguyenvana@sotttt.longan.gov.vn
}
