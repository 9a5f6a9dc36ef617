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

	"github.com/sct-langson/nhacviec/store"
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
	// Ready, not only up: the ops listener answers while the plans are
	// imported, before the file watcher and SIGHUP are listened to.
	waitFor(t, "the daemon ready", func() bool { code, _ := get(t, base+"/readyz"); return code == 200 })

	// The TCP listener serves health and metrics only: no backup, no admin
	// action, whatever the Host or Origin (DNS rebinding, a foreign page).
	for _, probe := range []struct{ method, path, body string }{
		{"GET", "/backup", ""},
		{"POST", "/admin/done", `{"task":"I.1","note":"x"}`},
		{"POST", "/admin/invite", `{"unit":"vp","name":"x","role":"admin"}`},
		{"GET", "/admin/done", ""},
		{"GET", "/", ""},
	} {
		req, _ := http.NewRequest(probe.method, base+probe.path, strings.NewReader(probe.body))
		req.Host = "evil.example"
		req.Header.Set("Origin", "http://evil.example")
		req.Header.Set("Content-Type", "text/plain")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s %s on the ops listener = %d %.80q, want 404", probe.method, probe.path, resp.StatusCode, body)
		}
	}
	// The admin door is a socket next to the database, owner only.
	sock := filepath.Join(e.dir, "nhacviec.db.sock")
	waitFor(t, "the admin socket", func() bool { _, err := os.Lstat(sock); return err == nil })
	if fi, _ := os.Lstat(sock); fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o600 {
		t.Errorf("admin socket %s: mode %v, want a socket with 0600", sock, fi.Mode())
	}

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
	e.edit(t, "nhacviec.yaml", "      tasks:\n        I.3: {unscheduled: true}", "      tasks:\n        III.2.1: {due: \"2024-11-29\"}\n        I.3: {unscheduled: true}")
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
	edited, err := os.ReadFile(filepath.Join(e.dir, "nhacviec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Count(string(edited[:strings.Index(string(edited), "\nofice:")+1]), "\n") + 1
	if want := fmt.Sprintf(`nhacviec.yaml:%d: unknown key \"ofice\"`, line); !strings.Contains(logs, want) || !strings.Contains(logs, "reload refused") {
		t.Errorf("the refused reload is not logged with its file:line and error (%s):\n%s", want, logs)
	}
	if _, err := os.Stat(backup); err != nil {
		t.Error(err)
	}
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("admin socket left behind after shutdown: %v", err)
	}
}

// TestAdminDoorWithoutHTTP: the CLI reaches the running daemon through its
// socket also when the TCP listener is off; with no daemon answering, a
// locked database says which socket it tried.
func TestAdminDoorWithoutHTTP(t *testing.T) {
	e := newEnv(t)
	e.edit(t, "nhacviec.yaml", "http:\n  listen: 127.0.0.1:0\n", "http:\n  listen: \"off\"\n")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.run(t, ctx, "run", "--now", "2024-11-20T09:00")
	}()
	defer func() { cancel(); <-done }()
	sock := filepath.Join(e.dir, "nhacviec.db.sock")
	waitFor(t, "the admin socket", func() bool { _, err := os.Lstat(sock); return err == nil })
	out, stderr, code := e.run(t, context.Background(), "done", "III.2.1", "--note", "qua socket")
	if code != 0 || !strings.Contains(out, "III.2.1@2024 (vp): done") {
		t.Fatalf("done through the socket: exit %d %q %q", code, out, stderr)
	}
	backup := filepath.Join(t.TempDir(), "b.db")
	if out, stderr, code := e.run(t, context.Background(), "backup", "-o", backup); code != 0 {
		t.Fatalf("backup through the socket: exit %d %q %q", code, out, stderr)
	}
	cancel()
	<-done

	// The database stays locked by another holder, with nobody on the socket.
	db, err := store.Open(filepath.Join(e.dir, "nhacviec.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, stderr, code = e.run(t, context.Background(), "done", "III.2.2")
	if code != 1 || !strings.Contains(stderr, "in use by another nhacviec process") || !strings.Contains(stderr, sock) {
		t.Errorf("done with a locked database and no daemon: exit %d %q", code, stderr)
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
