package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// streamFixture imports the example plan, archives a task by importing a
// copy without it, and writes assignments of every kind into the real
// database: open, done on time and late (by a configured person and an
// unknown id), with notes and evidence, archived, and one of the archived
// task.
func streamFixture(t *testing.T) (*env, *config.Config) {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	if _, errOut, code := e.run(t, ctx, "import"); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	cfg, err := config.Load(e.config)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(cfg.DatabasePath(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A second plan, with one of its tasks archived by a re-import.
	src, err := os.ReadFile(filepath.Join(e.dir, "ke-hoach-60-KH-SCT-2024-phu-luc-I.txt"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Parse(bytes.NewReader(src), "copy.txt")
	if err != nil {
		t.Fatal(err)
	}
	p.Code = "61/KH-SCT"
	if _, err := db.ImportPlan(p); err != nil {
		t.Fatal(err)
	}
	gone := p.Tasks[3].ID
	p.Tasks = append(p.Tasks[:3:3], p.Tasks[4:]...)
	if _, err := db.ImportPlan(p); err != nil {
		t.Fatal(err)
	}
	recs, err := db.Tasks("")
	if err != nil {
		t.Fatal(err)
	}
	loc := cfg.Location
	err = db.Scheduler().Update(func(tx scheduler.Tx) error {
		for i, r := range recs {
			for j, unit := range []string{"vp", "qlcn", "la-" + fmt.Sprint(i%3)} {
				for m := time.September; m <= time.November; m++ {
					occ := fmt.Sprintf("%s@2024-%02d", r.ID, m)
					a := scheduler.Assignment{Key: scheduler.AssignmentKey(r.Plan, occ, unit), Plan: r.Plan, TaskID: r.ID,
						Occurrence: occ, Unit: unit, DueDay: calendar.Date{Year: 2024, Month: m, Day: 10 + i%15}, State: scheduler.StateOpen}
					switch (i + j + int(m)) % 5 {
					case 0:
						a.State, a.DoneAt, a.DoneBy, a.DoneVia, a.Note = scheduler.StateDone, time.Date(2024, m, 8, 9, 0, 0, 0, loc), "chanh-vp", "telegram", "xong"
						a.Evidence = []scheduler.Evidence{{Name: "bao-cao.pdf", Path: "evidence/bao-cao.pdf", By: "chanh-vp", At: a.DoneAt}}
					case 1:
						a.State, a.DoneAt, a.DoneBy, a.DoneVia = scheduler.StateDone, time.Date(2024, m, 28, 16, 0, 0, 0, loc), "telegram:42", "web"
					case 2:
						a.Notes = []scheduler.Note{{Text: "=đang làm, 50%", By: "tp-qlcn", At: time.Date(2024, m, 5, 8, 0, 0, 0, loc)}}
					case 3:
						if i%7 == 0 {
							a.State = scheduler.StateArchived
						}
					}
					if err := tx.PutAssignment(a); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(recs, func(r store.TaskRecord) bool { return r.Plan == "61/KH-SCT" && r.ID == gone && r.Archived }) {
		t.Fatalf("task %s of 61/KH-SCT is not archived", gone)
	}
	return e, cfg
}

// tasksBefore is `nhacviec tasks` as it was before it streamed: every
// task and every assignment in memory, then the output. It is the oracle
// of TestTasksStreamsTheSameOutput.
func tasksBefore(t *testing.T, cfg *config.Config, planCode string, all, asJSON bool) string {
	t.Helper()
	db, err := store.Open(cfg.DatabasePath(), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	recs, err := db.Tasks(planCode)
	if err != nil {
		t.Fatal(err)
	}
	assignments, err := db.Assignments("")
	if err != nil {
		t.Fatal(err)
	}
	byTask := map[string][]assignmentView{}
	for _, a := range assignments {
		if a.State == "archived" {
			continue
		}
		av := assignmentView{Key: a.Key, Occurrence: a.Occurrence, Unit: a.Unit, Due: a.DueDay.String(), State: string(a.State),
			DoneBy: a.DoneBy, DoneVia: a.DoneVia, Note: a.Note, Evidence: len(a.Evidence)}
		if !a.DoneAt.IsZero() {
			at := a.DoneAt
			av.DoneAt = &at
			av.DoneByName = personName(cfg, db, a.DoneBy)
		}
		k := store.TaskKey(a.Plan, a.TaskID)
		byTask[k] = append(byTask[k], av)
	}
	views := make([]taskView, 0, len(recs))
	for _, r := range recs {
		if r.Archived && !all {
			continue
		}
		v := newTaskView(r)
		v.Assignments = byTask[r.Key()]
		if v.Assignments == nil {
			v.Assignments = []assignmentView{}
		}
		views = append(views, v)
	}
	var out bytes.Buffer
	if asJSON {
		enc := json.NewEncoder(&out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(views); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	tw := tabwriter.NewWriter(&out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PLAN\tID\tTIMELINE\tKIND\tLEAD\tCOORD\tSTATUS\tDONE\tOUTPUT")
	for _, v := range views {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.Plan, v.ID, orDash(v.Timeline.Text), v.Timeline.Kind,
			strings.Join(v.LeadIDs, ","), orDash(strings.Join(v.CoordIDs, ",")), v.Status, doneSummary(v.Assignments), orDash(truncate(v.Output, 60)))
	}
	tw.Flush()
	return out.String()
}

func TestTasksStreamsTheSameOutput(t *testing.T) {
	e, cfg := streamFixture(t)
	for _, c := range []struct {
		args     []string
		planCode string
		all      bool
		asJSON   bool
	}{
		{[]string{"--json"}, "", false, true},
		{[]string{"--json", "--all"}, "", true, true},
		{[]string{"--json", "--all", "--plan", "61/KH-SCT"}, "61/KH-SCT", true, true},
		{[]string{"--json", "--plan", "none"}, "none", false, true},
		{nil, "", false, false},
		{[]string{"--all", "--plan", "60/KH-SCT"}, "60/KH-SCT", true, false},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			want := tasksBefore(t, cfg, c.planCode, c.all, c.asJSON)
			got, errOut, code := e.run(t, context.Background(), append([]string{"tasks"}, c.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if got != want {
				t.Errorf("output differs from the materialised one\ngot:\n%.3000s\nwant:\n%.3000s", got, want)
			}
		})
	}
	// The fixture has what the comparison must cover.
	out, _, _ := e.run(t, context.Background(), "tasks", "--json", "--all")
	for _, s := range []string{`"status": "archived"`, `"done_by_name": "`, `"done_by": "telegram:42"`, `"evidence": 1`, `"plan": "61/KH-SCT"`} {
		if !strings.Contains(out, s) {
			t.Errorf("tasks --json --all lacks %s", s)
		}
	}
}

func TestReportStreamsTheSameOutput(t *testing.T) {
	e, cfg := streamFixture(t)
	at := time.Date(2024, 10, 15, 0, 0, 0, 0, cfg.Location).AddDate(0, 0, 1).Add(-1) // --at 2024-10-15
	db, err := store.Open(cfg.DatabasePath(), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := storedTasks(cfg.Scheduling.Calendar, db)
	if err != nil {
		t.Fatal(err)
	}
	as, err := db.Assignments("")
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	r := report.Build(at, cfg.Location, tasks, as, cfg.Directory, report.WithCalendar(cfg.Scheduling.Calendar))
	if len(r.Rows) < 300 || r.Totals.Counts[report.DoneLate] == 0 || r.Totals.Counts[report.Overdue] == 0 {
		t.Fatalf("the fixture is too thin: %d rows, %v", len(r.Rows), r.Totals.Counts)
	}
	for _, format := range []string{"csv", "text"} {
		t.Run(format, func(t *testing.T) {
			var want bytes.Buffer
			write := r.WriteCSV
			if format == "text" {
				write = r.WriteText
			}
			if err := write(&want); err != nil {
				t.Fatal(err)
			}
			got, errOut, code := e.run(t, context.Background(), "report", "--format", format, "--at", "2024-10-15")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if got != want.String() {
				t.Errorf("report --format %s differs from the materialised one\ngot:\n%.2000s\nwant:\n%.2000s", format, got, want.String())
			}
		})
	}
	t.Run("xlsx", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "r.xlsx")
		if _, errOut, code := e.run(t, context.Background(), "report", "--format", "xlsx", "--at", "2024-10-15", "-o", path); code != 0 {
			t.Fatalf("exit: %s", errOut)
		}
		var want bytes.Buffer
		if err := r.WriteXLSX(&want); err != nil {
			t.Fatal(err)
		}
		got, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer got.Close()
		exp, err := excelize.OpenReader(&want)
		if err != nil {
			t.Fatal(err)
		}
		defer exp.Close()
		for _, sheet := range []string{report.SheetSummary, report.SheetDetail} {
			g, err1 := got.GetRows(sheet)
			w, err2 := exp.GetRows(sheet)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if len(g) != len(w) || !reflect.DeepEqual(g, w) {
				t.Errorf("sheet %s differs (%d rows, want %d)", sheet, len(g), len(w))
			}
		}
	})
}

// TestTaskKeysInAddedOrder: keys of a task that come apart from its first
// run (the store never sends them so) are kept too, in the order added.
func TestTaskKeysInAddedOrder(t *testing.T) {
	var k taskKeys
	want := map[string][]string{}
	add := func(task string, n int) {
		for range n {
			key := fmt.Sprintf("%s@%d|vp", task, len(want[task]))
			want[task] = append(want[task], key)
			k.add(task, key)
		}
	}
	add("P|I.1", 3)
	add("P|I.2", 2)
	add("P|I.1", 2) // apart
	add("P|I.3", 1)
	add("P|I.1", 1) // apart again
	add("P|I.2", 1)
	for i := range 40000 { // across the arena's chunks
		add(fmt.Sprintf("P|II.%d", i), 5)
	}
	for task, keys := range want {
		if got := k.of(task); !slices.Equal(got, keys) {
			t.Fatalf("keys of %s = %q, want %q", task, got, keys)
		}
	}
	if got := k.of("P|none"); len(got) != 0 {
		t.Errorf("keys of an unknown task = %q", got)
	}
}

// draftBefore is the draft of `report --period` as it was before it
// streamed: every task and every assignment in memory, then BuildDraft.
// It is the oracle of TestReportDraftStreamsTheSameOutput.
func draftBefore(t *testing.T, cfg *config.Config, period string, now time.Time) report.Draft {
	t.Helper()
	p, err := report.ParsePeriod(period)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(cfg.DatabasePath(), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tasks, err := storedTasks(cfg.Scheduling.Calendar, db)
	if err != nil {
		t.Fatal(err)
	}
	as, err := db.Assignments("")
	if err != nil {
		t.Fatal(err)
	}
	return report.BuildDraft(p, now, cfg.Location, tasks, as, cfg.Directory)
}

func TestReportDraftStreamsTheSameOutput(t *testing.T) {
	e, cfg := streamFixture(t)
	now := time.Date(2024, 12, 20, 9, 30, 0, 0, cfg.Location) // --now 2024-12-20T09:30
	for _, period := range []string{"2024-Q3", "2024-Y", "2025-Q1"} {
		t.Run(period, func(t *testing.T) {
			d := draftBefore(t, cfg, period, now)
			if period == "2024-Q3" {
				// The fixture has what the comparison must cover.
				c := d.Totals.Counts
				if len(d.Rows) < 50 || len(d.NotReported) < 2 || c[report.DoneOnTime] == 0 || c[report.Overdue] == 0 ||
					!slices.ContainsFunc(d.Rows, func(r report.DraftRow) bool { return r.Progress != "" && r.Evidence > 0 }) ||
					!slices.ContainsFunc(d.Rows, func(r report.DraftRow) bool { return r.Plan == "61/KH-SCT" }) {
					t.Fatalf("the fixture is too thin: %d rows, %d units not reported, %v", len(d.Rows), len(d.NotReported), c)
				}
			}
			for _, format := range []string{"text", "html", "xlsx"} {
				t.Run(format, func(t *testing.T) {
					var want bytes.Buffer
					write := map[string]func(io.Writer) error{"text": d.WriteText, "html": d.WriteHTML, "xlsx": d.WriteXLSX}[format]
					if err := write(&want); err != nil {
						t.Fatal(err)
					}
					path := filepath.Join(t.TempDir(), "du-thao."+format)
					args := []string{"report", "--period", period, "--format", format, "-o", path, "--now", "2024-12-20T09:30"}
					if _, errOut, code := e.run(t, context.Background(), args...); code != 0 {
						t.Fatalf("exit %d: %s", code, errOut)
					}
					got, err := os.ReadFile(path)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got, want.Bytes()) {
						t.Errorf("report --period %s --format %s differs from the materialised draft\ngot:\n%.2000s\nwant:\n%.2000s", period, format, got, want.String())
					}
				})
			}
		})
	}
}
