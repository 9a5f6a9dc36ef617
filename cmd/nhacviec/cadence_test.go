package main

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// seedEngine is the engine of the shipped example on store st, synced at from.
func seedEngine(t *testing.T, st scheduler.Store, from time.Time) (*scheduler.Engine, *config.Config) {
	t.Helper()
	cfg, err := config.Load("../../examples/nhacviec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	plans, problems := readPlans(cfg, cfg.PlanPaths())
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	sc := schedulerConfig(cfg)
	sc.Horizon = 400 * 24 * time.Hour // the year's occurrences from the start, as the daemon re-planning each day has them
	e := scheduler.New(sc, st, nil)
	if _, err := e.Sync(tasksFromPlans(cfg.Scheduling.Calendar, plans), from); err != nil {
		t.Fatal(err)
	}
	return e, cfg
}

// runEngine fires every wake-up from from up to to and returns the e-mail
// messages (one per recipient and moment).
func runEngine(t *testing.T, e *scheduler.Engine, from, to time.Time, each func(now time.Time)) []*notify.Message {
	t.Helper()
	var out []*notify.Message
	for now := from; !now.After(to); {
		if each != nil {
			each(now)
		}
		msgs, err := e.Fire(now)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if m.Channel == notify.ChannelEmail {
				out = append(out, m)
			}
		}
		next, ok, err := e.NextWake(now)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		now = next
	}
	return out
}

// news reports whether an item says something new: a step's news (a first
// reminder, the due day, newly overdue, an escalation, a completion), not
// a repeat on the rhythm.
func news(it notify.Item) bool {
	return it.Level > 0 || it.Kind == notify.KindDue || it.Kind == notify.KindDone || it.Kind == notify.KindEscalation
}

func itemID(to string, it notify.Item) string {
	if it.Copy {
		return to + " copy " + it.Occurrence
	}
	return to + " " + it.Assignment
}

