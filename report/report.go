// Package report builds the progress report of the plan tasks as of a
// moment: every assignment in one of the four buckets provincial
// task-tracking systems use (done on time, done late, not done but within
// the deadline, overdue), summed by section and by unit, and written as
// text, CSV or an Excel workbook for Văn phòng Sở.
//
// The package only reads values: the caller loads tasks and assignments
// from the store and passes the moment explicitly.
package report

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/scheduler"
)

// Row is one assignment as of the report's moment.
type Row struct {
	Plan         string // plan code: "60/KH-SCT"
	TaskID       string // "III.2.1"
	Occurrence   string // "III.2.1@2024"
	Section      string // Roman numeral: "III"
	SectionTitle string // title of the section (the task's first heading)
	Unit         string // unit id
	UnitName     string // unit name, the id when the unit is unknown
	Text         string // the task's text
	Due          calendar.Date
	Bucket       Bucket
	// DaysLate is, in working days, how long an overdue assignment is
	// overdue as of the report's moment, or how late a done-late one was
	// done; 0 otherwise.
	DaysLate int
	// DoneAt, DoneBy, DoneVia and Note are the done mark; they are empty
	// when the assignment was not done as of the report's moment.
	DoneAt     time.Time
	DoneBy     string // person id
	DoneByName string // person name, the id when the person is unknown
	DoneVia    string // "telegram", "cli", …
	Note       string
	// Notes and Evidence are those made up to the report's moment.
	Notes    []scheduler.Note
	Evidence []scheduler.Evidence
}

// Summary counts the rows of one section, one unit, or all rows.
type Summary struct {
	Key    string // section numeral ("III"), unit id, or "" for the totals
	Name   string // section title, unit name, or "Tổng cộng"
	Counts map[Bucket]int
	Total  int
}

// Report is the progress of every non-archived assignment as of At.
type Report struct {
	At       time.Time
	Location *time.Location // where due days end and times are shown
	Rows     []Row
	// BySection is in section order (I, II, …); when the rows come from
	// several plans, Key is "plan section" and sections are grouped by plan.
	BySection []Summary
	// ByUnit is in the directory's unit order, unknown units last.
	ByUnit []Summary
	Totals Summary
	// People maps the person ids of the rows (done marks, notes, evidence)
	// to their names, so the writers can show names.
	People map[string]string
}

// totalsName is the name of the totals summary.
const totalsName = "Tổng cộng"

// Option adjusts Build.
type Option func(*options)

type options struct{ cal *calendar.Calendar }

// WithCalendar counts working days on cal, the department's calendar with
// its official days off. Without it, Build uses the statutory holidays
// alone (computed from the lunar calendar), which the government's yearly
// announcements may shift.
func WithCalendar(cal *calendar.Calendar) Option { return func(o *options) { o.cal = cal } }

