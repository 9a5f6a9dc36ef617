package report

import (
	"fmt"
	"strings"
	"time"
)

// Weekly is the weekly summary sent to Văn phòng Sở: a title and a body in
// Vietnamese, with the four buckets, the completions of the week (who, when)
// and the overdue count per unit.
func (r Report) Weekly(since time.Time) (title, body string) {
	loc := r.Location
	done := 0
	var b strings.Builder
	fmt.Fprintf(&b, "Tiến độ thực hiện kế hoạch CCHC tính đến %s:\n", r.At.In(loc).Format("15:04 02/01/2006"))
	for _, k := range Buckets() {
		fmt.Fprintf(&b, "- %s: %d\n", k.Label(), r.Totals.Counts[k])
	}
	var lines []string
	for _, row := range r.Rows {
		if row.Bucket.Done() && !row.DoneAt.Before(since) {
			done++
			who := row.DoneByName
			if who == "" {
				who = row.DoneBy
			}
			lines = append(lines, fmt.Sprintf("- [%s] %s — %s — hoàn thành %s (%s)", row.Occurrence, row.Text, row.UnitName,
				row.DoneAt.In(loc).Format("02/01/2006"), who))
		}
	}
	fmt.Fprintf(&b, "\nHoàn thành trong tuần (%d):\n", done)
	if done == 0 {
		b.WriteString("- Không có.\n")
	}
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	b.WriteString("\nQuá hạn chưa hoàn thành theo đơn vị:\n")
	any := false
	for _, u := range r.ByUnit {
		if n := u.Counts[Overdue]; n > 0 {
			fmt.Fprintf(&b, "- %s: %d\n", u.Name, n)
			any = true
		}
	}
	if !any {
		b.WriteString("- Không có.\n")
	}
	title = fmt.Sprintf("Tổng hợp tiến độ CCHC tuần: %d hoàn thành trong tuần, %d quá hạn", done, r.Totals.Counts[Overdue])
	return title, b.String()
}
