package email

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/sct-langson/nhacviec/notify"
)

const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// fullListName is the attachment's file name: "danh-sach-can-chi-dao-19-11-2024.xlsx".
func fullListName(m *notify.Message) string {
	return "danh-sach-can-chi-dao-" + strings.ReplaceAll(notify.FormatDate(m.At), "/", "-") + ".xlsx"
}

// fullList is the full list behind a letter's overview, one row per
// escalated assignment (the letter shows counts and the ten longest
// overdue): ok is false when the letter has no overview.
func fullList(m *notify.Message) (data []byte, ok bool, err error) {
	var items []notify.Item
	for _, it := range m.Items {
		if it.Kind == notify.KindEscalation {
			items = append(items, it)
		}
	}
	if len(items) == 0 {
		return nil, false, nil
	}
	slices.SortStableFunc(items, func(a, b notify.Item) int {
		return cmp.Or(cmp.Compare(a.WorkingDays, b.WorkingDays), strings.Compare(a.TaskID, b.TaskID), strings.Compare(a.Unit, b.Unit))
	})
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Cần chỉ đạo"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, false, fmt.Errorf("email: full list: %w", err)
	}
	header := []any{"STT", "Mã nhiệm vụ", "Kỳ", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", "Tình trạng", "Số ngày làm việc quá hạn", "Kết quả/sản phẩm"}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return nil, false, fmt.Errorf("email: full list: %w", err)
	}
	for i, it := range items {
		row := []any{i + 1, it.TaskID, it.Period, oneLine(it.Text), it.Unit, it.DueText(), it.Status(), max(0, -it.WorkingDays), oneLine(it.Output)}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return nil, false, fmt.Errorf("email: full list: %w", err)
		}
	}
	for col, w := range map[string]float64{"A": 6, "B": 12, "C": 16, "D": 60, "E": 28, "F": 12, "G": 26, "H": 12, "I": 40} {
		_ = f.SetColWidth(sheet, col, col, w)
	}
	_ = f.AutoFilter(sheet, fmt.Sprintf("A1:I%d", len(items)+1), nil)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, false, fmt.Errorf("email: full list: %w", err)
	}
	return buf.Bytes(), true, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
