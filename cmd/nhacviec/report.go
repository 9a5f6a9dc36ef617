package main

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

func (m *Main) cmdReport(ctx context.Context, args []string) error {
	fs := m.flagSet("report")
	format := fs.String("format", "text", "`FORMAT`: text, csv or xlsx (with --period: text, html or xlsx)")
	periodS := fs.String("period", "", "the office's draft of the periodic CCHC report of `PERIOD` (2024-Q1, 2024-H1, 2024-Q3, 2024-Y)")
	atS := fs.String("at", "", "progress as of `DATE` (YYYY-MM-DD[THH:MM]); default now")
	out := fs.String("o", "", "write to `FILE` instead of stdout (required for xlsx)")
	nowS := fs.String("now", "", "set the clock to `TIME`")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	var period report.Period
	if *periodS != "" {
		var err error
		if period, err = report.ParsePeriod(*periodS); err != nil {
			return usagef("report: --%v", err)
		}
		if *atS != "" {
			return usagef("report: --period takes its moment from the period's cut-off; leave out --at")
		}
	}
	switch {
	case *format == "text", *format == "csv" && *periodS == "", *format == "html" && *periodS != "":
	case *format == "xlsx":
		if *out == "" {
			return usagef("report: --format xlsx needs -o FILE")
		}
	case *periodS != "":
		return usagef("report: --format %q is not text, html or xlsx for a --period draft", *format)
	default:
		return usagef("report: --format %q is not text, csv or xlsx", *format)
	}
	cfg, err := m.loadConfig()
	if err != nil {
		return err
	}
	if err := m.clockFlag(*nowS, cfg, nil); err != nil {
		return err
	}
	at := m.now()
	if *atS != "" {
		if at, err = parseNow(*atS, cfg.Location); err != nil {
			return err
		}
		if len(*atS) == len("2006-01-02") {
			at = at.AddDate(0, 0, 1).Add(-1) // the end of that day
		}
	}
	db, closeDB, err := m.openForRead(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	if *periodS != "" {
		// The draft streams too: the assignments read once to sum them,
		// then again one task at a time by key as the rows are written.
		tasks, err := draftTasks(db)
		if err != nil {
			return err
		}
		return m.writeReport(*out, func(w io.Writer) error {
			return db.Scheduler().View(func(tx scheduler.Tx) error {
				d, err := report.NewDraftStream(period, m.now(), cfg.Location, tasks, newReleasingTx(tx, db), cfg.Directory)
				if err != nil {
					return err
				}
				if d.Seen == 0 {
					m.noAssignments()
				}
				switch *format {
				case "html":
					return d.WriteHTML(w)
				case "xlsx":
					return d.WriteXLSX(w)
				}
				return d.WriteText(w)
			})
		})
	}
	// The progress report streams: one read transaction, the assignments
	// counted in a first pass, then read again one task at a time as the
	// rows are written (the daemon's 100,000 tasks × 5 units would take
	// gigabytes as a Report).
	tasks, err := reportTasks(db)
	if err != nil {
		return err
	}
	return m.writeReport(*out, func(w io.Writer) error {
		return db.Scheduler().View(func(tx scheduler.Tx) error {
			s, err := report.NewStream(at, cfg.Location, tasks, newReleasingTx(tx, db), cfg.Directory, report.WithCalendar(cfg.Scheduling.Calendar))
			if err != nil {
				return err
			}
			if s.Seen == 0 {
				m.noAssignments()
			}
			switch *format {
			case "csv":
				return s.WriteCSV(w)
			case "xlsx":
				return s.WriteXLSX(w)
			}
			return s.WriteText(w)
		})
	})
}

// reportTasks returns the active tasks with what the progress report
// shows of them (section, its title, text): at 100,000 tasks the full
// records would be the largest thing the report holds.
func reportTasks(db *store.DB) (report.TaskLookup, error) {
	type shown struct{ section, title, text string }
	byKey := map[string]shown{}
	err := db.ForEachTask("", func(r store.TaskRecord) error {
		if r.Archived {
			return nil
		}
		t := shown{section: r.Section, text: r.Text}
		if len(r.Headings) > 0 {
			t.title = r.Headings[0]
		}
		byKey[r.Key()] = t
		return nil
	})
	return func(planCode, id string) (scheduler.Task, bool) {
		s, ok := byKey[store.TaskKey(planCode, id)]
		if !ok {
			return scheduler.Task{}, false
		}
		t := scheduler.Task{Plan: scheduler.PlanInfo{Code: planCode}}
		t.ID, t.Section, t.Text = id, s.section, s.text
		if s.title != "" {
			t.Headings = []string{s.title}
		}
		return t, true
	}, err
}

// draftTasks returns the active tasks with what the report draft shows of
// them (section, timeline, text), not their full records.
func draftTasks(db *store.DB) (report.TaskLookup, error) {
	type shown struct{ section, timeline, text string }
	byKey := map[string]shown{}
	timelines := map[string]string{} // a few phrases, shared by many tasks
	err := db.ForEachTask("", func(r store.TaskRecord) error {
		if r.Archived {
			return nil
		}
		tl, ok := timelines[r.Timeline.Text]
		if !ok {
			tl = r.Timeline.Text
			timelines[tl] = tl
		}
		byKey[r.Key()] = shown{section: r.Section, timeline: tl, text: r.Text}
		return nil
	})
	return func(planCode, id string) (scheduler.Task, bool) {
		s, ok := byKey[store.TaskKey(planCode, id)]
		if !ok {
			return scheduler.Task{}, false
		}
		t := scheduler.Task{Plan: scheduler.PlanInfo{Code: planCode}}
		t.ID, t.Section, t.Text, t.Timeline.Text = id, s.section, s.text, s.timeline
		return t, true
	}, err
}

func (m *Main) noAssignments() {
	fmt.Fprintln(m.stderr, "nhacviec: the database holds no assignments yet: the daemon plans them (nhacviec run)")
}

// writeReport writes what write writes to the file out (atomically), or to
// stdout when out is empty.
func (m *Main) writeReport(out string, write func(io.Writer) error) error {
	if out == "" {
		bw := bufio.NewWriterSize(m.stdout, 64<<10)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	if err := store.WriteFileAtomicWith(out, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 64<<10)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}); err != nil {
		return err
	}
	fmt.Fprintf(m.stderr, "Report written to %s.\n", out)
	return nil
}