// Build reports every assignment that is not archived as of at. Done
// assignments count as done on time when marked done before the end of
// their due day in loc, late otherwise; a done mark after at is ignored.
// Open assignments are in time until the end of their due day, overdue
// after. A nil loc means at's location; a nil dir shows ids for names.
func Build(at time.Time, loc *time.Location, tasks []scheduler.Task, assignments []scheduler.Assignment, dir *org.Directory, opts ...Option) Report {
	if loc == nil {
		loc = at.Location()
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.cal == nil {
		o.cal, _ = calendar.New(calendar.Config{Location: loc}) // cannot fail without years
	}
	byKey := make(map[string]scheduler.Task, len(tasks))
	for _, t := range tasks {
		byKey[t.Plan.Code+"|"+t.ID] = t
	}
	n := newNamer(dir)
	rows := make([]Row, 0, len(assignments))
	for _, a := range assignments {
		if a.State == scheduler.StateArchived {
			continue
		}
		rows = append(rows, o.row(a, byKey[a.Plan+"|"+a.TaskID], at, loc, n))
	}
	rows = sortRows(rows, n)
	r := Report{At: at, Location: loc, Rows: rows, People: n.people}
	r.BySection = sectionSummaries(rows)
	r.ByUnit = unitSummaries(rows, n)
	r.Totals = newSummary("", totalsName)
	for _, row := range rows {
		r.Totals.add(row.Bucket)
	}
	return r
}

// row makes the row of a as of at, with its working days late.
func (o *options) row(a scheduler.Assignment, t scheduler.Task, at time.Time, loc *time.Location, n *namer) Row {
	row := newRow(a, t, at, loc, n)
	if row.Due.Valid() {
		switch row.Bucket {
		case Overdue:
			row.DaysLate = o.cal.WorkingDaysBetween(row.Due.In(loc), at)
		case DoneLate:
			row.DaysLate = o.cal.WorkingDaysBetween(row.Due.In(loc), row.DoneAt)
		}
	}
	return row
}

// newRow makes the row of a as of at. t is the zero Task when the task is
// unknown: the section then comes from the task id.
func newRow(a scheduler.Assignment, t scheduler.Task, at time.Time, loc *time.Location, n *namer) Row {
	row := Row{
		Plan: a.Plan, TaskID: a.TaskID, Occurrence: a.Occurrence, Section: t.Section,
		Unit: a.Unit, UnitName: n.unit(a.Unit), Text: t.Text, Due: a.DueDay,
		Bucket: classify(a, at, loc),
	}
	if row.Section == "" {
		row.Section = sectionOf(a.TaskID)
	}
	if len(t.Headings) > 0 {
		row.SectionTitle = t.Headings[0]
	}
	// The note goes with the done mark: a reopened assignment keeps the
	// note of its undone mark, which no longer holds.
	if row.Bucket.Done() {
		row.DoneAt, row.DoneBy, row.DoneVia, row.Note = a.DoneAt, a.DoneBy, a.DoneVia, a.Note
		row.DoneByName = n.person(a.DoneBy)
	}
	for _, note := range a.Notes {
		if !note.At.After(at) {
			row.Notes = append(row.Notes, note)
			n.person(note.By)
		}
	}
	for _, ev := range a.Evidence {
		if !ev.At.After(at) {
			row.Evidence = append(row.Evidence, ev)
			n.person(ev.By)
		}
	}
	return row
}

// sortRows sorts rows as compareRows orders them, stably. It splits each
// task id once and moves indices, not rows: a year of 50,000 assignments
// sorts in a fraction of the time of comparing rows directly.
func sortRows(rows []Row, n *namer) []Row {
	parts := map[string][]string{}
	type key struct {
		ids           []string
		section, unit int // Roman value (0: none); unit rank (-1: unknown)
	}
	keys := make([]key, len(rows))
	idx := make([]int, len(rows))
	for i := range rows {
		r := &rows[i]
		p, ok := parts[r.TaskID]
		if !ok {
			p = strings.Split(r.TaskID, ".")
			parts[r.TaskID] = p
		}
		unit, known := n.rank[r.Unit]
		if !known {
			unit = -1
		}
		keys[i], idx[i] = key{ids: p, section: roman(r.Section), unit: unit}, i
	}
	// The same order as compareSection and namer.compareUnits, on the
	// values computed once above.
	section := func(i, j int) int {
		ra, rb := keys[i].section, keys[j].section
		switch {
		case ra > 0 && rb > 0:
			return cmp.Compare(ra, rb)
		case ra > 0:
			return -1
		case rb > 0:
			return 1
		}
		return strings.Compare(rows[i].Section, rows[j].Section)
	}
	unit := func(i, j int) int {
		ua, ub := keys[i].unit, keys[j].unit
		switch {
		case ua >= 0 && ub >= 0:
			return cmp.Compare(ua, ub)
		case ua >= 0:
			return -1
		case ub >= 0:
			return 1
		}
		return cmp.Compare(rows[i].Unit, rows[j].Unit)
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		a, b := &rows[i], &rows[j]
		return cmp.Or(cmp.Compare(a.Plan, b.Plan), section(i, j), compareTaskParts(keys[i].ids, keys[j].ids),
			a.Due.Compare(b.Due), cmp.Compare(a.Occurrence, b.Occurrence), unit(i, j))
	})
	out := make([]Row, len(rows))
	for k, i := range idx {
		out[k] = rows[i]
	}
	return out
}

// compareRows orders rows by plan, section (Roman order), task id (numeric
// order), due day and occurrence, then unit in directory order.
func compareRows(a, b Row, n *namer) int {
	if c := cmp.Compare(a.Plan, b.Plan); c != 0 {
		return c
	}
	if c := compareSection(a.Section, b.Section); c != 0 {
		return c
	}
	if c := compareTaskID(a.TaskID, b.TaskID); c != 0 {
		return c
	}
	if c := a.Due.Compare(b.Due); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Occurrence, b.Occurrence); c != 0 {
		return c
	}
	return n.compareUnits(a.Unit, b.Unit)
}

// newSummary returns a summary with every bucket at zero.
func newSummary(key, name string) Summary {
	s := Summary{Key: key, Name: name, Counts: make(map[Bucket]int, 4)}
	for _, b := range Buckets() {
		s.Counts[b] = 0
	}
	return s
}

func (s *Summary) add(b Bucket) {
	s.Counts[b]++
	s.Total++
}

// sectionSummaries sums sorted rows by plan and section, in row order.
func sectionSummaries(rows []Row) []Summary {
	multi := false
	for _, r := range rows {
		multi = multi || r.Plan != rows[0].Plan
	}
	var out []Summary
	for i, r := range rows {
		if i == 0 || r.Plan != rows[i-1].Plan || r.Section != rows[i-1].Section {
			key := r.Section
			if multi {
				key = r.Plan + " " + r.Section
			}
			out = append(out, newSummary(key, r.SectionTitle))
		}
		s := &out[len(out)-1]
		if s.Name == "" {
			s.Name = r.SectionTitle
		}
		s.add(r.Bucket)
	}
	return out
}

// unitSummaries sums rows by unit, in directory order.
func unitSummaries(rows []Row, n *namer) []Summary {
	index := map[string]int{}
	var out []Summary
	for _, r := range rows {
		i, ok := index[r.Unit]
		if !ok {
			i = len(out)
			index[r.Unit] = i
			out = append(out, newSummary(r.Unit, r.UnitName))
		}
		out[i].add(r.Bucket)
	}
	slices.SortStableFunc(out, func(a, b Summary) int { return n.compareUnits(a.Key, b.Key) })
	return out
}
