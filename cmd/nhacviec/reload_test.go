package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// waitFor polls cond until it holds or 15 seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDaemonOperations: while the daemon runs, readers get a snapshot, a
// backup is consistent, a valid config edit applies without a restart and
// says what changed, an invalid one keeps the running config.
func TestDaemonOperations(t *testing.T) {
	e := newEnv(t)
	addr := freePort(t)
	e.edit(t, "nhacviec.yaml", "http:\n  listen: 127.0.0.1:0\n", fmt.Sprintf("http:\n  listen: %s\n", addr))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var logs string
	go func() {
		defer close(done)
		_, logs, _ = e.run(t, ctx, "run", "--now", "2024-11-20T09:00")
	}()
	defer func() { cancel(); <-done }()
	base := "http://" + addr
	waitFor(t, "the http listener", func() bool { code, _ := get(t, base+"/healthz"); return code == 200 })

	// A writer is refused; a reader reads a snapshot.
	if _, stderr, code := e.run(t, context.Background(), "import"); code != 1 || !strings.Contains(stderr, "in use by another nhacviec process") {
		t.Errorf("import while running: exit %d %q", code, stderr)
	}
	out, stderr, code := e.run(t, context.Background(), "tasks", "--json")
	var tasks []taskView
	if code != 0 || json.Unmarshal([]byte(out), &tasks) != nil || len(tasks) != 46 {
		t.Errorf("tasks while running: exit %d, %d tasks, %s", code, len(tasks), stderr)
	}

	// Admin changes go through the daemon.
	out, stderr, code = e.run(t, context.Background(), "done", "III.2.1", "--note", "Đã công bố đủ 25 TTHC")
	if code != 0 || !strings.Contains(out, "III.2.1@2024 (vp): done") {
		t.Errorf("done while running: exit %d %q %q", code, out, stderr)
	}
	out, _, code = e.run(t, context.Background(), "invite", "--unit", "qltm", "--name", "Lê Văn Cường")
	if code != 0 || !strings.Contains(out, "/start ") {
		t.Errorf("invite while running: exit %d %q", code, out)
	}
	if _, stderr, code := e.run(t, context.Background(), "invite", "--unit", "nowhere", "--name", "X"); code != 1 || !strings.Contains(stderr, `"nowhere" is not a unit`) {
		t.Errorf("invite to an unknown unit: exit %d %q", code, stderr)
	}
	out, _, _ = e.run(t, context.Background(), "tasks", "--json")
	tasks = nil
	_ = json.Unmarshal([]byte(out), &tasks)
	var marked bool
	for _, tv := range tasks {
		for _, a := range tv.Assignments {
			if tv.ID == "III.2.1" && a.State == "done" && a.DoneVia == "cli" && a.Note == "Đã công bố đủ 25 TTHC" {
				marked = true
			}
		}
	}
	if !marked {
		t.Error("tasks --json does not show III.2.1 done through the CLI")
	}

	// Backup while running.
	backup := filepath.Join(t.TempDir(), "copy.db")
	out, stderr, code = e.run(t, context.Background(), "backup", "-o", backup)
	if code != 0 || !strings.Contains(out, "consistency check passed") {
		t.Errorf("backup: exit %d %s %s", code, out, stderr)
	}

	// A valid edit: III.2.1 due 29/11/2024 instead of the year's end.
	started := reloadTime(t, base)
	e.edit(t, "nhacviec.yaml", "  tasks:\n    I.3: {unscheduled: true}", "  tasks:\n    III.2.1: {due: \"2024-11-29\"}\n    I.3: {unscheduled: true}")
	waitFor(t, "reload success", func() bool { return reloadTime(t, base) > started })
	// An invalid edit: the running config stays.
	e.edit(t, "nhacviec.yaml", "office: vp\n", "office: vp\nofice: vp\n")
	waitFor(t, "reload failure", func() bool {
		_, m := get(t, base+"/metrics")
		return strings.Contains(m, "nhacviec_config_last_reload_successful 0")
	})
	code, _ = get(t, base+"/readyz")
	if code != 200 {
		t.Errorf("readyz = %d after a refused reload", code)
	}
	cancel()
	<-done
	done = make(chan struct{})
	close(done)
	if !strings.Contains(logs, "III.2.1: due 2024-12-31 → 2024-11-29") {
		t.Errorf("the reload did not log the change of III.2.1:\n%s", logs)
	}
	if !strings.Contains(logs, `unknown key \"ofice\"`) || !strings.Contains(logs, "reload refused") {
		t.Errorf("the refused reload is not logged with its error:\n%s", logs)
	}
	if _, err := os.Stat(backup); err != nil {
		t.Error(err)
	}
}

// reloadTime is the daemon's last successful reload time, from /metrics.
func reloadTime(t *testing.T, base string) float64 {
	t.Helper()
	_, m := get(t, base+"/metrics")
	for _, line := range strings.Split(m, "\n") {
		if v, ok := strings.CutPrefix(line, "nhacviec_config_last_reload_success_timestamp_seconds "); ok {
			var f float64
			fmt.Sscan(v, &f)
			return f
		}
	}
	return 0
}
