package report

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sct-langson/nhacviec/scheduler"
)

// sliceSource serves assignments as the store does: in key order, and a
// task's by the prefix of its keys.
type sliceSource []scheduler.Assignment

func newSliceSource(as []scheduler.Assignment) sliceSource {
	s := slices.Clone(as)
	for i := range s {
		s[i].Key = scheduler.AssignmentKey(s[i].Plan, s[i].Occurrence, s[i].Unit)
	}
	slices.SortFunc(s, func(a, b scheduler.Assignment) int { return strings.Compare(a.Key, b.Key) })
	return s
}

func (s sliceSource) ForEachAssignment(_ string, fn func(scheduler.Assignment) error) error {
	for _, a := range s {
		if err := fn(a); err != nil {
			return err
		}
	}
	return nil
}

func (s sliceSource) ForEachTaskAssignment(plan, task string, fn func(scheduler.Assignment) error) error {
	for _, a := range s {
		if strings.HasPrefix(a.Key, plan+"|"+task+"@") {
			if err := fn(a); err != nil {
				return err
			}
		}
	}
	return nil
}

// TestDraftStreamEqualsBuildDraft: the streamed draft has BuildDraft's
// totals, units that have not reported and rows, in its order, also for
// task ids that compare equal (III.2.1 and III.02.1, their rows sorted
// together by unit), a second plan, a task no longer active and a series.
func TestDraftStreamEqualsBuildDraft(t *testing.T) {
	tasks, assignments, dir := draftFixture(t)
	twin := tasks[0]
	twin.ID, twin.Text = "III.02.1", "Nhiệm vụ số viết khác"
	other := tasks[1]
	other.Plan.Code = "61/KH-SCT"
	tasks = append(tasks, twin, other)
	for _, u := range []string{"vp", "khtc", "qlcn"} {
		a := scheduler.Assignment{Plan: plan60, TaskID: "III.02.1", Occurrence: "III.02.1@2024", Unit: u, DueDay: day(2024, 9, 10), State: scheduler.StateOpen}
		if u == "khtc" {
			a.Notes = []scheduler.Note{{Text: "Đang làm", By: "tp-khtc", At: at(2024, 9, 1, 8, 0)}}
		}
		assignments = append(assignments, a)
		b := a
		b.Plan, b.TaskID, b.Occurrence = "61/KH-SCT", "VII.2.1", "VII.2.1@2024-08"
		assignments = append(assignments, b)
	}
	assignments = append(assignments, scheduler.Assignment{Plan: plan60, TaskID: "IX.1", Occurrence: "IX.1@2024", Unit: "vp",
		DueDay: day(2024, 8, 1), State: scheduler.StateOpen}) // its task is not active
	src := newSliceSource(assignments)
	p, _ := ParsePeriod("2024-Q3")
	now := at(2024, 11, 19, 8, 0)
	want := BuildDraft(p, now, ict, tasks, src, dir)
	if len(want.Rows) < 8 || want.Rows[1].TaskID == want.Rows[2].TaskID {
		t.Fatalf("the fixture does not interleave the equal task ids: %d rows", len(want.Rows))
	}
	got, err := NewDraftStream(p, now, ict, Lookup(tasks), src, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Count != len(want.Rows) || got.Seen != len(src) || !reflect.DeepEqual(got.Totals, want.Totals) || !reflect.DeepEqual(got.NotReported, want.NotReported) {
		t.Errorf("stream: %d rows, %d seen, %+v, %+v\nbuild: %d rows, %+v, %+v", got.Count, got.Seen, got.Totals, got.NotReported, len(want.Rows), want.Totals, want.NotReported)
	}
	var rows []DraftRow
	if err := got.each(func(r DraftRow) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows, want.Rows) {
		t.Errorf("rows differ:\n%s\nwant:\n%s", rowIDs(rows), rowIDs(want.Rows))
	}
	var gb, wb bytes.Buffer
	if err := got.WriteText(&gb); err != nil {
		t.Fatal(err)
	}
	if err := want.WriteText(&wb); err != nil {
		t.Fatal(err)
	}
	if gb.String() != wb.String() {
		t.Errorf("text differs:\n%s\nwant:\n%s", gb.String(), wb.String())
	}

	// What changed between the passes is an error, not a wrong draft.
	changed := slices.Clone(src)
	got, err = NewDraftStream(p, now, ict, Lookup(tasks), changed, dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range changed {
		if changed[i].TaskID == "III.02.1" {
			changed[i].State = scheduler.StateArchived
		}
	}
	if err := got.WriteText(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "changed while the draft was written") {
		t.Errorf("a change between the passes: %v", err)
	}
}

func rowIDs(rows []DraftRow) string {
	var s []string
	for _, r := range rows {
		s = append(s, r.Plan+" "+r.TaskID+" "+r.Unit)
	}
	return strings.Join(s, "\n")
}
