package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/scheduler"
)

// Period is one of the four periodic CCHC reports of a year.
type Period struct {
	Year   int
	Report scheduler.Report
}

// ParsePeriod reads "2024-Q1", "2024-H1", "2024-Q3" or "2024-Y" (also
// "2024"), the labels occurrences of reports carry.
func ParsePeriod(s string) (Period, error) {
	year, part, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "-")
	y, err := strconv.Atoi(year)
	if err != nil || len(year) != 4 {
		return Period{}, fmt.Errorf("period %q: want YEAR-Q1, YEAR-H1, YEAR-Q3 or YEAR-Y (the four CCHC reports), e.g. 2024-Q3", s)
	}
	for _, r := range scheduler.Reports {
		if r.Label(y) == year+"-"+part || (part == "" && r == scheduler.ReportYear) {
			return Period{Year: y, Report: r}, nil
		}
	}
	return Period{}, fmt.Errorf("period %q: %q is not Q1, H1, Q3 or Y (the four CCHC reports)", s, part)
}

// String is the period's label, "2024-Q3".
func (p Period) String() string { return p.Report.Label(p.Year) }

// Name is the period as a report's title says it: "quý III năm 2024".
func (p Period) Name() string {
	switch p.Report {
	case scheduler.ReportQ1:
		return fmt.Sprintf("quý I năm %d", p.Year)
	case scheduler.ReportH1:
		return fmt.Sprintf("6 tháng đầu năm %d", p.Year)
	case scheduler.ReportQ3:
		return fmt.Sprintf("quý III năm %d", p.Year)
	}
	return fmt.Sprintf("năm %d", p.Year)
}

// Window is the period's data window (Bộ Nội vụ 581/BNV-CCHC): from the
// 15th of the month before the period's first month to the data cut-off on
// the 14th of its last month, both included. The half-year and the year
// count from the start of the year, so they start on 15/12 of the year
// before, as the first quarter does.
func (p Period) Window() (from, cutoff calendar.Date) {
	first := time.January
	if p.Report == scheduler.ReportQ3 {
		first = time.July
	}
	start := time.Date(p.Year, first-1, 15, 0, 0, 0, 0, time.UTC) // month 0 is December of the year before
	return calendar.Date{Year: start.Year(), Month: start.Month(), Day: 15},
		calendar.Date{Year: p.Year, Month: p.Report.Month(), Day: 14}
}

// Draft is the office's draft of a periodic report: for each task, each
// lead unit's state, latest progress and evidence, and who has not
// reported in the window.
type Draft struct {
	Period       Period
	From, Cutoff calendar.Date
	At           time.Time // the moment states are taken at: the cut-off's end, or earlier
	Location     *time.Location
	Rows         []DraftRow
	Totals       Summary // assignments in the four buckets
	// NotReported are the units with an open assignment and no progress
	// note in the window, with their heads, in directory order.
	NotReported []Missing
}

// Missing is a unit that has not reported, and who heads it.
type Missing struct {
	Unit, UnitName string
	Head, HeadName string
	Tasks          []string // task ids
}

// DraftRow is one task for one lead unit.
type DraftRow struct {
	Plan, TaskID, Text, Section string
	Timeline                    string // the plan's words: "Trong năm 2024"
	Unit, UnitName              string
	// Periods are the task's occurrences of the window with their buckets,
	// in due order (one for a task with a single deadline).
	Periods []DraftPeriod
	// Progress is the latest note in the window (the done note when that is
	// the latest), with who wrote it and when; empty when none.
	Progress      string
	ProgressBy    string // person name
	ProgressAt    time.Time
	Evidence      int  // documents attached up to the moment
	NotReported   bool // open and no note in the window
	Done, Overdue bool // every period done; some period overdue
}

// DraftPeriod is one occurrence in a draft row.
type DraftPeriod struct {
	Occurrence string
	Due        calendar.Date
	Bucket     Bucket
}

