package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/signintech/gopdf"

	"thucongvu/assets"
	"thucongvu/internal/i18n"
	"thucongvu/internal/remind"
)

// Page geometry in points: A4 with the margins of Nghị định 30/2020.
const (
	left, right = 85.0, 57.0
	top, bottom = 57.0, 57.0
	leading     = 17.0
)

// The report follows the form of an administrative report (Nghị định
// 30/2020/NĐ-CP): it is submitted as written, in Vietnamese (R5).

// periodName is "6 tháng đầu năm 2026", "6 tháng cuối năm 2026", "năm 2026".
func periodName(label string) string {
	y, half, _ := strings.Cut(label, "-")
	switch half {
	case "H1":
		return "6 tháng đầu năm " + y
	case "H2":
		return "6 tháng cuối năm " + y
	}
	return "năm " + y
}

func percent(part, whole int) string {
	if whole == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f %%", 100*float64(part)/float64(whole))
}

// Lines are the report's numbered findings in Vietnamese, as the
// submitted PDF and XLSX show them.
func (r *Report) Lines() [][2]string {
	vi, err := i18n.Load("vi")
	if err != nil {
		return nil
	}
	return r.LinesIn(vi)
}

// LinesIn are the report's findings in a catalogue's language.
func (r *Report) LinesIn(msg *i18n.Catalog) [][2]string {
	out := [][2]string{
		{msg.T("report.line.mailboxes"), fmt.Sprint(len(r.Mailboxes))},
		{msg.T("report.line.received"), fmt.Sprint(r.Received)},
		{msg.T("report.line.sent"), fmt.Sprint(r.Sent)},
		{msg.T("report.line.acknowledged"), fmt.Sprintf("%d (%s)", r.Acknowledged, percent(r.Acknowledged, r.Received))},
		{msg.T("report.line.in_time"), fmt.Sprintf("%d (%s)", r.AcknowledgedInTime, percent(r.AcknowledgedInTime, r.Received))},
		{msg.T("report.line.median"), msg.T("report.line.minutes", r.MedianAckMinutes)},
		{msg.T("report.line.assigned"), fmt.Sprint(r.Assigned)},
		{msg.T("report.line.done"), fmt.Sprint(r.Done)},
		{msg.T("report.line.overdue"), fmt.Sprint(r.Overdue)},
		{msg.T("report.line.checks"), fmt.Sprintf("%d / %d (%s)", r.ChecksKept, r.ChecksDue, percent(r.ChecksKept, r.ChecksDue))},
	}
	if r.Issued != nil {
		verdict := msg.T("report.line.met")
		if !*r.IssuedMet {
			verdict = msg.T("report.line.not_met")
		}
		out = append(out, [2]string{msg.T("report.line.issued"),
			fmt.Sprintf("%d / %d = %.1f %% — %s", r.Sent, *r.Issued, 100**r.IssuedShare, verdict)})
	}
	return out
}

