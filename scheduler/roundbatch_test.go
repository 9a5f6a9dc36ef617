package scheduler

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/sct-langson/nhacviec/notify"
)

// TestRoundInBatchesAsOne: a round with more due steps than a batch makes
// the digests it makes in one batch — one per recipient and channel, with
// the same items, steps and message IDs — and records the same steps with
// the messages that carry them; the batches before the last hold their
// boxes in the store until the last one, which drops them. Through months
// of reminders, copies, escalations, completions and a catch-up, at every
// level of detail.
func TestRoundInBatchesAsOne(t *testing.T) {
	run := func(d Detail, batch int) ([]string, map[string]StepRecord) {
		st := NewMemStore()
		e := detailEngine(t, st, d)
		e.batch = batch
		coord := oneTask("I.2", "Trong năm 2024", "qlcn")
		coord.CoordIDs = []string{"vp", "qltm"}
		tasks := []Task{oneTask("I.1", "Trong năm 2024", "vp"), oneTask("I.5", "Hằng tháng", "cac-phong"),
			oneTask("I.4.1", "Hằng tháng", "qlcn"), oneTask("I.6", "Hằng quý", "phong-cm"), coord}
		if _, err := e.Sync(tasks, at(2024, 10, 1, 9, 0)); err != nil {
			t.Fatal(err)
		}
		var all []string
		add := func(ms []*notify.Message) {
			for _, m := range ms {
				all = append(all, fmt.Sprintf("%s %s %s %s %s %s %+v", m.ID, m.At, m.To.ID, m.Channel, m.Kind, m.Title, m.Items))
			}
		}
		add(runFrom(t, e, at(2024, 10, 1, 9, 0), at(2024, 12, 20, 17, 0)))
		if _, err := e.Complete(AssignmentKey(plan60.Code, "I.1@2024", "vp"), "chanh-vp", "cli", "", at(2024, 12, 20, 18, 0)); err != nil {
			t.Fatal(err)
		}
		add(runFrom(t, e, at(2025, 1, 6, 10, 0), at(2025, 2, 28, 17, 0)))
		if len(st.held) != 0 {
			t.Errorf("batch %d: %d boxes still held after the rounds", batch, len(st.held))
		}
		return all, maps.Clone(st.steps)
	}
	for _, d := range []Detail{DetailFull, DetailTitles, DetailItems} {
		one, oneSteps := run(d, 50000)
		if len(one) < 50 {
			t.Fatalf("detail %d: only %d messages", d, len(one))
		}
		for _, batch := range []int{1, 2, 7} {
			many, manySteps := run(d, batch)
			if !slices.Equal(one, many) {
				for i := range min(len(one), len(many)) {
					if one[i] != many[i] {
						t.Fatalf("detail %d, batches of %d: message %d is\n%s\nwant\n%s", d, batch, i, many[i], one[i])
					}
				}
				t.Fatalf("detail %d, batches of %d: %d messages, want %d", d, batch, len(many), len(one))
			}
			if !maps.EqualFunc(oneSteps, manySteps, func(a, b StepRecord) bool {
				return a.Key == b.Key && a.At.Equal(b.At) && a.Produced.Equal(b.Produced) && a.Skipped == b.Skipped && slices.Equal(a.Messages, b.Messages)
			}) {
				t.Errorf("detail %d, batches of %d: the step records differ from one batch's", d, batch)
			}
		}
	}
}
