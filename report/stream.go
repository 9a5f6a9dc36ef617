package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
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
	keys    keyArena
	batches [][]*group // groups of rows in report order
	plans   []string   // plan codes in row order
}

// group is one task's assignments, as the first pass leaves them.
type group struct {
	plan, taskID string
	task         scheduler.Task // the zero Task when unknown
	section      string
	parts        []string // the task id split at its dots
	keys         []uint32 // into the Stream's key arena, in key order
	counts       [4]int   // per bucket, in Buckets() order
	// first is the group's first row in report order (due day, then
	// occurrence, then unit): the section's name is the title of the first
	// row that has one.
	firstDue       calendar.Date
	firstOcc, unit string
}

// NewStream counts the assignments of src as Build would report them as of
// at, keeping only their keys; the Stream's writers read them again. The
// arguments are those of Build.
func NewStream(at time.Time, loc *time.Location, tasks []scheduler.Task, src Assignments, dir *org.Directory, opts ...Option) (*Stream, error) {
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
	byKey := make(map[string]*scheduler.Task, len(tasks))
	for i := range tasks {
		byKey[tasks[i].Plan.Code+"|"+tasks[i].ID] = &tasks[i]
	}
	s.Report = Report{At: at, Location: loc, People: s.n.people, Totals: newSummary("", totalsName)}
	groups := map[string]*group{}
	var order []*group // first seen first: key order
	units := map[string]int{}
	err := src.ForEachAssignment("", func(a scheduler.Assignment) error {
		s.Seen++
		if a.State == scheduler.StateArchived {
			return nil
		}
		gk := a.Plan + "|" + a.TaskID
		g := groups[gk]
		if g == nil {
			g = &group{plan: a.Plan, taskID: a.TaskID, parts: strings.Split(a.TaskID, "."), firstDue: a.DueDay, firstOcc: a.Occurrence, unit: a.Unit}
			if t := byKey[gk]; t != nil {
				g.task = *t
			}
			g.section = g.task.Section
			if g.section == "" {
				g.section = sectionOf(a.TaskID)
			}
			groups[gk] = g
			order = append(order, g)
		} else if cmp.Or(a.DueDay.Compare(g.firstDue), cmp.Compare(a.Occurrence, g.firstOcc), s.n.compareUnits(a.Unit, g.unit)) < 0 {
			g.firstDue, g.firstOcc, g.unit = a.DueDay, a.Occurrence, a.Unit
		}
		b := classify(a, at, loc)
		g.counts[bucketIndex(b)]++
		g.keys = append(g.keys, s.keys.add(a.Key))
		s.Totals.add(b)
		i, ok := units[a.Unit]
		if !ok {
			i = len(s.ByUnit)
			units[a.Unit] = i
			s.ByUnit = append(s.ByUnit, newSummary(a.Unit, s.n.unit(a.Unit)))
		}
		s.ByUnit[i].add(b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read assignments: %w", err)
	}
	slices.SortStableFunc(s.ByUnit, func(a, b Summary) int { return s.n.compareUnits(a.Key, b.Key) })
	// The order of sortRows between tasks; tasks that compare equal
	// (I.01 and I.1) share a batch, sorted together as Build sorts them.
	byTask := func(a, b *group) int {
		return cmp.Or(cmp.Compare(a.plan, b.plan), compareSection(a.section, b.section), compareTaskParts(a.parts, b.parts))
	}
	slices.SortStableFunc(order, byTask)
	for i, g := range order {
		if i > 0 && byTask(order[i-1], g) == 0 {
			last := &s.batches[len(s.batches)-1]
			*last = append(*last, g)
			continue
		}
		s.batches = append(s.batches, []*group{g})
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
			title := ""
			if len(g.task.Headings) > 0 {
				title = g.task.Headings[0]
			}
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
				sum.Counts[b] += g.counts[i]
				sum.Total += g.counts[i]
			}
		}
	}
	return out
}

// each reads the rows again, one task at a time, and calls fn with each in
// report order.
func (s *Stream) each(fn func(Row) error) error {
	var rows []Row
	var keys []uint32
	for _, batch := range s.batches {
		keys = keys[:0]
		for _, g := range batch {
			keys = append(keys, g.keys...)
		}
		if len(batch) > 1 {
			slices.Sort(keys) // the first pass's order, as Build gets them
		}
		rows = rows[:0]
		for _, k := range keys {
			key := s.keys.get(k)
			a, ok, err := s.src.Assignment(key)
			if err != nil {
				return fmt.Errorf("read assignment %s: %w", key, err)
			}
			if !ok || a.State == scheduler.StateArchived {
				return fmt.Errorf("read assignment %s: it changed while the report was written", key)
			}
			rows = append(rows, s.o.row(a, taskIn(batch, a), s.At, s.Location, s.n))
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

// taskIn returns the task of a, whose group is in batch.
func taskIn(batch []*group, a scheduler.Assignment) scheduler.Task {
	for _, g := range batch {
		if g.plan == a.Plan && g.taskID == a.TaskID {
			return g.task
		}
	}
	return scheduler.Task{}
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

// keyArena keeps many short strings in one byte slice: a key costs its
// bytes and four more, not a string header and an allocation.
type keyArena struct {
	data []byte
	ends []uint32
}

func (k *keyArena) add(s string) uint32 {
	k.data = append(k.data, s...)
	k.ends = append(k.ends, uint32(len(k.data)))
	return uint32(len(k.ends) - 1)
}

func (k *keyArena) get(i uint32) string {
	start := uint32(0)
	if i > 0 {
		start = k.ends[i-1]
	}
	return string(k.data[start:k.ends[i]])
}
