package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/scheduler"
)

// TestWeeklyTitleAsReport: the weekly summary's title counted from the
// compact state is the one report.Build and Report.Weekly give on the
// assignments preview used to hold (the open ones due by the moment's
// day, then the done ones), on random states: open, done on time, late,
// after the moment or without a time, archived, several units of a task,
// two plans.
func TestWeeklyTitleAsReport(t *testing.T) {
	cfg, err := (&Main{configPath: newEnv(t).config, getenv: func(string) string { return "" }}).loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	loc := cfg.Location
	rng := rand.New(rand.NewPCG(12, 7))
	base := time.Date(2025, 3, 10, 8, 0, 0, 0, loc)
	var checked, overdue, done int
	for round := range 40 {
		st := scheduler.NewMemStore()
		if round%2 == 0 {
			st.Lean()
		}
		err := st.Update(func(tx scheduler.Tx) error {
			for i := range 20 + rng.IntN(200) {
				plan := []string{"60/KH-SCT", "12/KH-SCT"}[rng.IntN(2)]
				task := fmt.Sprintf("I.%d", 1+rng.IntN(12))
				occ := fmt.Sprintf("%s@2025-%02d", task, 1+rng.IntN(6))
				unit := fmt.Sprintf("u%d", i%4)
				a := scheduler.Assignment{Key: scheduler.AssignmentKey(plan, occ, unit), Plan: plan, TaskID: task, Occurrence: occ, Unit: unit,
					DueDay: calendar.DateOf(base).AddDays(rng.IntN(40) - 25), State: scheduler.StateOpen}
				switch rng.IntN(5) {
				case 0, 1:
					a.State = scheduler.StateDone
					a.DoneAt = base.Add(time.Duration(rng.IntN(40*24)-30*24) * time.Hour)
					if rng.IntN(10) == 0 {
						a.DoneAt = time.Time{}
					}
				case 2:
					if rng.IntN(3) == 0 {
						a.State = scheduler.StateArchived
					}
				}
				if err := tx.PutAssignment(a); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		to := base.AddDate(0, 0, 20)
		ws, err := previewWeeklyState(cfg, st, to)
		if err != nil {
			t.Fatal(err)
		}
		var open, doneAs []scheduler.Assignment
		err = st.View(func(tx scheduler.Tx) error {
			err := tx.ForEachOpen(calendar.DateOf(to), func(a scheduler.Assignment) error {
				open = append(open, a)
				return nil
			})
			if err != nil {
				return err
			}
			return tx.ForEachDoneSince(time.Time{}, func(a scheduler.Assignment) error {
				doneAs = append(doneAs, a)
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		for range 6 {
			at := base.Add(time.Duration(rng.IntN(20*24)-4*24) * time.Hour)
			since := at.AddDate(0, 0, -7)
			day := calendar.DateOf(at)
			n, _ := slices.BinarySearchFunc(open, day, func(a scheduler.Assignment, d calendar.Date) int {
				if a.DueDay.After(d) {
					return 1
				}
				return -1
			})
			as := append(open[:n:n], doneAs...)
			r := report.Build(at, loc, nil, as, cfg.Directory, report.WithCalendar(cfg.Scheduling.Calendar))
			want, _ := r.Weekly(since)
			if got := ws.title(at, since, loc); got != want {
				t.Fatalf("round %d at %s: title %q, the report's %q", round, at, got, want)
			}
			checked++
			overdue += r.Totals.Counts[report.Overdue]
			done += r.Totals.Counts[report.DoneLate] + r.Totals.Counts[report.DoneOnTime]
		}
	}
	if overdue == 0 || done == 0 {
		t.Errorf("the states had %d overdue and %d done rows: not a test of both", overdue, done)
	}
	t.Logf("%d titles, %d overdue and %d done rows", checked, overdue, done)
}

// TestWeeklyRecipient: the weekly summaries go to the office's head, and
// none go (preview reads no state for them) when reports.weekly is off or
// the office has no head.
func TestWeeklyRecipient(t *testing.T) {
	cfg, err := (&Main{configPath: newEnv(t).config, getenv: func(string) string { return "" }}).loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	if to, ok := weeklyRecipient(cfg); !ok || to.ID != "chanh-vp" {
		t.Errorf("the example's weekly summaries go to %q (%v), want chanh-vp", to.ID, ok)
	}
	office := cfg.Office
	cfg.Office = "no-such-unit"
	if to, ok := weeklyRecipient(cfg); ok {
		t.Errorf("an office not in the directory gets them: %q", to.ID)
	}
	cfg.Office, cfg.Scheduling.Weekly = office, nil
	if to, ok := weeklyRecipient(cfg); ok {
		t.Errorf("reports.weekly off, yet they go to %q", to.ID)
	}
}
