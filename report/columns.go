package report

import (
	"strconv"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/scheduler"
)

// Layouts of dates and times as readers see them (Vietnamese order), and
// as CSV cells (ISO 8601, which Excel reads as dates in every locale).
const (
	viDate    = "02/01/2006"
	viTime    = "02/01/2006 15:04"
	isoDate   = "2006-01-02"
	isoMinute = "2006-01-02 15:04"
)

// cellKind says how a detail column is written to a spreadsheet.
type cellKind int

const (
	kindText cellKind = iota
	kindLong          // long text: wrapped
	kindDate          // a day
	kindTime          // a moment
)

// column is one column of the detail table (CSV and sheet "Chi tiết").
type column struct {
	header string
	width  float64 // in characters, for the spreadsheet
	kind   cellKind
	text   func(r *Report, row Row) string
	// when is the value of date and time columns; zero means empty.
	when func(r *Report, row Row) time.Time
}

// detailColumns are the columns of one row per assignment.
func detailColumns() []column {
	return []column{
		{header: "Kế hoạch", width: 12, text: func(_ *Report, w Row) string { return w.Plan }},
		{header: "Mục", width: 6, text: func(_ *Report, w Row) string { return w.Section }},
		{header: "Tên mục", width: 30, kind: kindLong, text: func(_ *Report, w Row) string { return w.SectionTitle }},
		{header: "Mã nhiệm vụ", width: 12, text: func(_ *Report, w Row) string { return w.TaskID }},
		{header: "Kỳ", width: 10, text: func(_ *Report, w Row) string { return period(w) }},
		{header: "Nội dung nhiệm vụ", width: 60, kind: kindLong, text: func(_ *Report, w Row) string { return w.Text }},
		{header: "Mã đơn vị", width: 10, text: func(_ *Report, w Row) string { return w.Unit }},
		{header: "Đơn vị chủ trì", width: 28, text: func(_ *Report, w Row) string { return w.UnitName }},
		{header: "Hạn", width: 12, kind: kindDate,
			text: func(_ *Report, w Row) string { return dateText(w, isoDate) },
			when: func(r *Report, w Row) time.Time { return dueTime(r, w) }},
		{header: "Tình trạng", width: 26, text: func(_ *Report, w Row) string { return w.Bucket.Label() }},
		{header: "Số ngày làm việc quá hạn", width: 12, text: func(_ *Report, w Row) string { return daysLateText(w) }},
		{header: "Thời điểm hoàn thành", width: 18, kind: kindTime,
			text: func(r *Report, w Row) string { return timeText(r, w.DoneAt, isoMinute) },
			when: func(r *Report, w Row) time.Time { return inLoc(r, w.DoneAt) }},
		{header: "Người xác nhận", width: 22, text: func(_ *Report, w Row) string { return w.DoneByName }},
		{header: "Qua kênh", width: 12, text: func(_ *Report, w Row) string { return viaLabel(w.DoneVia) }},
		{header: "Ghi chú hoàn thành", width: 30, kind: kindLong, text: func(_ *Report, w Row) string { return w.Note }},
		{header: "Ghi chú tiến độ", width: 40, kind: kindLong, text: func(r *Report, w Row) string { return strings.Join(r.noteLines(w), "\n") }},
		{header: "Tài liệu kiểm chứng", width: 40, kind: kindLong, text: func(r *Report, w Row) string { return strings.Join(r.evidenceLines(w), "\n") }},
	}
}

// period is the occurrence's period as people name it ("tháng 9/2024"),
// without the task id that the row shows in its own column.
func period(w Row) string {
	if p, ok := strings.CutPrefix(w.Occurrence, w.TaskID+"@"); ok {
		return scheduler.PeriodName(p)
	}
	return w.Occurrence
}

// daysLateText is DaysLate for late and overdue rows, empty for the others.
func daysLateText(w Row) string {
	if w.Bucket != Overdue && w.Bucket != DoneLate {
		return ""
	}
	return strconv.Itoa(w.DaysLate)
}

func dateText(w Row, layout string) string {
	if !w.Due.Valid() {
		return ""
	}
	return w.Due.In(time.UTC).Format(layout)
}

func dueTime(r *Report, w Row) time.Time {
	if !w.Due.Valid() {
		return time.Time{}
	}
	return w.Due.In(r.loc())
}

// loc is where the report shows times.
func (r *Report) loc() *time.Location {
	if r.Location != nil {
		return r.Location
	}
	return r.At.Location()
}

func inLoc(r *Report, t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(r.loc())
}

func timeText(r *Report, t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(r.loc()).Format(layout)
}

// person returns the name of a person id as the report knows it.
func (r *Report) person(id string) string {
	if name, ok := r.People[id]; ok && name != "" {
		return name
	}
	return id
}

// noteLines renders each progress note: "01/10/2024 09:00, Nguyễn Văn A: text".
func (r *Report) noteLines(w Row) []string {
	out := make([]string, 0, len(w.Notes))
	for _, n := range w.Notes {
		out = append(out, joinNonEmpty(", ", timeText(r, n.At, viTime), r.person(n.By))+": "+n.Text)
	}
	return out
}

// evidenceLines renders each evidence document:
// "bao-cao.pdf (Nguyễn Văn A, 01/10/2024 09:00) [evidence/…/bao-cao.pdf]".
func (r *Report) evidenceLines(w Row) []string {
	out := make([]string, 0, len(w.Evidence))
	for _, e := range w.Evidence {
		s := e.Name
		if who := joinNonEmpty(", ", r.person(e.By), timeText(r, e.At, viTime)); who != "" {
			s += " (" + who + ")"
		}
		if e.Path != "" {
			s += " [" + e.Path + "]"
		}
		out = append(out, s)
	}
	return out
}

// viaLabel names the channel of a done mark for readers.
func viaLabel(via string) string {
	switch via {
	case "telegram":
		return "Telegram"
	case "email":
		return "e-mail"
	case "cli":
		return "dòng lệnh"
	}
	return via
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}