// TestCadenceSeedPlan: the seed plan with the example config, July to
// December 2024, nothing done: each division head gets mail on at most 45%
// of working days; every overdue item reaches each of its readers at least
// once every 4 working days; no item comes on two working days in a row
// unless the second says something new about it.
func TestCadenceSeedPlan(t *testing.T) {
	from := time.Date(2024, 7, 1, 0, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	to := time.Date(2024, 12, 31, 23, 59, 0, 0, from.Location())
	e, cfg := seedEngine(t, scheduler.NewMemStore(), from)
	cal := cfg.Scheduling.Calendar
	msgs := runEngine(t, e, from, to, nil)

	var workdays []calendar.Date
	index := map[calendar.Date]int{}
	for d := calendar.DateOf(from); !d.After(calendar.DateOf(to)); d = d.AddDays(1) {
		if cal.IsWorkingDay(d.In(cal.Location())) {
			index[d] = len(workdays)
			workdays = append(workdays, d)
		}
	}
	mailDays := map[string]map[calendar.Date]bool{}
	seen := map[string][]int{}          // item → working-day indexes it was shown on
	newsOn := map[string]map[int]bool{} // item → days it came with news
	overdueFrom := map[string]int{}     // item → first working day it was overdue
	for _, m := range msgs {
		day := cal.Date(m.At)
		i, ok := index[day]
		if !ok {
			t.Fatalf("message on a non-working day %s", day)
		}
		if mailDays[m.To.ID] == nil {
			mailDays[m.To.ID] = map[calendar.Date]bool{}
		}
		if mailDays[m.To.ID][day] {
			t.Errorf("two digests to %s on %s", m.To.ID, day)
		}
		mailDays[m.To.ID][day] = true
		for _, it := range m.Items {
			id := itemID(m.To.ID, it)
			if n := len(seen[id]); n > 0 && seen[id][n-1] == i {
				continue
			}
			seen[id] = append(seen[id], i)
			if news(it) {
				if newsOn[id] == nil {
					newsOn[id] = map[int]bool{}
				}
				newsOn[id][i] = true
			}
			if it.Kind == notify.KindOverdue {
				if _, ok := overdueFrom[id]; !ok {
					overdueFrom[id] = i
				}
			}
		}
	}
	for _, head := range []string{"tp-khtc", "tp-qlcn", "tp-qltm", "tp-qlnl"} {
		n := len(mailDays[head])
		if n == 0 || n*100 > 45*len(workdays) {
			t.Errorf("%s gets mail on %d of %d working days (%d%%), want at most 45%%", head, n, len(workdays), n*100/len(workdays))
		}
		t.Logf("%s: mail on %d of %d working days", head, n, len(workdays))
	}
	for id, days := range seen {
		start, overdue := overdueFrom[id]
		prev := -1
		for _, d := range days {
			if prev >= 0 && d == prev+1 && !newsOn[id][d] {
				t.Errorf("%s shown on %s and again on %s with nothing new", id, workdays[prev], workdays[d])
			}
			if overdue && d > start && d-max(prev, start) > 4 {
				t.Errorf("%s overdue since %s: not shown from %s to %s", id, workdays[start], workdays[max(prev, start)], workdays[d])
			}
			prev = d
		}
		if overdue && len(workdays)-1-prev > 4 {
			t.Errorf("%s overdue: last shown on %s", id, workdays[prev])
		}
	}
	if len(seen) == 0 {
		t.Fatal("no items")
	}
}

// TestCadenceUnitDoneGetsOnlyCopies: a unit that finishes everything gets
// no further mail about its own tasks; only copies (as a coordinating
// unit) may still come.
func TestCadenceUnitDoneGetsOnlyCopies(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	from := time.Date(2024, 7, 1, 0, 0, 0, 0, loc)
	st := scheduler.NewMemStore()
	e, _ := seedEngine(t, st, from)
	finish := time.Date(2024, 10, 1, 9, 0, 0, 0, loc)
	completeAll := func(now time.Time) {
		if now.Before(finish) {
			return
		}
		var keys []string
		st.View(func(tx scheduler.Tx) error {
			return tx.ForEachAssignment("", func(a scheduler.Assignment) error {
				if a.Unit == "khtc" && a.State == scheduler.StateOpen {
					keys = append(keys, a.Key)
				}
				return nil
			})
		})
		for _, k := range keys {
			if _, err := e.Complete(k, "tp-khtc", "test", "", now); err != nil {
				t.Fatal(err)
			}
		}
	}
	msgs := runEngine(t, e, from, time.Date(2024, 11, 15, 23, 0, 0, 0, loc), completeAll)
	after := 0
	for _, m := range msgs {
		if m.To.ID != "tp-khtc" || m.At.Before(finish) {
			continue
		}
		after++
		for _, it := range m.Items {
			if !it.Copy {
				t.Errorf("%s: %s about its own %s after finishing everything", m.At.Format("2006-01-02 15:04"), m.To.ID, it.Occurrence)
			}
		}
	}
	t.Logf("%d messages to tp-khtc after finishing (copies only)", after)
}

// TestCadenceSurvivesRestart: the rhythm is stored: a daemon restarted in
// the middle of a cadence (a new engine on the same database) sends what
// the one that kept running sends.
func TestCadenceSurvivesRestart(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	from := time.Date(2024, 9, 2, 0, 0, 0, 0, loc)
	mid := time.Date(2024, 10, 2, 12, 0, 0, 0, loc) // between two digests of the heads
	to := time.Date(2024, 10, 31, 23, 0, 0, 0, loc)
	sig := func(msgs []*notify.Message) []string {
		var out []string
		for _, m := range msgs {
			out = append(out, fmt.Sprintf("%s %s %d", m.At.Format("01-02 15:04"), m.To.ID, len(m.Items)))
		}
		return out
	}
	db := openTestDB(t)
	e1, _ := seedEngine(t, db.Scheduler(), from)
	first := runEngine(t, e1, from, mid, nil)
	e2, _ := seedEngine(t, db.Scheduler(), mid) // restart: a new engine, the same database
	got := sig(runEngine(t, e2, mid, to, nil))

	ref := scheduler.NewMemStore()
	er, _ := seedEngine(t, ref, from)
	all := sig(runEngine(t, er, from, to, nil))
	whole := append(sig(first), got...)
	if len(whole) != len(all) {
		t.Fatalf("with a restart on %s: %d messages, without: %d", mid.Format("02/01"), len(whole), len(all))
	}
	for i := range all {
		if whole[i] != all[i] {
			t.Errorf("message %d: with a restart %q, without %q", i, whole[i], all[i])
		}
	}
}

func openTestDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "n.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
