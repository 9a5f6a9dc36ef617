package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"golang.org/x/text/unicode/norm"
)

// titleWidth bounds a section title in the text tables, in letters.
const titleWidth = 60

// WriteText writes the report as plain Vietnamese text: the totals, the
// counts by section and by unit, then the overdue and the late assignments
// with who marked them, when, their notes and evidence.
func (r Report) WriteText(w io.Writer) error {
	count := func(b Bucket) int {
		n := 0
		for _, row := range r.Rows {
			if row.Bucket == b {
				n++
			}
		}
		return n
	}
	return writeText(w, &r, r.plans(), count, r.each)
}

// writeText writes the report as WriteText describes: plans are the plan
// codes of the rows, count the rows of a bucket, each yields the rows.
func writeText(w io.Writer, r *Report, plans []string, count func(Bucket) int, each func(func(Row) error) error) error {
	ew := &errWriter{w: w}
	ew.printf("BÁO CÁO TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH\n")
	ew.printf("Tính đến: %s\n", r.At.In(r.loc()).Format("15:04 ngày 02/01/2006"))
	if len(plans) > 0 {
		ew.printf("Kế hoạch: %s\n", strings.Join(plans, ", "))
	}

	ew.printf("\nI. TỔNG HỢP CHUNG\n")
	tw := newTable(ew)
	tw.row("Tình trạng", "Số lượng", "Tỷ lệ")
	for _, b := range Buckets() {
		tw.row(b.Label(), strconv.Itoa(r.Totals.Counts[b]), percent(r.Totals.Counts[b], r.Totals.Total))
	}
	tw.row("Tổng số", strconv.Itoa(r.Totals.Total), percent(r.Totals.Total, r.Totals.Total))
	tw.flush()

	ew.printf("\nII. THEO MỤC\n")
	tw = newTable(ew)
	tw.row(append([]string{"Mục", "Tên mục"}, countHeaders()...)...)
	for _, s := range r.BySection {
		tw.row(append([]string{s.Key, clip(s.Name, titleWidth)}, counts(s)...)...)
	}
	tw.row(append([]string{"", totalsName}, counts(r.Totals)...)...)
	tw.flush()

	ew.printf("\nIII. THEO ĐƠN VỊ\n")
	tw = newTable(ew)
	tw.row(append([]string{"Đơn vị"}, countHeaders()...)...)
	for _, s := range r.ByUnit {
		tw.row(append([]string{s.Name}, counts(s)...)...)
	}
	tw.row(append([]string{totalsName}, counts(r.Totals)...)...)
	tw.flush()

	for _, l := range []struct {
		title string
		b     Bucket
	}{{"IV. NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH", Overdue}, {"V. NHIỆM VỤ HOÀN THÀNH QUÁ HẠN", DoneLate}} {
		if err := r.writeList(ew, l.title, l.b, count(l.b), each); err != nil {
			return fmt.Errorf("write text report: %w", err)
		}
	}
	if ew.err != nil {
		return fmt.Errorf("write text report: %w", ew.err)
	}
	return nil
}

// writeList writes the n rows of one bucket with everything known of them.
func (r *Report) writeList(ew *errWriter, title string, b Bucket, n int, each func(func(Row) error) error) error {
	ew.printf("\n%s (%d)\n", title, n)
	if n == 0 {
		ew.printf("Không có.\n")
		return nil
	}
	i := 0
	return each(func(row Row) error {
		if row.Bucket != b {
			return nil
		}
		i++
		r.writeItem(ew, i, row, b)
		return ew.err
	})
}

// writeItem writes the i-th row of a list of bucket b.
func (r *Report) writeItem(ew *errWriter, i int, row Row, b Bucket) {
	head := fmt.Sprintf("%d. %s", i, row.TaskID)
	if p := period(row); p != "" {
		head += " (kỳ " + p + ")"
	}
	ew.printf("%s — %s — hạn %s", head, row.UnitName, dateText(row, viDate))
	if b == Overdue && row.Due.Valid() {
		ew.printf(", quá hạn %d ngày làm việc", row.DaysLate)
	}
	ew.printf("\n")
	if row.Text != "" {
		ew.printf("   Nhiệm vụ: %s\n", oneLine(row.Text))
	}
	if !row.DoneAt.IsZero() || row.DoneBy != "" {
		done := joinNonEmpty(", ", timeText(r, row.DoneAt, viTime), row.DoneByName)
		if row.DoneVia != "" {
			done = joinNonEmpty(", ", done, "qua "+viaLabel(row.DoneVia))
		}
		if row.Bucket == DoneLate && row.Due.Valid() {
			if row.DaysLate > 0 {
				done += fmt.Sprintf(" (muộn %d ngày làm việc)", row.DaysLate)
			} else {
				done += " (muộn, trong ngày nghỉ sau hạn)"
			}
		}
		ew.printf("   Hoàn thành: %s\n", done)
	}
	if row.Note != "" {
		ew.printf("   Ghi chú: %s\n", oneLine(row.Note))
	}
	writeItems(ew, "Ghi chú tiến độ", r.noteLines(row))
	writeItems(ew, "Tài liệu kiểm chứng", r.evidenceLines(row))
}

func writeItems(ew *errWriter, title string, items []string) {
	if len(items) == 0 {
		return
	}
	ew.printf("   %s:\n", title)
	for _, it := range items {
		ew.printf("     - %s\n", oneLine(it))
	}
}

// plans lists the plan codes of the rows, in row order.
func (r Report) plans() []string {
	var out []string
	for i, row := range r.Rows {
		if i == 0 || row.Plan != r.Rows[i-1].Plan {
			out = append(out, row.Plan)
		}
	}
	return out
}

func countHeaders() []string {
	var out []string
	for _, b := range Buckets() {
		out = append(out, b.Label())
	}
	return append(out, "Tổng số")
}

func counts(s Summary) []string {
	var out []string
	for _, b := range Buckets() {
		out = append(out, strconv.Itoa(s.Counts[b]))
	}
	return append(out, strconv.Itoa(s.Total))
}

// percent writes n/total as a Vietnamese percentage: "37,5%".
func percent(n, total int) string {
	if total == 0 {
		return "—"
	}
	s := strconv.FormatFloat(float64(n)*100/float64(total), 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", ",", 1) + "%"
}

// oneLine folds line breaks so that a value keeps to its line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// clip shortens s to n letters, marking the cut with an ellipsis.
func clip(s string, n int) string {
	r := []rune(oneLine(s))
	if len(r) <= n {
		return string(r)
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// table aligns columns. tabwriter counts code points, so cells are put in
// NFC first: decomposed diacritics would count twice and break alignment.
type table struct{ tw *tabwriter.Writer }

func newTable(w io.Writer) table {
	return table{tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
}

func (t table) row(cells ...string) {
	for i, c := range cells {
		cells[i] = norm.NFC.String(oneLine(c)) // also folds tabs
	}
	// Errors reach the errWriter underneath, which keeps the first.
	_, _ = io.WriteString(t.tw, strings.Join(cells, "\t")+"\n")
}

func (t table) flush() { _ = t.tw.Flush() }

// errWriter keeps the first write error and skips writes after it.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, a ...any) {
	_, _ = fmt.Fprintf(e, format, a...)
}
