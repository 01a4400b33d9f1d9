package register_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"thucongvu/internal/engine"
	"thucongvu/internal/model"
	"thucongvu/internal/register"
	"thucongvu/internal/report"
	"thucongvu/internal/testsrv"
)

func init() { register.ReportOn = reportOn }

// reportOn builds this year's usage report over the register the real
// servers filled (R10: LA 16.1, HN 11.8) and reads its PDF back with
// poppler and its XLSX with excelize.
func reportOn(t *testing.T, e *engine.Engine, reg *register.Register, a model.Account, dir string) {
	ctx := context.Background()
	now := time.Now()
	// Two checks this morning: at most one due time is kept by them.
	e.Store.Checks().RecordCheck(a.Name, now.Add(-time.Minute), "check-now")
	p, err := report.ParsePeriod(now.Format("2006"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.Build(ctx, e, reg, []model.Account{a}, p, now)
	if err != nil {
		t.Fatal(err)
	}
	r.SetIssued(30)
	if r.Received != 6 || r.Sent != 1 || r.Acknowledged != 6 || r.Assigned != 2 || r.Done != 1 || r.Overdue != 0 ||
		len(r.Mailboxes) != 1 || !r.Mailboxes[0].Shared || len(r.PerMonth) != 12 || *r.IssuedMet {
		t.Errorf("report: %+v", r)
	}
	if r.ChecksKept > r.ChecksDue || r.ChecksDue == 0 {
		t.Errorf("checks kept %d of %d due", r.ChecksKept, r.ChecksDue)
	}
	types := map[string]int{}
	for _, c := range r.ByType {
		types[c.Label] = c.Count
	}
	if types["Công văn"] != 2 || types["Quyết định"] != 1 || types["Giấy mời"] != 1 || types["Kế hoạch"] != 1 || types["Thông báo"] != 1 || types["Báo cáo"] != 1 {
		t.Errorf("by type: %v", r.ByType)
	}
	acks := 0
	for _, c := range r.AckTimes {
		acks += c.Count
	}
	if acks != 6 || r.MedianAckMinutes > 10 {
		t.Errorf("ack times %v, median %.1f min", r.AckTimes, r.MedianAckMinutes)
	}

	var pdf bytes.Buffer
	if err := report.WritePDF(&pdf, r, now); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "bao-cao.pdf")
	os.WriteFile(path, pdf.Bytes(), 0o600)
	testsrv.Need(t, "pdftotext", "pdfimages")
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{"BÁO CÁO", "Tình hình sử dụng thư điện tử công vụ năm " + now.Format("2006"),
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Văn bản đến nhận qua thư điện tử: 6", "chưa đạt", "THỦ TRƯỞNG CƠ QUAN"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
	imgs, err := exec.Command("pdfimages", "-list", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(strings.Split(strings.TrimSpace(string(imgs)), "\n")) - 2; n != 3 {
		t.Errorf("%d charts in the PDF, want 3:\n%s", n, imgs)
	}

	var xb bytes.Buffer
	if err := report.WriteXLSX(&xb, r); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&xb)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("Báo cáo", "B6"); v != "6" {
		t.Errorf("XLSX received: %q", v)
	}
	if v, _ := f.GetCellValue("Theo loại", "A2"); v != "Công văn" {
		t.Errorf("XLSX first type: %q", v)
	}
}