// ProgressCell is the row's "Tiến độ" cell: the timeline and the due days.
func (r DraftRow) ProgressCell() string {
	var due []string
	for _, p := range r.Periods {
		due = append(due, dayText(p.Due))
	}
	s := r.Timeline
	if len(due) > 0 {
		s += " (hạn " + strings.Join(due, ", ") + ")"
	}
	return strings.TrimSpace(s)
}

// Result is the row's "Kết quả thực hiện" cell.
func (r DraftRow) Result() string {
	var parts []string
	if r.Progress != "" {
		who := ""
		if r.ProgressBy != "" {
			who = r.ProgressBy + ", "
		}
		parts = append(parts, fmt.Sprintf("%s (%s%s)", r.Progress, who, r.ProgressAt.Format("02/01/2006")))
	}
	if r.Evidence > 0 {
		parts = append(parts, fmt.Sprintf("%d tài liệu kiểm chứng", r.Evidence))
	}
	if len(parts) == 0 {
		return "Chưa có báo cáo tiến độ"
	}
	return strings.Join(parts, "; ")
}

// State is the row's "Tình trạng" cell: the bucket, per period when the
// task has several ("Hoàn thành đúng hạn: tháng 7/2024; Quá hạn chưa hoàn
// thành: tháng 8/2024"), and "chưa báo cáo" when the unit has not reported.
func (r DraftRow) State() string {
	var s string
	if len(r.Periods) == 1 {
		s = r.Periods[0].Bucket.Label()
	} else {
		var parts []string
		for _, b := range Buckets() {
			var names []string
			for _, p := range r.Periods {
				if p.Bucket == b {
					_, period, _ := strings.Cut(p.Occurrence, "@")
					names = append(names, scheduler.PeriodName(period))
				}
			}
			if len(names) > 0 {
				parts = append(parts, b.Label()+": "+strings.Join(names, ", "))
			}
		}
		s = strings.Join(parts, "; ")
	}
	if r.NotReported {
		s += " — chưa báo cáo"
	}
	return s
}

// BuildDraft builds the draft of period p as of now (the end of the
// cut-off day when now is later). An assignment belongs to the period
// unless it was done before the window or is archived; of a task with
// several occurrences (monthly, quarterly), only those due by the cut-off
// belong; a task with one deadline belongs while it runs, whatever its due
// day (a "Trong năm" task is reported at every period).
func BuildDraft(p Period, now time.Time, loc *time.Location, tasks []scheduler.Task, assignments []scheduler.Assignment, dir *org.Directory) Draft {
	from, cutoff := p.Window()
	at := cutoff.AddDays(1).In(loc).Add(-time.Second)
	if now.Before(at) {
		at = now
	}
	fromT := from.In(loc)
	byKey := make(map[string]scheduler.Task, len(tasks))
	for _, t := range tasks {
		byKey[t.Plan.Code+"|"+t.ID] = t
	}
	// Occurrences per task and unit, to tell single deadlines from series.
	series := map[string]int{}
	for _, a := range assignments {
		series[a.Plan+"|"+a.TaskID+"|"+a.Unit]++
	}
	n := newNamer(dir)
	d := Draft{Period: p, From: from, Cutoff: cutoff, At: at, Location: loc, Totals: newSummary("", totalsName)}
	rows := map[string]*DraftRow{}
	var order []string
	for _, a := range assignments {
		t, ok := byKey[a.Plan+"|"+a.TaskID]
		key := a.Plan + "|" + a.TaskID + "|" + a.Unit
		if !ok || !inDraft(a, fromT, cutoff, series[key]) {
			continue
		}
		r, ok := rows[key]
		if !ok {
			r = newDraftRow(a, t, n)
			rows[key] = r
			order = append(order, key)
		}
		b := classify(a, at, loc)
		d.Totals.add(b)
		r.add(a, b, fromT, at, n)
	}
	missing := map[string]*Missing{}
	for _, key := range order {
		r := rows[key]
		r.finish()
		if r.NotReported {
			m := missingUnit(missing, r, dir, n)
			m.Tasks = append(m.Tasks, r.TaskID)
		}
		d.Rows = append(d.Rows, *r)
	}
	slices.SortStableFunc(d.Rows, func(x, y DraftRow) int { return compareDraftRows(x, y, n) })
	d.NotReported = sortedMissing(missing, n)
	return d
}

