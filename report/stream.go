package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/internal/keyarena"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/scheduler"
)

// Assignments is a consistent view of the stored assignments that a
// streamed report reads twice: once in full, to count and order them, then
// one at a time by key, in the report's order. A scheduler.Tx is one.
type Assignments interface {
	// ForEachAssignment calls fn for every assignment of the plan ("" for
	// all), in key order.
	ForEachAssignment(plan string, fn func(scheduler.Assignment) error) error
	Assignment(key string) (scheduler.Assignment, bool, error)
}

// TaskLookup finds a task by plan code and task id; NewStream asks once
// per task that has assignments.
type TaskLookup func(plan, id string) (scheduler.Task, bool)

// Lookup is the TaskLookup of tasks (the last of equal identities wins,
// as in Build).
func Lookup(tasks []scheduler.Task) TaskLookup {
	byKey := make(map[string]*scheduler.Task, len(tasks))
	for i := range tasks {
		byKey[tasks[i].Plan.Code+"|"+tasks[i].ID] = &tasks[i]
	}
	return func(plan, id string) (scheduler.Task, bool) {
		if t := byKey[plan+"|"+id]; t != nil {
			return *t, true
		}
		return scheduler.Task{}, false
	}
}

// Stream is the report of Build read from a store without holding its
// rows: NewStream counts every assignment in one pass and keeps, per
// assignment, only its key; the writers then read the assignments again
// one task at a time, in the report's order, and write each row as it
// comes. The summaries are those of Build; Rows stays empty.
//
// A Stream reads from its source until the last writer returns: the source
// (a read transaction) must stay open that long.
type Stream struct {
	// Report holds the moment and the summaries; Rows is nil.
	Report
	// Seen counts the assignments read, archived ones included.
	Seen int

	src     Assignments
	o       options
	n       *namer
	keys    keyarena.Arena
	batches [][]*group // groups of rows in report order
	plans   []string   // plan codes in row order
}

// group is one task's assignments, as the first pass leaves them: at
// 100,000 tasks every byte here counts, so strings are shared (taskID is
// part of gk, plan and unit are interned) and the task is what rows show.
type group struct {
	gk      string // plan|task id: the prefix of its keys
	seq     int32  // the order in which the first pass met it
	plan    string // interned
	task    taskInfo
	section string
	parts   []string       // the task id split at its dots
	keys    []keyarena.Ref // in the Stream's arena, without gk; in key order
	counts  [4]int32       // per bucket, in Buckets() order
	// first is the group's first row in report order (due day, then
	// occurrence, then unit): the section's name is the title of the first
	// row that has one.
	firstDue       calendar.Date
	firstOcc, unit string
}

func (g *group) taskID() string { return g.gk[len(g.plan)+1:] }

func (g *group) title() string { return g.task.title }

// taskInfo is what a row shows of its task; zero when the task is unknown.
type taskInfo struct{ section, title, text string }

func newTaskInfo(t scheduler.Task) taskInfo {
	i := taskInfo{section: t.Section, text: t.Text}
	if len(t.Headings) > 0 {
		i.title = t.Headings[0]
	}
	return i
}

// asTask is the task as newRow reads it.
func (i taskInfo) asTask() scheduler.Task {
	var t scheduler.Task
	t.Section, t.Text = i.section, i.text
	if i.title != "" {
		t.Headings = []string{i.title}
	}
	return t
}

