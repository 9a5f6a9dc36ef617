package main

import (
	"context"
	"strings"
	"testing"
)

// TestWeeklySummaryNotRebuiltAfterRestart: a daemon restarted in the week
// of a summary it already queued does not read every assignment to build
// it again (the outbox would ignore it); one that had not queued it does.
func TestWeeklySummaryNotRebuiltAfterRestart(t *testing.T) {
	e := newEnv(t)
	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	_, first, _ := e.run(t, stopped, "run", "--now", "2024-11-25T08:00") // Monday's summary
	if !strings.Contains(first, `msg="weekly summary queued" week=2024-11-25`) {
		t.Fatalf("the first start queued no summary:\n%s", first)
	}
	_, again, _ := e.run(t, stopped, "run", "--now", "2024-11-26T09:00")
	if strings.Contains(again, "weekly summary queued") {
		t.Errorf("the restart built the summary again:\n%s", again)
	}
}
