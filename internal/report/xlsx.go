package report

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes the report's figures, its months and its types as
// three sheets, headed in Vietnamese as the submitted report is.
func WriteXLSX(w io.Writer, r *Report) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Báo cáo"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	set := func(sheet, cell string, v any) {
		if err == nil {
			err = f.SetCellValue(sheet, cell, v)
		}
	}
	set(sheet, "A1", "BÁO CÁO TÌNH HÌNH SỬ DỤNG THƯ ĐIỆN TỬ CÔNG VỤ "+periodName(r.Period))
	set(sheet, "A2", fmt.Sprintf("Từ ngày %s đến ngày %s — %s", dmy(r.From), dmy(r.To), r.Agency))
	set(sheet, "A4", "Chỉ tiêu")
	set(sheet, "B4", "Kết quả")
	for i, l := range r.Lines() {
		set(sheet, fmt.Sprintf("A%d", 5+i), l[0])
		set(sheet, fmt.Sprintf("B%d", 5+i), l[1])
	}
	f.SetColWidth(sheet, "A", "A", 60)
	f.SetColWidth(sheet, "B", "B", 30)
	f.SetCellStyle(sheet, "A1", "A1", bold)
	f.SetCellStyle(sheet, "A4", "B4", bold)
	if _, e := f.NewSheet("Theo tháng"); e != nil {
		return e
	}
	set("Theo tháng", "A1", "Tháng")
	set("Theo tháng", "B1", "Văn bản đến")
	set("Theo tháng", "C1", "Văn bản đi")
	for i, m := range r.PerMonth {
		set("Theo tháng", fmt.Sprintf("A%d", 2+i), m.Month)
		set("Theo tháng", fmt.Sprintf("B%d", 2+i), m.Received)
		set("Theo tháng", fmt.Sprintf("C%d", 2+i), m.Sent)
	}
	if _, e := f.NewSheet("Theo loại"); e != nil {
		return e
	}
	set("Theo loại", "A1", "Loại văn bản")
	set("Theo loại", "B1", "Số văn bản")
	for i, c := range r.ByType {
		set("Theo loại", fmt.Sprintf("A%d", 2+i), c.Label)
		set("Theo loại", fmt.Sprintf("B%d", 2+i), c.Count)
	}
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