// NewStream counts the assignments of src as Build would report them as of
// at, keeping only their keys; the Stream's writers read them again. The
// arguments are those of Build, the tasks as a lookup (Lookup(tasks)).
func NewStream(at time.Time, loc *time.Location, tasks TaskLookup, src Assignments, dir *org.Directory, opts ...Option) (*Stream, error) {
	if loc == nil {
		loc = at.Location()
	}
	s := &Stream{src: src, n: newNamer(dir)}
	for _, opt := range opts {
		opt(&s.o)
	}
	if s.o.cal == nil {
		s.o.cal, _ = calendar.New(calendar.Config{Location: loc}) // cannot fail without years
	}
	s.Report = Report{At: at, Location: loc, People: s.n.people, Totals: newSummary("", totalsName)}
	groups := map[string]*group{}
	var order []*group           // first seen first: key order
	units := map[string]int{}    // unit id → index in ByUnit
	plans := map[string]string{} // interned plan codes
	err := src.ForEachAssignment("", func(a scheduler.Assignment) error {
		s.Seen++
		if a.State == scheduler.StateArchived {
			return nil
		}
		unit, ok := units[a.Unit]
		if !ok {
			unit = len(s.ByUnit)
			units[a.Unit] = unit
			s.ByUnit = append(s.ByUnit, newSummary(a.Unit, s.n.unit(a.Unit)))
		}
		plan, ok := plans[a.Plan]
		if !ok {
			plan = a.Plan
			plans[plan] = plan
		}
		gk := a.Plan + "|" + a.TaskID
		g := groups[gk]
		if g == nil {
			g = &group{gk: gk, seq: int32(len(order)), plan: plan, firstDue: a.DueDay, firstOcc: a.Occurrence, unit: s.ByUnit[unit].Key}
			g.parts = strings.Split(g.taskID(), ".")
			if t, ok := tasks(a.Plan, a.TaskID); ok {
				g.task = newTaskInfo(t)
			}
			g.section = g.task.section
			if g.section == "" {
				g.section = sectionOf(g.taskID())
			}
			groups[gk] = g
			order = append(order, g)
		} else if cmp.Or(a.DueDay.Compare(g.firstDue), cmp.Compare(a.Occurrence, g.firstOcc), s.n.compareUnits(a.Unit, g.unit)) < 0 {
			g.firstDue, g.firstOcc, g.unit = a.DueDay, a.Occurrence, s.ByUnit[unit].Key
		}
		b := classify(a, at, loc)
		g.counts[bucketIndex(b)]++
		g.keys = append(g.keys, s.keys.Add(gk, a.Key))
		s.Totals.add(b)
		s.ByUnit[unit].add(b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read assignments: %w", err)
	}
	slices.SortStableFunc(s.ByUnit, func(a, b Summary) int { return s.n.compareUnits(a.Key, b.Key) })
	s.batches = batchByTask(order, func(g *group) taskPlace {
		return taskPlace{plan: g.plan, section: g.section, parts: g.parts, seq: g.seq}
	})
	for _, b := range s.batches {
		g := b[0]
		if len(s.plans) == 0 || s.plans[len(s.plans)-1] != g.plan {
			s.plans = append(s.plans, g.plan)
		}
	}
	s.BySection = s.sectionSummaries()
	return s, nil
}

// sectionSummaries sums the groups by plan and section as
// sectionSummaries sums sorted rows: a section is named after the first of
// its rows, in report order, whose task has a title.
func (s *Stream) sectionSummaries() []Summary {
	multi := len(s.plans) > 1
	var out []Summary
	var plan, section string
	for _, batch := range s.batches {
		if len(batch) > 1 {
			batch = slices.Clone(batch)
			slices.SortStableFunc(batch, func(a, b *group) int {
				return cmp.Or(a.firstDue.Compare(b.firstDue), cmp.Compare(a.firstOcc, b.firstOcc), s.n.compareUnits(a.unit, b.unit))
			})
		}
		for _, g := range batch {
			title := g.title()
			if len(out) == 0 || g.plan != plan || g.section != section {
				plan, section = g.plan, g.section
				key := g.section
				if multi {
					key = g.plan + " " + g.section
				}
				out = append(out, newSummary(key, title))
			}
			sum := &out[len(out)-1]
			if sum.Name == "" {
				sum.Name = title
			}
			for i, b := range Buckets() {
				sum.Counts[b] += int(g.counts[i])
				sum.Total += int(g.counts[i])
			}
		}
	}
	return out
}

// each reads the rows again, one task at a time, and calls fn with each in
// report order.
func (s *Stream) each(fn func(Row) error) error {
	type ref struct {
		g *group
		k keyarena.Ref
	}
	var rows []Row
	var refs []ref
	for _, batch := range s.batches {
		refs = refs[:0]
		for _, g := range batch {
			for _, k := range g.keys {
				refs = append(refs, ref{g, k})
			}
		}
		if len(batch) > 1 { // the first pass's order, as Build gets them
			slices.SortFunc(refs, func(a, b ref) int { return cmp.Compare(a.k, b.k) })
		}
		rows = rows[:0]
		for _, r := range refs {
			key := s.keys.Get(r.g.gk, r.k)
			a, ok, err := s.src.Assignment(key)
			if err != nil {
				return fmt.Errorf("read assignment %s: %w", key, err)
			}
			if !ok || a.State == scheduler.StateArchived {
				return fmt.Errorf("read assignment %s: it changed while the report was written", key)
			}
			rows = append(rows, s.o.row(a, r.g.task.asTask(), s.At, s.Location, s.n))
		}
		slices.SortStableFunc(rows, func(a, b Row) int { return compareRows(a, b, s.n) })
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		clear(rows) // let the rows' strings go before the next task
	}
	return nil
}

// WriteCSV writes the report as Report.WriteCSV does, reading the rows as
// it goes.
func (s *Stream) WriteCSV(w io.Writer) error { return writeCSV(w, &s.Report, s.each) }

// WriteXLSX writes the report as Report.WriteXLSX does, reading the rows
// as it goes.
func (s *Stream) WriteXLSX(w io.Writer) error { return writeXLSX(w, &s.Report, s.each) }

// WriteText writes the report as Report.WriteText does, reading the rows
// twice (the overdue, then the late).
func (s *Stream) WriteText(w io.Writer) error {
	count := func(b Bucket) int { return s.Totals.Counts[b] }
	return writeText(w, &s.Report, s.plans, count, s.each)
}

func bucketIndex(b Bucket) int {
	switch b {
	case DoneOnTime:
		return 0
	case DoneLate:
		return 1
	case OpenInTime:
		return 2
	}
	return 3
}