// WritePDF writes the report as an agency would submit it: the heading,
// the figures, the three charts (documents per month, by type, time to
// acknowledge) and the signature block; dated at now.
func WritePDF(w io.Writer, r *Report, now time.Time) error {
	vi, err := i18n.Load("vi")
	if err != nil {
		return err
	}
	images, err := Charts(r, vi)
	if err != nil {
		return err
	}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	pdf.SetInfo(gopdf.PdfInfo{Title: "Báo cáo sử dụng thư điện tử công vụ " + periodName(r.Period), Author: r.Agency, Producer: "Thư Công Vụ"})
	if err := pdf.AddTTFFontData("dejavu", assets.DejaVuSans()); err != nil {
		return fmt.Errorf("pdf font: %w", err)
	}
	if err := pdf.SetFont("dejavu", "", 12); err != nil {
		return err
	}
	pdf.AddPage()
	width := gopdf.PageSizeA4.W - left - right
	y := top
	var failed error
	newPageIf := func(h float64) {
		if y+h > gopdf.PageSizeA4.H-bottom {
			pdf.AddPage()
			y = top
		}
	}
	text := func(s string, align int, size float64, x, wdt float64) {
		if failed != nil {
			return
		}
		if err := pdf.SetFontSize(size); err != nil {
			failed = err
			return
		}
		parts, err := pdf.SplitTextWithWordWrap(s, wdt)
		if err != nil {
			parts = []string{s}
		}
		for _, p := range parts {
			newPageIf(leading)
			pdf.SetXY(x, y)
			if err := pdf.CellWithOption(&gopdf.Rect{W: wdt, H: leading}, p, gopdf.CellOption{Align: align | gopdf.Top}); err != nil {
				failed = err
				return
			}
			y += leading
		}
	}
	line := func(s string, align int, size float64) { text(s, align, size, left, width) }

	agency := r.Agency
	if agency == "" {
		agency = "CƠ QUAN"
	}
	// Heading: agency left, national motto right.
	y0 := y
	text(strings.ToUpper(agency), gopdf.Center, 10.5, left, width*0.42)
	text("Số:       /BC-", gopdf.Center, 10.5, left, width*0.42)
	yLeft := y
	y = y0
	text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", gopdf.Center, 10.5, left+width*0.42, width*0.58)
	text("Độc lập - Tự do - Hạnh phúc", gopdf.Center, 11, left+width*0.42, width*0.58)
	vn := now.In(remind.Vietnam)
	text(fmt.Sprintf("ngày %02d tháng %02d năm %d", vn.Day(), vn.Month(), vn.Year()), gopdf.Center, 11, left+width*0.42, width*0.58)
	y = max(y, yLeft) + leading
	line("BÁO CÁO", gopdf.Center, 14)
	line("Tình hình sử dụng thư điện tử công vụ "+periodName(r.Period), gopdf.Center, 13)
	line(fmt.Sprintf("(từ ngày %s đến ngày %s)", dmy(r.From), dmy(r.To)), gopdf.Center, 11)
	y += leading / 2
	line("I. TÌNH HÌNH CHUNG", gopdf.Left, 12)
	for _, m := range r.Mailboxes {
		kind := "hộp thư cá nhân"
		if m.Shared {
			kind = "hộp thư cơ quan"
		}
		line(fmt.Sprintf("– %s (%s): nhận %d, gửi %d văn bản.", m.Address, kind, m.Received, m.Sent), gopdf.Left, 11)
	}
	y += leading / 2
	line("II. KẾT QUẢ THỰC HIỆN", gopdf.Left, 12)
	for i, l := range r.Lines() {
		line(fmt.Sprintf("%d. %s: %s.", i+1, l[0], l[1]), gopdf.Left, 11)
	}
	if len(r.ByType) > 0 {
		var parts []string
		for _, c := range r.ByType {
			parts = append(parts, fmt.Sprintf("%s %d", strings.ToLower(c.Label), c.Count))
		}
		line("Theo loại văn bản: "+strings.Join(parts, "; ")+".", gopdf.Left, 11)
	}
	y += leading / 2
	line("III. BIỂU ĐỒ", gopdf.Left, 12)
	chartW := width
	chartH := chartW * 7 / 16
	for _, img := range images {
		if failed != nil {
			break
		}
		newPageIf(chartH + 6)
		holder, err := gopdf.ImageHolderByBytes(img)
		if err != nil {
			return err
		}
		if err := pdf.ImageByHolder(holder, left, y, &gopdf.Rect{W: chartW, H: chartH}); err != nil {
			return err
		}
		y += chartH + 6
	}
	y += leading / 2
	line("IV. ĐÁNH GIÁ", gopdf.Left, 12)
	line(assessment(r), gopdf.Left, 11)
	y += leading
	newPageIf(5 * leading)
	y0 = y
	text("Nơi nhận:", gopdf.Left, 10.5, left, width*0.5)
	text("– Như trên;", gopdf.Left, 10, left, width*0.5)
	text("– Lưu: VT.", gopdf.Left, 10, left, width*0.5)
	y = y0
	text("THỦ TRƯỞNG CƠ QUAN", gopdf.Center, 11, left+width*0.5, width*0.5)
	text("(Ký, ghi rõ họ tên)", gopdf.Center, 10, left+width*0.5, width*0.5)
	if failed != nil {
		return fmt.Errorf("write report: %w", failed)
	}
	if _, err := pdf.WriteTo(w); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

func dmy(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return t.Format("02/01/2006")
}

// assessment is the report's short judgement against the rules.
func assessment(r *Report) string {
	var s []string
	if r.Received > 0 {
		s = append(s, fmt.Sprintf("Tỷ lệ văn bản đến được báo nhận: %s (LA 6.2 yêu cầu báo nhận ngay).", percent(r.Acknowledged, r.Received)))
	}
	if r.ChecksDue > 0 {
		s = append(s, fmt.Sprintf("Kiểm tra thư đúng lịch: %s số lần phải kiểm tra (R1).", percent(r.ChecksKept, r.ChecksDue)))
	}
	if r.Overdue > 0 {
		s = append(s, fmt.Sprintf("Còn %d văn bản quá hạn xử lý.", r.Overdue))
	}
	if r.Issued != nil {
		if *r.IssuedMet {
			s = append(s, "Tỷ lệ văn bản phát hành gửi qua thư điện tử đạt yêu cầu tối thiểu 20 % (LA 7.3).")
		} else {
			s = append(s, "Tỷ lệ văn bản phát hành gửi qua thư điện tử chưa đạt yêu cầu tối thiểu 20 % (LA 7.3).")
		}
	}
	if len(s) == 0 {
		return "Không có văn bản trong kỳ báo cáo."
	}
	return strings.Join(s, " ")
}
