package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/scheduler"
)

// DraftLate is how long after its moment a draft is still sent (a daemon
// that was stopped over the cut-off sends it when it starts again); later
// than that it is history, which `nhacviec report --period` gives.
const DraftLate = 14 * 24 * time.Hour

// DraftMoment is when the draft of p goes to the office: the first working
// moment after its data cut-off day, so the draft holds the whole 14th.
func (p Period) DraftMoment(cal *calendar.Calendar) time.Time {
	_, cut := p.Window()
	return cal.NextWorkingMoment(cut.AddDays(1).In(cal.Location()))
}

// DraftDue returns the period whose draft moment is the latest at or
// before now, when it is at most DraftLate ago, and the next draft moment
// after now.
func DraftDue(now time.Time, cal *calendar.Calendar) (due Period, ok bool, next time.Time) {
	y := cal.Date(now).Year
	for year := y - 1; year <= y+1; year++ {
		for _, r := range scheduler.Reports {
			p := Period{Year: year, Report: r}
			at := p.DraftMoment(cal)
			if at.After(now) {
				if next.IsZero() || at.Before(next) {
					next = at
				}
				continue
			}
			if now.Sub(at) <= DraftLate {
				due, ok = p, true
			}
		}
	}
	return due, ok, next
}

// DraftTitle is the draft message's subject: "Dự thảo báo cáo CCHC quý III
// năm 2024".
func (d Draft) DraftTitle() string { return "Dự thảo báo cáo CCHC " + d.Period.Name() }

// Summary is the draft in a few lines for a message: the window, the four
// buckets and the units that have not reported.
func (d Draft) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Dự thảo báo cáo kết quả thực hiện nhiệm vụ CCHC %s: số liệu từ ngày %s đến ngày %s, tình trạng tính đến %s.\n",
		d.Period.Name(), dayText(d.From), dayText(d.Cutoff), d.At.In(d.Location).Format("15:04 ngày 02/01/2006"))
	b.WriteString("\nTổng hợp (lượt đơn vị chủ trì):\n")
	for _, k := range Buckets() {
		fmt.Fprintf(&b, "- %s: %d\n", k.Label(), d.Totals.Counts[k])
	}
	fmt.Fprintf(&b, "- Tổng số: %d\n", d.Totals.Total)
	if len(d.NotReported) == 0 {
		b.WriteString("\nTất cả các đơn vị đã báo cáo tiến độ.\n")
		return b.String()
	}
	fmt.Fprintf(&b, "\nĐơn vị chưa báo cáo tiến độ: %d\n", len(d.NotReported))
	for _, m := range d.NotReported {
		head := ""
		if m.HeadName != "" {
			head = " (" + m.HeadName + ")"
		}
		fmt.Fprintf(&b, "- %s%s: %d nhiệm vụ\n", m.UnitName, head, len(m.Tasks))
	}
	return b.String()
}
