package remind

import (
	"os"
	"strings"
	"testing"
)

// Under Wine there is no WinRT toast manager: Notify fails with an error
// and PowerShell never runs (the Windows lane replaces powershell.exe with
// a program that leaves powershellMark behind).
func TestToastNeverRunsPowerShell(t *testing.T) {
	if os.Getenv("THUCONGVU_WINE_LANE") != "1" {
		t.Skip("a real Windows shows the toast: see the README's manual checklist")
	}
	d := NewDesktop("vn.gov.thucongvu", "")
	err := d.Notify("Kiểm tra thư buổi sáng", "vanthu: 3 thư chưa đọc")
	d.Close()
	if err == nil || !strings.Contains(err.Error(), "desktop notification") {
		t.Fatalf("toast under Wine: %v", err)
	}
	if b, err := os.ReadFile(powershellMark); err == nil {
		t.Fatalf("PowerShell ran: %s", b)
	}
}

// powershellMark is where the Windows lane's stand-in powershell.exe
// writes its command line.
const powershellMark = `C:\powershell-ran.txt`
