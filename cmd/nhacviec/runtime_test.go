package main

import (
	"slices"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/scheduler"
)

// TestAppliedChanges: the reload's log says what Sync changed, one line
// per task and kind of change, counting the units that share it.
func TestAppliedChanges(t *testing.T) {
	hcm := time.FixedZone("ICT", 7*3600)
	d := func(m time.Month, day int) calendar.Date { return calendar.Date{Year: 2024, Month: m, Day: day} }
	at := func(m time.Month, day int) *scheduler.Pending {
		return &scheduler.Pending{At: time.Date(2024, m, day, 8, 0, 0, 0, hcm), Step: "reminder-3"}
	}
	a := func(task, unit string, due calendar.Date, next *scheduler.Pending, st scheduler.State) scheduler.Assignment {
		return scheduler.Assignment{Key: task + "|" + unit, TaskID: task, Occurrence: task + "@2024", Unit: unit, DueDay: due, Next: next, State: st}
	}
	open := scheduler.StateOpen
	changes := []scheduler.Change{
		{Before: a("III.2.1", "vp", d(12, 31), at(12, 26), open), After: a("III.2.1", "vp", d(11, 29), at(11, 26), open)},
		{Before: a("I.5", "vp", d(12, 31), at(12, 26), open), After: a("I.5", "vp", d(12, 31), at(12, 24), open)},
		{Before: a("I.5", "qltm", d(12, 31), at(12, 26), open), After: a("I.5", "qltm", d(12, 31), at(12, 24), open)},
		{Before: a("II.1", "qltm", d(12, 31), at(12, 26), open), After: a("II.1", "qltm", d(12, 31), nil, scheduler.StateArchived)},
	}
	got := appliedChanges(changes)
	want := []string{
		"I.5: next step reminder-3 2024-12-26 08:00 → reminder-3 2024-12-24 08:00 (2 assignments)",
		"II.1: II.1@2024 archived (task, occurrence or unit gone)",
		"III.2.1: due 2024-12-31 → 2024-11-29",
	}
	if !slices.Equal(got, want) {
		t.Errorf("appliedChanges:\n%q\nwant\n%q", got, want)
	}
}

// TestRestartOnly names the sections whose change waits for a restart.
func TestRestartOnly(t *testing.T) {
	a, err := config.Load("../../examples/nhacviec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := config.Load("../../examples/nhacviec.yaml")
	b.Delivery.Admin, b.HTTP.Listen, b.Office = "gd", "127.0.0.1:1", "khtc"
	if got := restartOnly(a, b); !slices.Equal(got, []string{"http"}) {
		t.Errorf("restartOnly = %v, want [http] (the admin and the office apply at once)", got)
	}
	if got := restartOnly(a, a); len(got) != 0 {
		t.Errorf("restartOnly of the same config = %v", got)
	}
}
