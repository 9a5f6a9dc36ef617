package main

import (
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/scheduler"
)

// TestCheckinsBeforeQ3Cutoff: on the seed plan with the example config,
// every lead unit of every "Trong năm 2024" task is asked for its progress
// before the Q3 data cut-off (14/9/2024, a Saturday: by Friday 13/9), on
// working days only, and not for a task it has already done; a unit that
// answers (a progress note, as the bot records it) gets no second request.
func TestCheckinsBeforeQ3Cutoff(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	from := time.Date(2024, 6, 13, 9, 0, 0, 0, loc)
	st := scheduler.NewMemStore()
	e, cfg := seedEngine(t, st, from)
	cal := cfg.Scheduling.Calendar
	done := scheduler.AssignmentKey("60/KH-SCT", "III.2.1@2024", "vp")
	answered := scheduler.AssignmentKey("60/KH-SCT", "I.5@2024", "khtc")
	firstAsk := time.Date(2024, 9, 6, 8, 0, 0, 0, loc)
	hook := func(now time.Time) {
		switch {
		case now.After(time.Date(2024, 9, 1, 0, 0, 0, 0, loc)) && now.Before(firstAsk):
			if a, _ := assignment(t, st, done); a.State == scheduler.StateOpen {
				if _, err := e.Complete(done, "chanh-vp", "test", "", now); err != nil {
					t.Fatal(err)
				}
			}
		case now.After(firstAsk):
			a, _ := assignment(t, st, answered)
			if len(a.Notes) == 0 {
				err := st.Update(func(tx scheduler.Tx) error {
					a.Notes = append(a.Notes, scheduler.Note{Text: "Đã có 1 sáng kiến, đang áp dụng", By: "tp-khtc", At: now})
					a.Next = e.NextFor(a)
					return tx.PutAssignment(a)
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	msgs := runEngine(t, e, from, time.Date(2024, 9, 14, 23, 0, 0, 0, loc), hook)

	asked := map[string][]time.Time{} // assignment → moments asked
	for _, m := range msgs {
		for _, it := range m.Items {
			if it.Kind != notify.KindCheckin {
				continue
			}
			if !cal.IsWorkingDay(m.At) {
				t.Errorf("check-in on a non-working day: %s", m.At)
			}
			if !strings.Contains(it.Ask, "quý III/2024") || !strings.Contains(it.Ask, "14/09/2024") {
				t.Errorf("check-in asks %q", it.Ask)
			}
			if len(asked[it.Assignment]) == 0 || !asked[it.Assignment][len(asked[it.Assignment])-1].Equal(m.At) {
				asked[it.Assignment] = append(asked[it.Assignment], m.At)
			}
		}
	}
	plans, _ := readPlans(cfg, cfg.PlanPaths())
	n := 0
	for _, task := range plans[0].Tasks {
		if task.Timeline.Kind != plan.KindYear || cfg.Scheduling.Schedules.For(plans[0].Code, task).Unscheduled {
			continue
		}
		for _, unit := range cfg.Directory.ExpandAll(refs(cfg, task.LeadIDs)) {
			key := scheduler.AssignmentKey("60/KH-SCT", task.ID+"@2024", unit)
			got := asked[key]
			switch key {
			case done:
				if len(got) != 0 {
					t.Errorf("%s done before the request still asked at %v", key, got)
				}
			case answered:
				if len(got) != 1 {
					t.Errorf("%s answered after the first request, asked at %v, want once", key, got)
				}
			default:
				n++
				if len(got) != 2 || !got[0].Equal(firstAsk) || !got[1].Equal(time.Date(2024, 9, 13, 8, 0, 0, 0, loc)) {
					t.Errorf("%s asked at %v, want 6/9 and again on 13/9", key, got)
				}
			}
		}
	}
	if n < 30 {
		t.Errorf("only %d year assignments checked", n)
	}
}

func assignment(t *testing.T, st scheduler.Store, key string) (scheduler.Assignment, bool) {
	t.Helper()
	var a scheduler.Assignment
	var ok bool
	err := st.View(func(tx scheduler.Tx) error {
		var err error
		a, ok, err = tx.Assignment(key)
		return err
	})
	if err != nil || !ok {
		t.Fatalf("assignment %s: %v %v", key, ok, err)
	}
	return a, ok
}

// refs resolves a task's lead ids to units or groups of the directory.
func refs(cfg *config.Config, ids []string) []org.Ref {
	var out []org.Ref
	for _, id := range ids {
		_, group := cfg.Directory.Group(id)
		out = append(out, org.Ref{ID: id, Group: group})
	}
	return out
}
