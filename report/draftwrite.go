package report

import (
	"archive/zip"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

//go:embed templates/draft.html.tmpl
var draftFS embed.FS

var draftHTML = template.Must(template.New("draft.html.tmpl").Funcs(template.FuncMap{
	"day":     dayText,
	"moment":  func(t time.Time) string { return t.Format("15:04 ngày 02/01/2006") },
	"buckets": Buckets,
	"inc":     func(i int) int { return i + 1 },
	"join":    strings.Join,
}).ParseFS(draftFS, "templates/draft.html.tmpl"))

// WriteHTML writes the draft as a printable page (A4 landscape, the table
// a Vietnamese office pastes into its report: STT, Nhiệm vụ, Đơn vị chủ
// trì, Tiến độ, Kết quả thực hiện, Tình trạng). Self-contained: no script,
// no external file.
func (d Draft) WriteHTML(w io.Writer) error { return d.writeHTML(w, len(d.Rows), d.eachRow) }

// draftPage is what the page's template reads: the draft, and its rows as
// they come.
type draftPage struct {
	Draft
	HasRows bool
	Rows    iter.Seq2[int, DraftRow]
}

// writeHTML writes the page of d, whose n rows each gives in order.
func (d Draft) writeHTML(w io.Writer, n int, each func(func(DraftRow) error) error) error {
	d.At = d.At.In(d.Location)
	var rowsErr error
	page := draftPage{Draft: d, HasRows: n > 0, Rows: func(yield func(int, DraftRow) bool) {
		i := 0
		stop := errors.New("stop")
		err := each(func(r DraftRow) error {
			if !yield(i, r) {
				return stop
			}
			i++
			return nil
		})
		if err != nil && err != stop {
			rowsErr = err
		}
	}}
	err := draftHTML.Execute(w, page)
	if err == nil {
		err = rowsErr
	}
	if err != nil {
		return fmt.Errorf("write draft html: %w", err)
	}
	return nil
}

// eachRow calls fn with each row of d in order.
func (d *Draft) eachRow(fn func(DraftRow) error) error {
	for _, r := range d.Rows {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// SheetDraft is the draft's sheet in its workbook.
const SheetDraft = "Dự thảo báo cáo"

// WriteXLSX writes the draft as a workbook: the title, the four buckets,
// the task table and the units that have not reported, on one sheet.
func (d Draft) WriteXLSX(w io.Writer) error { return d.writeXLSX(w, d.eachRow) }

// writeXLSX writes the workbook of d, whose rows each gives in order, with
// excelize's stream writer: each row goes to the sheet as it comes and the
// archive straight to w (see writeXLSX of the progress report).
func (d Draft) writeXLSX(w io.Writer, each func(func(DraftRow) error) error) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := d.fillXLSX(f, each); err != nil {
		return fmt.Errorf("write draft xlsx: %w", err)
	}
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if err := f.Write(io.Discard); err != nil {
		return fmt.Errorf("write draft xlsx: %w", err)
	}
	return nil
}

func (d Draft) fillXLSX(f *excelize.File, each func(func(DraftRow) error) error) error {
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	sh := SheetDraft
	if err := f.SetSheetName(f.GetSheetName(0), sh); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sh)
	if err != nil {
		return err
	}
	for col, width := range []float64{6, 60, 28, 24, 50, 36} {
		if err := sw.SetColWidth(col+1, col+1, width); err != nil {
			return err
		}
	}
	c := rows{sw: sw}
	row := 1
	line := func(style int, vs ...any) error {
		values := make([]any, len(vs))
		for i, v := range vs {
			values[i] = v
			if style != 0 {
				values[i] = cell(v, style)
			}
		}
		c.set(row, values)
		row++
		return c.err
	}
	if err := line(st.title, "DỰ THẢO BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH "+strings.ToUpper(d.Period.Name())); err != nil {
		return err
	}
	if err := line(0, fmt.Sprintf("Số liệu từ ngày %s đến ngày %s; tình trạng tính đến %s", dayText(d.From), dayText(d.Cutoff), d.At.In(d.Location).Format("15:04 ngày 02/01/2006"))); err != nil {
		return err
	}
	row++
	if err := line(st.header, "Tình trạng", "Số lượt đơn vị"); err != nil {
		return err
	}
	for _, b := range Buckets() {
		if err := line(0, b.Label(), d.Totals.Counts[b]); err != nil {
			return err
		}
	}
	if err := line(st.bold, "Tổng số", d.Totals.Total); err != nil {
		return err
	}
	row++
	if err := line(st.header, "STT", "Nhiệm vụ", "Đơn vị chủ trì", "Tiến độ", "Kết quả thực hiện", "Tình trạng"); err != nil {
		return err
	}
	i := 0
	err = each(func(r DraftRow) error {
		i++
		return line(st.wrap, i, r.TaskID+". "+defuse(r.Text), r.UnitName, r.ProgressCell(), defuse(r.Result()), r.State())
	})
	if err != nil {
		return err
	}
	row++
	if err := line(st.header, "STT", "Đơn vị chưa báo cáo tiến độ", "Người đứng đầu", "Nhiệm vụ chưa báo cáo"); err != nil {
		return err
	}
	for i, m := range d.NotReported {
		if err := line(st.wrap, i+1, m.UnitName, m.HeadName, strings.Join(m.Tasks, ", ")); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// WriteText writes the draft as plain text for a terminal.
func (d Draft) WriteText(w io.Writer) error { return d.writeText(w, len(d.Rows), d.eachRow) }

// writeText writes d as text, its n rows as each gives them.
func (d Draft) writeText(w io.Writer, n int, each func(func(DraftRow) error) error) error {
	ew := &errWriter{w: w}
	ew.printf("DỰ THẢO BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ CCHC %s\n", strings.ToUpper(d.Period.Name()))
	ew.printf("Số liệu từ ngày %s đến ngày %s; tình trạng tính đến %s\n", dayText(d.From), dayText(d.Cutoff), d.At.In(d.Location).Format("15:04 ngày 02/01/2006"))
	ew.printf("\n1. TỔNG HỢP (lượt đơn vị)\n")
	tw := newTable(ew)
	for _, b := range Buckets() {
		tw.row(b.Label(), strconv.Itoa(d.Totals.Counts[b]))
	}
	tw.row("Tổng số", strconv.Itoa(d.Totals.Total))
	tw.flush()
	ew.printf("\n2. KẾT QUẢ THỰC HIỆN TỪNG NHIỆM VỤ\n")
	if n == 0 {
		ew.printf("Không có nhiệm vụ nào trong kỳ báo cáo.\n")
	}
	i := 0
	err := each(func(r DraftRow) error {
		i++
		ew.printf("%d. %s %s\n   Đơn vị chủ trì: %s\n   Tiến độ: %s\n   Kết quả thực hiện: %s\n   Tình trạng: %s\n",
			i, r.TaskID, r.Text, r.UnitName, r.ProgressCell(), r.Result(), r.State())
		return ew.err
	})
	if err != nil && err != ew.err {
		return fmt.Errorf("write draft text: %w", err)
	}
	ew.printf("\n3. ĐƠN VỊ CHƯA BÁO CÁO TIẾN ĐỘ\n")
	if len(d.NotReported) == 0 && n > 0 {
		ew.printf("Tất cả các đơn vị đã báo cáo tiến độ.\n")
	}
	for _, m := range d.NotReported {
		head := ""
		if m.HeadName != "" {
			head = " (" + m.HeadName + ")"
		}
		ew.printf("- %s%s: %s\n", m.UnitName, head, strings.Join(m.Tasks, ", "))
	}
	if ew.err != nil {
		return fmt.Errorf("write draft text: %w", ew.err)
	}
	return nil
}
