package ui

import (
	"os"
	"testing"

	"thucongvu/internal/remind"
)

// Under Wine the WinRT toast fails: reported once, shown in the window,
// and PowerShell never runs (the Windows lane's stand-in powershell.exe
// would leave C:\powershell-ran.txt).
func TestToastFailureUnderWine(t *testing.T) {
	if os.Getenv("THUCONGVU_WINE_LANE") != "1" {
		t.Skip("a real Windows shows the toast: see the README's manual checklist")
	}
	d := remind.NewDesktop("vn.gov.thucongvu", "")
	defer d.Close()
	checkNotifierReportsOnce(t, d.Notify)
	if b, err := os.ReadFile(`C:\powershell-ran.txt`); err == nil {
		t.Fatalf("PowerShell ran: %s", b)
	}
}
