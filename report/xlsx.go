package report

import (
	"archive/zip"
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
func (r Report) WriteXLSX(w io.Writer) error { return writeXLSX(w, &r, r.each) }

// writeXLSX writes the workbook with excelize's stream writer: each row
// goes to the sheet's XML as it comes (a temporary file past 16 MB), and
// the archive goes straight to w, so neither the sheet nor the file is
// built in memory.
func writeXLSX(w io.Writer, r *Report, each func(func(Row) error) error) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := fillXLSX(f, r, each); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	// File.Write would first build the whole archive in a bytes.Buffer.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if err := f.Write(io.Discard); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

func fillXLSX(f *excelize.File, r *Report, each func(func(Row) error) error) error {
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
	// Before the stream writers: SetActiveSheet reads every sheet back.
	f.SetActiveSheet(0)
	if err := summarySheet(f, r, st); err != nil {
		return fmt.Errorf("sheet %s: %w", SheetSummary, err)
	}
	if err := detailSheet(f, r, st, each); err != nil {
		return fmt.Errorf("sheet %s: %w", SheetDetail, err)
	}
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
func summarySheet(f *excelize.File, r *Report, st styles) error {
	sw, err := f.NewStreamWriter(SheetSummary)
	if err != nil {
		return err
	}
	for _, w := range []struct {
		from, to int
		width    float64
	}{{1, 1, 11}, {2, 2, 50}, {3, 7, 16}} {
		if err := sw.SetColWidth(w.from, w.to, w.width); err != nil {
			return err
		}
	}
	c := rows{sw: sw}
	c.set(1, []any{cell("BÁO CÁO TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH", st.title)})
	c.set(2, []any{"Tính đến: " + r.At.In(r.loc()).Format("15:04 ngày 02/01/2006")})

	row := 4
	c.set(row, []any{cell("TỔNG HỢP THEO MỤC", st.bold)})
	row++
	c.header(row, append([]string{"Mục", "Tên mục"}, countHeaders()...), st.header)
	for _, s := range r.BySection {
		row++
		c.summary(row, s.Key, s.Name, s, 0)
	}
	row++
	c.summary(row, "", totalsName, r.Totals, st.bold)

	row += 2
	c.set(row, []any{cell("TỔNG HỢP THEO ĐƠN VỊ", st.bold)})
	row++
	c.header(row, append([]string{"Mã đơn vị", "Đơn vị"}, countHeaders()...), st.header)
	for _, s := range r.ByUnit {
		row++
		c.summary(row, s.Key, s.Name, s, 0)
	}
	row++
	c.summary(row, "", totalsName, r.Totals, st.bold)
	if c.err != nil {
		return c.err
	}
	return sw.Flush()
}

// detailSheet writes one row per assignment under a frozen header row.
func detailSheet(f *excelize.File, r *Report, st styles, each func(func(Row) error) error) error {
	sw, err := f.NewStreamWriter(SheetDetail)
	if err != nil {
		return err
	}
	cols := detailColumns()
	for j, col := range cols {
		if err := sw.SetColWidth(j+1, j+1, col.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	headers := make([]string, len(cols))
	for i, col := range cols {
		headers[i] = col.header
	}
	c := rows{sw: sw}
	c.header(1, headers, st.header)
	n := 1
	values := make([]any, len(cols))
	err = each(func(row Row) error {
		for j, col := range cols {
			switch col.kind {
			case kindDate, kindTime:
				values[j] = nil // no cell
				if t := col.when(r, row); !t.IsZero() {
					style := st.date
					if col.kind == kindTime {
						style = st.moment
					}
					values[j] = cell(t, style)
				}
			case kindLong:
				values[j] = cell(col.text(r, row), st.wrap)
			default:
				values[j] = col.text(r, row)
			}
		}
		n++
		c.set(n, values)
		return c.err
	})
	if err != nil {
		return err
	}
	last, err := excelize.CoordinatesToCellName(len(cols), n)
	if err != nil {
		return err
	}
	if err := f.AutoFilter(SheetDetail, "A1:"+last, nil); err != nil {
		return err
	}
	return sw.Flush()
}

// cell is a value with a style (0: none).
func cell(v any, style int) excelize.Cell { return excelize.Cell{Value: v, StyleID: style} }

// rows writes the rows of one sheet, in order, keeping the first error. A
// string value is written as text, never as a formula, whatever it starts
// with.
type rows struct {
	sw  *excelize.StreamWriter
	err error
}

// set writes values from column A of row (from 1).
func (c *rows) set(row int, values []any) {
	if c.err != nil {
		return
	}
	ref, err := excelize.CoordinatesToCellName(1, row)
	if err != nil {
		c.err = err
		return
	}
	c.err = c.sw.SetRow(ref, values)
}

func (c *rows) header(row int, titles []string, style int) {
	values := make([]any, len(titles))
	for i, t := range titles {
		values[i] = cell(t, style)
	}
	c.set(row, values)
}

// summary writes key, name, the four counts and the total.
func (c *rows) summary(row int, key, name string, s Summary, style int) {
	values := []any{cell(key, style), cell(name, style)}
	for _, b := range Buckets() {
		values = append(values, cell(s.Counts[b], style))
	}
	c.set(row, append(values, cell(s.Total, style)))
}