// inDraft reports whether a belongs to the draft of the window from fromT
// to the cut-off, series being the number of occurrences of its task for
// its unit: not archived, not done before the window, and of a series,
// due by the cut-off.
func inDraft(a scheduler.Assignment, fromT time.Time, cutoff calendar.Date, series int) bool {
	if a.State == scheduler.StateArchived {
		return false
	}
	if a.State == scheduler.StateDone && !a.DoneAt.IsZero() && a.DoneAt.Before(fromT) {
		return false // done before the window: reported in an earlier period
	}
	return series <= 1 || !a.DueDay.After(cutoff) // a later period of a series is not
}

// newDraftRow is the row of a's task t for a's unit, before its periods.
func newDraftRow(a scheduler.Assignment, t scheduler.Task, n *namer) *DraftRow {
	return &DraftRow{Plan: a.Plan, TaskID: a.TaskID, Text: t.Text, Section: cmp.Or(t.Section, sectionOf(a.TaskID)),
		Timeline: t.Timeline.Text, Unit: a.Unit, UnitName: n.unit(a.Unit), Done: true}
}

// add adds a, in bucket b as of at, to its row: its period, its notes in
// the window, its done note, its evidence up to at.
func (r *DraftRow) add(a scheduler.Assignment, b Bucket, fromT, at time.Time, n *namer) {
	r.Periods = append(r.Periods, DraftPeriod{Occurrence: a.Occurrence, Due: a.DueDay, Bucket: b})
	r.Done = r.Done && b.Done()
	r.Overdue = r.Overdue || b == Overdue
	for _, note := range a.Notes {
		if !note.At.Before(fromT) && !note.At.After(at) && !note.At.Before(r.ProgressAt) {
			r.Progress, r.ProgressBy, r.ProgressAt = note.Text, n.person(note.By), note.At
		}
	}
	if b.Done() && a.Note != "" && !a.DoneAt.Before(r.ProgressAt) {
		r.Progress, r.ProgressBy, r.ProgressAt = a.Note, n.person(a.DoneBy), a.DoneAt
	}
	for _, ev := range a.Evidence {
		if !ev.At.After(at) {
			r.Evidence++
		}
	}
}

// finish orders the row's periods by due day and tells whether its unit
// has reported.
func (r *DraftRow) finish() {
	slices.SortFunc(r.Periods, func(x, y DraftPeriod) int { return x.Due.Compare(y.Due) })
	r.NotReported = !r.Done && r.ProgressAt.IsZero()
}

// compareDraftRows is the draft's order of rows: plan, section, task id,
// then unit in directory order.
func compareDraftRows(x, y DraftRow, n *namer) int {
	return cmp.Or(cmp.Compare(x.Plan, y.Plan), compareSection(x.Section, y.Section), compareTaskID(x.TaskID, y.TaskID), n.compareUnits(x.Unit, y.Unit))
}

// missingUnit is the entry of r's unit among the units that have not
// reported, added when it is the unit's first row.
func missingUnit(missing map[string]*Missing, r *DraftRow, dir *org.Directory, n *namer) *Missing {
	m, ok := missing[r.Unit]
	if !ok {
		m = &Missing{Unit: r.Unit, UnitName: r.UnitName}
		if dir != nil {
			if u, ok := dir.Unit(r.Unit); ok && u.Head != "" {
				m.Head, m.HeadName = u.Head, n.person(u.Head)
			}
		}
		missing[r.Unit] = m
	}
	return m
}

// sortedMissing lists the units that have not reported in directory order.
func sortedMissing(missing map[string]*Missing, n *namer) []Missing {
	var out []Missing
	for _, m := range missing {
		out = append(out, *m)
	}
	slices.SortFunc(out, func(x, y Missing) int { return n.compareUnits(x.Unit, y.Unit) })
	return out
}

// dayText is a day as dd/mm/yyyy.
func dayText(d calendar.Date) string { return fmt.Sprintf("%02d/%02d/%d", d.Day, int(d.Month), d.Year) }
