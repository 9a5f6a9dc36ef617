package report

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Sheet names of the workbook.
const (
	SheetSummary = "Tổng hợp"
	SheetDetail  = "Chi tiết"
)

// WriteXLSX writes the report as an Excel workbook: sheet "Tổng hợp" with
// the four buckets by section and by unit, sheet "Chi tiết" with one row
// per assignment (bold, frozen header row; real date cells).
func (r Report) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := r.fillXLSX(f); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

func (r Report) fillXLSX(f *excelize.File) error {
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName(f.GetSheetName(0), SheetSummary); err != nil {
		return err
	}
	if _, err := f.NewSheet(SheetDetail); err != nil {
		return err
	}
	if err := r.summarySheet(f, st); err != nil {
		return fmt.Errorf("sheet %s: %w", SheetSummary, err)
	}
	if err := r.detailSheet(f, st); err != nil {
		return fmt.Errorf("sheet %s: %w", SheetDetail, err)
	}
	f.SetActiveSheet(0)
	return nil
}

// styles are the cell styles of the workbook.
type styles struct {
	title, header, bold, wrap, date, moment int
}

func newStyles(f *excelize.File) (styles, error) {
	dateFmt, momentFmt := "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
	top := &excelize.Alignment{Vertical: "top"}
	var s styles
	for _, d := range []struct {
		id    *int
		style excelize.Style
	}{
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&s.header, excelize.Style{Font: &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
			Border:    borders()}},
		{&s.bold, excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&s.wrap, excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&s.date, excelize.Style{CustomNumFmt: &dateFmt, Alignment: top}},
		{&s.moment, excelize.Style{CustomNumFmt: &momentFmt, Alignment: top}},
	} {
		id, err := f.NewStyle(&d.style)
		if err != nil {
			return styles{}, fmt.Errorf("new style: %w", err)
		}
		*d.id = id
	}
	return s, nil
}

func borders() []excelize.Border {
	var out []excelize.Border
	for _, side := range []string{"left", "right", "top", "bottom"} {
		out = append(out, excelize.Border{Type: side, Color: "808080", Style: 1})
	}
	return out
}

// summarySheet writes the title, the table by section, then the table by
// unit; each table ends with the totals.
func (r Report) summarySheet(f *excelize.File, st styles) error {
	sh := SheetSummary
	c := cells{f: f, sheet: sh}
	c.set(1, 1, "BÁO CÁO TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH", st.title)
	c.set(1, 2, "Tính đến: "+r.At.In(r.loc()).Format("15:04 ngày 02/01/2006"), 0)

	row := 4
	c.set(1, row, "TỔNG HỢP THEO MỤC", st.bold)
	row++
	c.header(row, append([]string{"Mục", "Tên mục"}, countHeaders()...), st.header)
	for _, s := range r.BySection {
		row++
		c.summary(row, s.Key, s.Name, s, 0)
	}
	row++
	c.summary(row, "", totalsName, r.Totals, st.bold)

	row += 2
	c.set(1, row, "TỔNG HỢP THEO ĐƠN VỊ", st.bold)
	row++
	c.header(row, append([]string{"Mã đơn vị", "Đơn vị"}, countHeaders()...), st.header)
	for _, s := range r.ByUnit {
		row++
		c.summary(row, s.Key, s.Name, s, 0)
	}
	row++
	c.summary(row, "", totalsName, r.Totals, st.bold)

	for _, w := range []struct {
		from, to string
		width    float64
	}{{"A", "A", 11}, {"B", "B", 50}, {"C", "G", 16}} {
		if c.err == nil {
			c.err = f.SetColWidth(sh, w.from, w.to, w.width)
		}
	}
	return c.err
}

// detailSheet writes one row per assignment under a frozen header row.
func (r Report) detailSheet(f *excelize.File, st styles) error {
	sh := SheetDetail
	c := cells{f: f, sheet: sh}
	cols := detailColumns()
	headers := make([]string, len(cols))
	for i, col := range cols {
		headers[i] = col.header
	}
	c.header(1, headers, st.header)
	for i, row := range r.Rows {
		for j, col := range cols {
			switch col.kind {
			case kindDate, kindTime:
				if t := col.when(&r, row); !t.IsZero() {
					style := st.date
					if col.kind == kindTime {
						style = st.moment
					}
					c.set(j+1, i+2, t, style)
				}
			case kindLong:
				c.set(j+1, i+2, col.text(&r, row), st.wrap)
			default:
				c.set(j+1, i+2, col.text(&r, row), 0)
			}
		}
	}
	for j, col := range cols {
		name, err := excelize.ColumnNumberToName(j + 1)
		if err != nil {
			return err
		}
		if c.err == nil {
			c.err = f.SetColWidth(sh, name, name, col.width)
		}
	}
	if c.err != nil {
		return c.err
	}
	last, err := excelize.CoordinatesToCellName(len(cols), len(r.Rows)+1)
	if err != nil {
		return err
	}
	if err := f.AutoFilter(sh, "A1:"+last, nil); err != nil {
		return err
	}
	return f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// cells writes cells of one sheet, keeping the first error.
type cells struct {
	f     *excelize.File
	sheet string
	err   error
}

// set writes v at column col, row row (both from 1) with a style (0: none).
func (c *cells) set(col, row int, v any, style int) {
	if c.err != nil {
		return
	}
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		c.err = err
		return
	}
	if s, ok := v.(string); ok {
		// A string cell is never a formula, whatever it starts with.
		c.err = c.f.SetCellStr(c.sheet, ref, s)
	} else {
		c.err = c.f.SetCellValue(c.sheet, ref, v)
	}
	if c.err == nil && style != 0 {
		c.err = c.f.SetCellStyle(c.sheet, ref, ref, style)
	}
}

func (c *cells) header(row int, titles []string, style int) {
	for i, t := range titles {
		c.set(i+1, row, t, style)
	}
}

// summary writes key, name, the four counts and the total.
func (c *cells) summary(row int, key, name string, s Summary, style int) {
	c.set(1, row, key, style)
	c.set(2, row, name, style)
	for i, b := range Buckets() {
		c.set(3+i, row, s.Counts[b], style)
	}
	c.set(3+len(Buckets()), row, s.Total, style)
}
