package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestReadyzTellsTheStartPhase: while the daemon imports its plans, plans
// them and catches up (its first Fire), /readyz answers 503 naming the
// phase; once the first Fire has run, 200. The daemon is held in each
// phase by the start hook, so the listener is looked at in the phase, not
// after some sleep.
func TestReadyzTellsTheStartPhase(t *testing.T) {
	e := newEnv(t)
	addr := freePort(t)
	e.edit(t, "nhacviec.yaml", "http:\n  listen: 127.0.0.1:0\n", fmt.Sprintf("http:\n  listen: %s\n", addr))
	entered := make(chan string)
	release := make(chan struct{})
	e.setup = func(m *Main) {
		m.onPhase = func(phase string) {
			entered <- phase
			if phase != "" {
				<-release
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan string)
	go func() {
		_, logs, _ := e.run(t, ctx, "run", "--now", "2024-11-20T09:00")
		done <- logs
	}()
	var logs string
	stopped := false
	defer func() {
		cancel()
		if !stopped {
			<-done
		}
	}()
	next := func() string {
		t.Helper()
		select {
		case p := <-entered:
			return p
		case logs = <-done:
			stopped = true
			t.Fatalf("the daemon stopped while starting:\n%s", logs)
		case <-time.After(15 * time.Second):
			t.Fatal("timed out waiting for the next start phase")
		}
		return ""
	}
	readyz := "http://" + addr + "/readyz"
	for _, phase := range []string{"importing", "planning", "catching up"} {
		if p := next(); p != phase {
			t.Fatalf("phase %q, want %q", p, phase)
		}
		if code, body := get(t, readyz); code != 503 || body != "not ready: "+phase+"\n" {
			t.Errorf("during %s: /readyz = %d %q, want 503 %q", phase, code, body, "not ready: "+phase+"\n")
		}
		release <- struct{}{}
	}
	if p := next(); p != "" {
		t.Fatalf("phase %q after catching up, want ready", p)
	}
	if code, body := get(t, readyz); code != 200 || body != "ready\n" {
		t.Errorf("after the first Fire: /readyz = %d %q, want 200", code, body)
	}
	cancel()
	logs, stopped = <-done, true
	if !strings.Contains(logs, "assignments planned") {
		t.Errorf("no planning in the logs:\n%s", logs)
	}
}
