package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/plan"
)

// previewStats prints, per recipient, the working days with mail, the
// messages and the items of a preview over [from, to].
type previewStats struct {
	w     io.Writer
	cal   *calendar.Calendar
	stats map[string]*recipientStat
}

type recipientStat struct {
	name        string
	days        map[calendar.Date]bool
	msgs, items int
}

func newPreviewStats(w io.Writer, cal *calendar.Calendar) *previewStats {
	return &previewStats{w: w, cal: cal, stats: map[string]*recipientStat{}}
}

func (p *previewStats) add(e previewEntry) error {
	s := p.stats[e.Recipient.ID]
	if s == nil {
		s = &recipientStat{name: e.Recipient.Name, days: map[calendar.Date]bool{}}
		p.stats[e.Recipient.ID] = s
	}
	s.days[p.cal.Date(e.At)] = true
	s.msgs++
	s.items += len(e.Items)
	return nil
}

func (p *previewStats) finish(from, to time.Time) error {
	cal := p.cal
	workdays := 0
	for d := cal.Date(from); !d.After(cal.Date(to)); d = d.AddDays(1) {
		if cal.IsWorkingDay(d.In(cal.Location())) {
			workdays++
		}
	}
	tw := tabwriter.NewWriter(p.w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RECIPIENT\tNAME\tDAYS WITH MAIL\tMESSAGES\tITEMS")
	for _, id := range slices.Sorted(mapsKeys(p.stats)) {
		s := p.stats[id]
		fmt.Fprintf(tw, "%s\t%s\t%d of %d working days (%d%%)\t%d\t%d\n", id, s.name, len(s.days), workdays, percent(len(s.days), workdays), s.msgs, s.items)
	}
	return tw.Flush()
}

func (p *previewStats) close() {}

func percent(n, of int) int {
	if of == 0 {
		return 0
	}
	return (n*100 + of/2) / of
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// maxExpectTasks bounds the plans validate previews for a whole year: a
// year of a very large plan takes minutes (preview --stats does a window).
const maxExpectTasks = 5000

// expectedDigests prints, for each year of the plans, how many digests each
// recipient should get per month if nothing is ever done: what the rhythm
// (reminders.overdue_every) and the plans amount to.
func (m *Main) expectedDigests(cfg *config.Config, plans []*plan.Plan) error {
	// Each year from the earliest date of issue of its plans (a daemon
	// started then), else from 1 January.
	years := map[int]time.Time{}
	for _, p := range plans {
		start := time.Date(p.Year, time.January, 1, 0, 0, 0, 0, cfg.Location)
		if !p.Date.IsZero() && p.Date.Year() == p.Year {
			start = time.Date(p.Year, p.Date.Month(), p.Date.Day(), 0, 0, 0, 0, cfg.Location)
		}
		if old, ok := years[p.Year]; !ok || start.Before(old) {
			years[p.Year] = start
		}
	}
	tasks := tasksFromPlans(cfg.Scheduling.Calendar, plans)
	if len(tasks) > maxExpectTasks {
		fmt.Fprintf(m.stdout, "Expected digests per person: not computed for %d tasks (over %d): run preview --stats on a month.\n", len(tasks), maxExpectTasks)
		return nil
	}
	for _, y := range slices.Sorted(intKeys(years)) {
		from := years[y]
		to := time.Date(y, time.December, 31, 23, 59, 59, 0, cfg.Location)
		entries, err := preview(schedulerConfig(cfg), tasks, from, to)
		if err != nil {
			return err
		}
		counts := map[string]*[13]int{}
		var used [13]bool
		for _, e := range entries {
			c := counts[e.Recipient.ID]
			if c == nil {
				c = new([13]int)
				counts[e.Recipient.ID] = c
			}
			month := e.At.In(cfg.Location).Month()
			c[month]++
			c[0]++
			used[month] = true
		}
		fmt.Fprintf(m.stdout, "Expected digests per person and month in %d (nothing done; overdue items repeated every %d working days):\n", y, cfg.Scheduling.Policy.OverdueEvery)
		tw := tabwriter.NewWriter(m.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		head := []string{"RECIPIENT"}
		for mo := 1; mo <= 12; mo++ {
			if used[mo] {
				head = append(head, fmt.Sprintf("%02d", mo))
			}
		}
		fmt.Fprintln(tw, strings.Join(append(head, "TOTAL"), "\t")+"\t")
		for _, id := range slices.Sorted(mapsKeys(counts)) {
			row := []string{id}
			for mo := 1; mo <= 12; mo++ {
				if used[mo] {
					row = append(row, fmt.Sprint(counts[id][mo]))
				}
			}
			fmt.Fprintln(tw, strings.Join(append(row, fmt.Sprint(counts[id][0])), "\t")+"\t")
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func intKeys[V any](m map[int]V) func(func(int) bool) {
	return func(yield func(int) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
