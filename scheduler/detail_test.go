package scheduler

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/plan"
)

// TestDetailKeepsWhatPreviewPrints: with Detail set, Fire sends the same
// messages to the same people at the same moments, their items with the
// same kind, assignment, task, occurrence, unit, due moment, level and
// copy mark (and the same titles and working days with DetailTitles),
// through reminders, due days, escalations, copies to coordinating units,
// completions and a catch-up; it leaves out IDs, footers, texts and the
// lead units of copies.
func TestDetailKeepsWhatPreviewPrints(t *testing.T) {
	run := func(d Detail) []*notify.Message {
		e := detailEngine(t, NewMemStore(), d)
		coord := oneTask("I.2", "Trong năm 2024", "qlcn")
		coord.CoordIDs = []string{"vp", "qltm"}
		tasks := []Task{oneTask("I.1", "Trong năm 2024", "vp"), oneTask("I.5", "Trong năm 2024", "cac-phong"),
			oneTask("I.4.1", "Hằng tháng", "qlcn"), coord,
			{Plan: plan60, Task: plan.Task{ID: "I.6", Section: "I", Text: "Báo cáo", Timeline: plan.ParseTimeline("Hằng quý"), LeadIDs: []string{"qltm"}, CoordIDs: []string{"qlcn"}}}}
		if _, err := e.Sync(tasks, at(2024, 11, 1, 9, 0)); err != nil {
			t.Fatal(err)
		}
		msgs := runFrom(t, e, at(2024, 11, 1, 9, 0), at(2024, 12, 20, 17, 0))
		if _, err := e.Complete(AssignmentKey(plan60.Code, "I.1@2024", "vp"), "chanh-vp", "cli", "", at(2024, 12, 20, 18, 0)); err != nil {
			t.Fatal(err)
		}
		// After a downtime: a catch-up, then the weeks after.
		return append(msgs, runFrom(t, e, at(2025, 1, 6, 10, 0), at(2025, 2, 28, 17, 0))...)
	}
	project := func(msgs []*notify.Message, titles bool) []string {
		var out []string
		for _, m := range msgs {
			s := fmt.Sprintf("%s %s %s %s", m.At.Format("2006-01-02 15:04"), m.To.ID, m.Channel, m.Kind)
			if titles {
				s += " " + m.Title
			}
			for _, it := range m.Items {
				s += fmt.Sprintf("\n  %s %s %s %s %s %s L%d copy=%v", it.Kind, it.Assignment, it.TaskID, it.Occurrence, it.Unit, it.Due, it.Level, it.Copy)
				if titles {
					s += fmt.Sprintf(" wd=%d", it.WorkingDays)
				}
			}
			out = append(out, s)
		}
		return out
	}
	full := run(DetailFull)
	kinds := map[notify.Kind]bool{}
	copies := 0
	for _, m := range full {
		for _, it := range m.Items {
			kinds[it.Kind] = true
			if it.Copy && len(it.Leads) > 0 {
				copies++
			}
		}
	}
	for _, k := range []notify.Kind{notify.KindReminder, notify.KindDue, notify.KindOverdue, notify.KindEscalation, notify.KindDone} {
		if !kinds[k] {
			t.Fatalf("no %s item: the scenario tests too little", k)
		}
	}
	if copies == 0 {
		t.Fatal("no copy with its lead units: the scenario tests too little")
	}
	for _, d := range []Detail{DetailTitles, DetailItems} {
		brief := run(d)
		titles := d == DetailTitles
		if got, want := project(brief, titles), project(full, titles); !slices.Equal(got, want) {
			t.Errorf("detail %d:\n%s\nwant\n%s", d, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		for _, m := range brief {
			if m.ID != "" || m.Footer != "" || titles != (m.Title != "") {
				t.Fatalf("detail %d: a message with ID %q, footer %q, title %q", d, m.ID, m.Footer, m.Title)
			}
			for _, it := range m.Items {
				if it.Text != "" || len(it.Leads) > 0 {
					t.Fatalf("detail %d: an item with text %q and leads %v", d, it.Text, it.Leads)
				}
			}
		}
	}
}
