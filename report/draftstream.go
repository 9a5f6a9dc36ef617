package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/scheduler"
)

// DraftAssignments is a consistent view of the stored assignments that a
// streamed draft reads: every assignment once in key order, then one
// task's at a time, in the draft's order. A scheduler.Tx is one.
type DraftAssignments interface {
	// ForEachAssignment calls fn for every assignment of the plan ("" for
	// all), in key order.
	ForEachAssignment(plan string, fn func(scheduler.Assignment) error) error
	// ForEachTaskAssignment calls fn for every assignment of one task of a
	// plan, in key order.
	ForEachTaskAssignment(plan, task string, fn func(scheduler.Assignment) error) error
}

// DraftStream is the draft of BuildDraft read from a store without holding
// its rows: NewDraftStream reads every assignment once, one task at a
// time, to sum the buckets and find the units that have not reported,
// keeping a small entry per task; the writers then read each task's
// assignments again by key, in the draft's order, and write its rows as
// they come. The totals and NotReported are those of BuildDraft; Rows
// stays empty.
//
// A DraftStream reads from its source until the last writer returns: the
// source (a read transaction) must stay open that long.
type DraftStream struct {
	// Draft holds the period, the moment, the totals and the units that
	// have not reported; Rows is nil.
	Draft
	// Count is the number of rows; Seen counts the assignments read in the
	// first pass, archived ones included.
	Count, Seen int

	src     DraftAssignments
	tasks   TaskLookup
	n       *namer
	fromT   time.Time
	batches [][]*draftTask // tasks in the draft's order; equal ones together
}

// draftTask is one task with rows in the draft, as the first pass leaves
// it.
type draftTask struct {
	plan, id, section string
	parts             []string // the id split at its dots
	seq               int32    // the order in which the first pass met it
	rows              int32
}

// NewDraftStream reads the assignments of src as BuildDraft would report
// them for period p as of now; the DraftStream's writers read them again.
// The arguments are those of BuildDraft, the tasks as a lookup of the
// active ones (Lookup(tasks)).
func NewDraftStream(p Period, now time.Time, loc *time.Location, tasks TaskLookup, src DraftAssignments, dir *org.Directory) (*DraftStream, error) {
	from, cutoff := p.Window()
	at := cutoff.AddDays(1).In(loc).Add(-time.Second)
	if now.Before(at) {
		at = now
	}
	s := &DraftStream{src: src, tasks: tasks, n: newNamer(dir), fromT: from.In(loc),
		Draft: Draft{Period: p, From: from, Cutoff: cutoff, At: at, Location: loc, Totals: newSummary("", totalsName)}}
	missing := map[string]*Missing{}
	plans := map[string]string{} // interned plan codes
	var order []*draftTask
	var run []scheduler.Assignment // the assignments of one task
	flush := func() {
		if len(run) == 0 {
			return
		}
		a := run[0]
		rows := s.taskRows(a.Plan, a.TaskID, run)
		clear(run)
		run = run[:0]
		if len(rows) == 0 {
			return
		}
		plan, ok := plans[a.Plan]
		if !ok {
			plan = a.Plan
			plans[plan] = plan
		}
		t := &draftTask{plan: plan, id: a.TaskID, section: rows[0].Section, parts: strings.Split(a.TaskID, "."),
			seq: int32(len(order)), rows: int32(len(rows))}
		order = append(order, t)
		s.Count += len(rows)
		for _, r := range rows {
			for _, per := range r.Periods {
				s.Totals.add(per.Bucket)
			}
			if r.NotReported {
				m := missingUnit(missing, r, dir, s.n)
				m.Tasks = append(m.Tasks, t.id)
			}
		}
	}
	// A task's assignments come together in key order (plan|id@period|unit):
	// each run is one task.
	err := src.ForEachAssignment("", func(a scheduler.Assignment) error {
		s.Seen++
		if len(run) > 0 && (run[0].Plan != a.Plan || run[0].TaskID != a.TaskID) {
			flush()
		}
		run = append(run, a)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read assignments: %w", err)
	}
	flush()
	s.NotReported = sortedMissing(missing, s.n)
	s.batches = batchByTask(order, func(t *draftTask) taskPlace {
		return taskPlace{plan: t.plan, section: t.section, parts: t.parts, seq: t.seq}
	})
	return s, nil
}

// taskRows are the rows of one task, from all its assignments in key
// order, as BuildDraft makes them: in the order their units first come,
// finished; none when the task is not active.
func (s *DraftStream) taskRows(plan, id string, as []scheduler.Assignment) []*DraftRow {
	t, ok := s.tasks(plan, id)
	if !ok {
		return nil
	}
	series := map[string]int{}
	for _, a := range as {
		series[a.Unit]++
	}
	var rows []*DraftRow
	for _, a := range as {
		if !inDraft(a, s.fromT, s.Cutoff, series[a.Unit]) {
			continue
		}
		i := slices.IndexFunc(rows, func(r *DraftRow) bool { return r.Unit == a.Unit })
		if i < 0 {
			i = len(rows)
			rows = append(rows, newDraftRow(a, t, s.n))
		}
		rows[i].add(a, classify(a, s.At, s.Location), s.fromT, s.At, s.n)
	}
	for _, r := range rows {
		r.finish()
	}
	return rows
}

// each reads the rows again, one task at a time, and calls fn with each in
// the draft's order.
func (s *DraftStream) each(fn func(DraftRow) error) error {
	var as []scheduler.Assignment
	var rows []DraftRow
	for _, batch := range s.batches {
		rows = rows[:0]
		for _, t := range batch {
			as = as[:0]
			err := s.src.ForEachTaskAssignment(t.plan, t.id, func(a scheduler.Assignment) error {
				as = append(as, a)
				return nil
			})
			if err != nil {
				return fmt.Errorf("read assignments of %s %s: %w", t.plan, t.id, err)
			}
			got := s.taskRows(t.plan, t.id, as)
			if len(got) != int(t.rows) {
				return fmt.Errorf("read assignments of %s %s: %d rows, %d in the first pass (they changed while the draft was written)", t.plan, t.id, len(got), t.rows)
			}
			for _, r := range got {
				rows = append(rows, *r)
			}
			clear(as)
		}
		slices.SortStableFunc(rows, func(x, y DraftRow) int { return compareDraftRows(x, y, s.n) })
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		clear(rows) // let the rows' strings go before the next task
	}
	return nil
}

// WriteText writes the draft as Draft.WriteText does, reading the rows as
// it goes.
func (s *DraftStream) WriteText(w io.Writer) error { return s.writeText(w, s.Count, s.each) }

// WriteHTML writes the draft as Draft.WriteHTML does, reading the rows as
// it goes.
func (s *DraftStream) WriteHTML(w io.Writer) error { return s.writeHTML(w, s.Count, s.each) }

// WriteXLSX writes the draft as Draft.WriteXLSX does, reading the rows as
// it goes.
func (s *DraftStream) WriteXLSX(w io.Writer) error { return s.writeXLSX(w, s.each) }
