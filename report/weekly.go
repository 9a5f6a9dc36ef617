package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/scheduler"
)

// Weekly is the weekly summary sent to Văn phòng Sở: a title and a body in
// Vietnamese, with the four buckets, the completions of the week (who, when)
// and the overdue count per unit. The title counts tasks, with the lead
// units' assignments in brackets when they differ ("27 nhiệm vụ quá hạn
// (47 lượt đơn vị)"), as every digest's subject does.
func (r Report) Weekly(since time.Time) (title, body string) {
	title, body, _ = weekly(&r, since, r.each) // r.each fails only when fn does
	return title, body
}

// Weekly is Report.Weekly of the streamed report, reading its rows as it
// goes (the daemon's summary at 100,000 tasks would otherwise hold every
// assignment and row).
func (s *Stream) Weekly(since time.Time) (title, body string, err error) {
	return weekly(&s.Report, since, s.each)
}

// weekly is Weekly of r, whose rows each gives in report order.
func weekly(r *Report, since time.Time, each func(func(Row) error) error) (title, body string, err error) {
	loc := r.Location
	doneTasks, overdueTasks := map[string]bool{}, map[string]bool{}
	var b strings.Builder
	fmt.Fprintf(&b, "Tiến độ thực hiện kế hoạch CCHC tính đến %s (tính theo lượt đơn vị chủ trì):\n", r.At.In(loc).Format("15:04 02/01/2006"))
	for _, k := range Buckets() {
		fmt.Fprintf(&b, "- %s: %d\n", k.Label(), r.Totals.Counts[k])
	}
	var lines []string
	err = each(func(row Row) error {
		if row.Bucket == Overdue {
			overdueTasks[row.Plan+"|"+row.TaskID] = true
		}
		if row.Bucket.Done() && !row.DoneAt.Before(since) {
			doneTasks[row.Plan+"|"+row.TaskID] = true
			who := row.DoneByName
			if who == "" {
				who = row.DoneBy
			}
			lines = append(lines, fmt.Sprintf("- %s %s — %s — hoàn thành %s (%s)", scheduler.OccurrenceName(row.Occurrence), row.Text, row.UnitName,
				row.DoneAt.In(loc).Format("02/01/2006"), who))
		}
		return nil
	})
	if err != nil {
		return "", "", err
	}
	fmt.Fprintf(&b, "\nHoàn thành trong tuần (%s):\n", countTasks(len(doneTasks), len(lines)))
	if len(lines) == 0 {
		b.WriteString("- Không có.\n")
	}
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	b.WriteString("\nQuá hạn chưa hoàn thành theo đơn vị (lượt):\n")
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
	title = fmt.Sprintf("Tổng hợp tiến độ CCHC tuần: %s hoàn thành trong tuần, %s quá hạn",
		countTasks(len(doneTasks), len(lines)), countTasks(len(overdueTasks), r.Totals.Counts[Overdue]))
	return title, b.String(), nil
}

// countTasks is "3 nhiệm vụ", or "3 nhiệm vụ (5 lượt đơn vị)" when the
// tasks' lead units make more assignments than tasks.
func countTasks(tasks, assignments int) string {
	if assignments == tasks {
		return fmt.Sprintf("%d nhiệm vụ", tasks)
	}
	return fmt.Sprintf("%d nhiệm vụ (%d lượt đơn vị)", tasks, assignments)
}
