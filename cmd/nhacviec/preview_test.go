package main

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
)

// TestPreviewAppendix2024: the whole plan year of the real appendix on the
// example config: every message on a working day, within working hours,
// one digest per recipient and moment.
func TestPreviewAppendix2024(t *testing.T) {
	e := newEnv(t)
	out, errOut, code := e.run(t, context.Background(), "preview", "--from", "2024-06-13", "--to", "2024-12-31", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var entries []previewEntry
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) < 100 {
		t.Fatalf("only %d messages over the plan year", len(entries))
	}
	cfg, err := (&Main{configPath: e.config, getenv: func(string) string { return "" }}).loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	cal := cfg.Scheduling.Calendar
	start, end := cal.WorkHours()
	seen := map[string]bool{}
	kinds := map[string]int{}
	for _, en := range entries {
		local := en.At.In(cal.Location())
		if !cal.IsWorkingDay(local) {
			t.Errorf("message on a non-working day: %s to %s", local, en.Recipient.ID)
		}
		clock := calendar.NewClock(local.Hour(), local.Minute())
		if clock < start || clock >= end {
			t.Errorf("message outside working hours: %s", local)
		}
		key := fmt.Sprint(en.At.Unix(), en.Recipient.ID)
		if strings.Contains(en.Title, "Tổng hợp tiến độ CCHC tuần") {
			key += " weekly" // the weekly summary is a message of its own, as run sends it
		}
		if seen[key] {
			t.Errorf("two messages to %s at %s: not a digest", en.Recipient.ID, local)
		}
		seen[key] = true
		for _, it := range en.Items {
			kinds[string(it.Kind)]++
		}
		if !strings.HasPrefix(en.Title, "[Nhắc việc CCHC] ") {
			t.Errorf("title %q", en.Title)
		}
	}
	for _, k := range []string{"reminder", "due", "overdue", "escalation"} {
		if kinds[k] == 0 {
			t.Errorf("no %s item in the year", k)
		}
	}
	// The periodic report I.2 (H1 due 17/6/2024, a Monday after Sunday 16/6)
	// reaches Văn phòng's head; I.3 and I.6 are unscheduled: never listed.
	var h1 bool
	for _, en := range entries {
		for _, it := range en.Items {
			if it.Occurrence == "I.2@2024-H1" && it.Kind == "due" && en.Recipient.ID == "chanh-vp" {
				h1 = en.At.In(cal.Location()).Format("2006-01-02 15:04") == "2024-06-17 08:00"
			}
			if it.TaskID == "I.3" || it.TaskID == "I.6" {
				t.Errorf("unscheduled task %s in preview", it.TaskID)
			}
		}
	}
	if !h1 {
		t.Error("no due message for I.2@2024-H1 to chanh-vp at 2024-06-17 08:00")
	}
}

// TestPreviewListsWeeklySummary: on a Monday morning preview lists the
// weekly summary to the office's head at 08:00, titled as run sends it.
func TestPreviewListsWeeklySummary(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e.run(t, ctx, "run", "--now", "2024-11-18T20:00") // plan, as the daemon did before
	out, stderr, code := e.run(t, context.Background(), "preview", "--json", "--now", "2024-11-25T07:59:58", "--to", "2024-11-25T08:30")
	if code != 0 {
		t.Fatalf("preview: exit %d %s", code, stderr)
	}
	var entries []previewEntry
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatal(err)
	}
	var previewed []string
	for _, en := range entries {
		if en.Recipient.ID == "chanh-vp" && strings.Contains(en.Title, "Tổng hợp tiến độ CCHC tuần") {
			previewed = append(previewed, en.At.In(time.FixedZone("ICT", 7*3600)).Format("15:04")+" "+en.Title)
		}
	}

	var stdout syncBuffer
	e.setup = func(m *Main) { m.stdout = &stdout }
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.run(t, ctx, "run", "--now", "2024-11-25T07:59:58")
	}()
	title := regexp.MustCompile(`──── (\[Nhắc việc CCHC\] Tổng hợp tiến độ CCHC tuần: [^\n]* — 25/11/2024) ────`)
	waitFor(t, "the 08:00 summary", func() bool { return title.MatchString(stdout.String()) })
	cancel()
	<-done
	sent := "08:00 " + title.FindStringSubmatch(stdout.String())[1]
	if len(previewed) != 1 || previewed[0] != sent {
		t.Errorf("preview lists %q, run sent %q", previewed, sent)
	}
}
