package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/store"
)

// TestPreviewMatchesRunAfterMidYearRestart: a daemon that has run the
// first rounds of September stops; preview, reading that database, lists
// exactly the messages the restarted daemon then sends on Monday 9/9
// (its 08:00 round and the weekly summary).
func TestPreviewMatchesRunAfterMidYearRestart(t *testing.T) {
	e := newEnv(t)
	ict := time.FixedZone("ICT", 7*3600)

	// runRound runs the daemon from 07:59:58 (now) through that day's
	// 08:00 round until it waits for a moment after 08:30, on a clock that
	// moves only from one of its wake-ups to the next, and returns the
	// messages it queued in that window: the catch-up at its start, or the
	// round, which a catch-up replaces. Queued, not printed: the daemon
	// stops as soon as it waits, and what it did not print yet stays in
	// the outbox for the next start.
	runRound := func(now string) []string {
		start, err := parseNow(now, ict)
		if err != nil {
			t.Fatal(err)
		}
		until := time.Date(start.Year(), start.Month(), start.Day(), 8, 30, 0, 0, ict)
		clock := newStepClock(start)
		e.setup = func(m *Main) { m.now, m.after = clock.now, clock.after }
		defer func() { e.setup = nil }()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			e.run(t, ctx, "run")
		}()
		err = clock.runUntil(until, done, time.After(2*time.Minute)) // a guard, not a measure
		close(clock.stop)
		cancel()
		<-done
		if err != nil {
			t.Fatal(err)
		}
		db, err := store.Open(filepath.Join(e.dir, "nhacviec.db"), store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		recs, err := db.Outbox(store.OutboxFilter{From: start, Until: until.Add(time.Second)})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range recs {
			out = append(out, r.Message.To.Name+" | "+r.Message.Title)
		}
		slices.Sort(out)
		return out
	}
	preview := func(now, to string) []string {
		out, stderr, code := e.run(t, context.Background(), "preview", "--json", "--now", now, "--to", to)
		if code != 0 {
			t.Fatalf("preview: exit %d %s", code, stderr)
		}
		if !strings.Contains(stderr, "preview from the state of") {
			t.Errorf("preview does not say it started from the database's state: %q", stderr)
		}
		var entries []previewEntry
		if err := json.Unmarshal([]byte(out), &entries); err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, en := range entries {
			for range en.Channels { // the outbox has a message per channel
				titles = append(titles, en.Recipient.Name+" | "+en.Title)
			}
			if at := en.At.In(ict); at.Format("15:04") != "08:00" && at.Format("15:04:05") != "07:59:58" {
				t.Errorf("preview lists a message at %s", at)
			}
		}
		slices.Sort(titles)
		return titles
	}

	// Friday 6/9: the daemon starts, catches up since June, sends its
	// 08:00 round, then stops (a restart).
	if first := runRound("2024-09-06T07:59:58"); len(first) == 0 {
		t.Fatal("nothing sent on 6/9")
	}
	// Monday 9/9: what preview says from the database, then what run sends.
	want := preview("2024-09-09T07:59:58", "2024-09-09T08:30")
	if len(want) == 0 {
		t.Fatal("preview lists nothing for Monday 9/9 08:00")
	}
	got := runRound("2024-09-09T07:59:58")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("preview after the restart:\n%s\nrun sent:\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
	if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "Tổng hợp tiến độ CCHC tuần") }) {
		t.Errorf("the Monday round has no weekly summary:\n%s", strings.Join(got, "\n"))
	}

	// Down over Tuesday's round: on Wednesday the daemon catches up at its
	// start; preview, from the same database, says the same.
	want = preview("2024-09-11T07:59:58", "2024-09-11T08:30")
	got = runRound("2024-09-11T07:59:58")
	if len(got) == 0 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("after a missed round, preview:\n%s\nrun sent:\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
}
