package register

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"thucongvu/internal/store"
)

// The paper registers the clerk keeps (HN 9.2; the forms of Nghị định
// 30/2020/NĐ-CP, Phụ lục IV): their headings are a legal form and stay in
// Vietnamese whatever the interface language.
var (
	inColumns = []string{"Số đến", "Ngày đến", "Tác giả (nơi gửi)", "Số ký hiệu", "Ngày tháng",
		"Tên loại và trích yếu nội dung", "Đơn vị hoặc người nhận", "Ký nhận", "Ghi chú"}
	outColumns = []string{"Số đi", "Ngày gửi", "Số ký hiệu", "Ngày tháng", "Tên loại và trích yếu nội dung",
		"Người ký", "Nơi nhận văn bản", "Ngày báo nhận", "Ghi chú"}
	inWidths  = []float64{8, 12, 28, 20, 12, 50, 28, 12, 30}
	outWidths = []float64{8, 12, 20, 12, 50, 24, 36, 14, 30}
)

// WriteXLSX writes the entries as the paper registers: a sheet "Sổ đến"
// and a sheet "Sổ đi", each headed by its title and column names.
func WriteXLSX(w io.Writer, entries []Entry, title string) error {
	f := excelize.NewFile()
	defer f.Close()
	var in, out []Entry
	for _, e := range entries {
		if e.Direction == store.DirectionOut {
			out = append(out, e)
		} else {
			in = append(in, e)
		}
	}
	if err := writeSheet(f, "Sổ đến", "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", title, inColumns, inWidths, in, inRow); err != nil {
		return err
	}
	if err := writeSheet(f, "Sổ đi", "SỔ ĐĂNG KÝ VĂN BẢN ĐI", title, outColumns, outWidths, out, outRow); err != nil {
		return err
	}
	f.DeleteSheet("Sheet1")
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write register: %w", err)
	}
	return nil
}

func writeSheet(f *excelize.File, sheet, heading, title string, cols []string, widths []float64, entries []Entry, row func(Entry) []any) error {
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13},
		Alignment: &excelize.Alignment{Horizontal: "center"}})
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    borders()})
	if err != nil {
		return err
	}
	cell, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}, Border: borders()})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: bold, Value: heading}}); err != nil {
		return err
	}
	if err := sw.SetRow("A2", []any{excelize.Cell{Value: title}}); err != nil {
		return err
	}
	hdr := make([]any, len(cols))
	for i, c := range cols {
		hdr[i] = excelize.Cell{StyleID: head, Value: c}
	}
	if err := sw.SetRow("A4", hdr, excelize.RowOpts{Height: 32}); err != nil {
		return err
	}
	for i, e := range entries {
		vals := row(e)
		cells := make([]any, len(vals))
		for j, v := range vals {
			cells[j] = excelize.Cell{StyleID: cell, Value: v}
		}
		if err := sw.SetRow("A"+strconv.Itoa(5+i), cells); err != nil {
			return err
		}
	}
	last, _ := excelize.ColumnNumberToName(len(cols))
	if err := sw.MergeCell("A1", last+"1"); err != nil {
		return err
	}
	if err := sw.MergeCell("A2", last+"2"); err != nil {
		return err
	}
	return sw.Flush()
}

func borders() []excelize.Border {
	var b []excelize.Border
	for _, side := range []string{"left", "right", "top", "bottom"} {
		b = append(b, excelize.Border{Type: side, Color: "000000", Style: 1})
	}
	return b
}

// paperDate writes a date as the registers do: 15/11/2026.
func paperDate(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return t.Format("02/01/2006")
}

func typeAndSummary(e Entry) string {
	if e.DocType == "" || strings.HasPrefix(strings.ToLower(e.Summary), strings.ToLower(e.DocType)) {
		return e.Summary
	}
	return e.DocType + " — " + e.Summary
}

func remarks(e Entry) string {
	var parts []string
	if e.Note != "" {
		parts = append(parts, e.Note)
	}
	if e.Deadline != "" {
		parts = append(parts, "Hạn xử lý: "+paperDate(e.Deadline))
	}
	if e.State == StateDone {
		parts = append(parts, "Đã xử lý")
	} else if e.State == StateOverdue {
		parts = append(parts, "Quá hạn")
	}
	return strings.Join(parts, "; ")
}

func inRow(e Entry) []any {
	return []any{e.Number, e.ReceivedAt.Format("02/01/2006"), e.Agency, e.DocNumber, paperDate(e.DocDate),
		typeAndSummary(e), strings.Join(e.AssignedTo, ", "), "", remarks(e)}
}

func outRow(e Entry) []any {
	acked := ""
	if e.AcknowledgedAt != nil {
		acked = e.AcknowledgedAt.Format("02/01/2006")
	}
	return []any{e.Number, e.ReceivedAt.Format("02/01/2006"), e.DocNumber, paperDate(e.DocDate), typeAndSummary(e),
		e.From.Name, e.Agency, acked, remarks(e)}
}
