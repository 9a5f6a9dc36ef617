package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/store"
)

// TestLinkKeysRotate: rotate adds a signing key and keeps the old ones;
// --drop-old leaves only the new one.
func TestLinkKeysRotate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i, args := range [][]string{{"link-keys", "rotate"}, {"link-keys", "rotate"}, {"link-keys", "rotate", "--drop-old"}} {
		out, stderr, code := e.run(t, ctx, args...)
		want := []string{"1 key(s)", "2 key(s)", "1 key(s)"}[i]
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("%v: exit %d %q %q", args, code, out, stderr)
		}
	}
	db, err := store.Open(filepath.Join(e.dir, "nhacviec.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if keys, err := db.LinkKeys(time.Now()); err != nil || len(keys) != 1 || keys[0].ID != "00000003" {
		t.Errorf("keys after dropping the old ones: %+v %v", keys, err)
	}
	if _, _, code := e.run(t, ctx, "link-keys", "turn"); code != 2 {
		t.Errorf("unknown action: exit %d", code)
	}
}

// TestLinkKeysRotateWhileRunning: with the daemon holding the database,
// the rotation goes through its admin socket and the web door reloads
// its keys (the web package's tests show a reloaded door signs with the
// new key and refuses a dropped one).
func TestLinkKeysRotateWhileRunning(t *testing.T) {
	e := newEnv(t)
	addr := freePort(t)
	e.edit(t, "nhacviec.yaml", "web:\n  listen: \"off\"\n", "web:\n  listen: "+addr+"\n")
	e.edit(t, "nhacviec.yaml", "  base_url: http://127.0.0.1:8080\n", "  base_url: http://"+addr+"\n")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan string)
	go func() {
		_, logs, _ := e.run(t, ctx, "run", "--now", "2024-11-20T09:00")
		done <- logs
	}()
	waitFor(t, "the web door", func() bool { code, _ := get(t, "http://"+addr+"/dang-nhap"); return code == 200 })
	out, stderr, code := e.run(t, context.Background(), "link-keys", "rotate", "--drop-old")
	if code != 0 || !strings.Contains(out, "1 key(s) verify") {
		t.Errorf("rotate while running: exit %d %q %q", code, out, stderr)
	}
	cancel()
	if logs := <-done; strings.Contains(logs, "level=ERROR") {
		t.Errorf("the daemon logged an error:\n%s", logs)
	}
	db, err := store.Open(filepath.Join(e.dir, "nhacviec.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if keys, err := db.LinkKeys(time.Now()); err != nil || len(keys) != 1 || keys[0].ID != "00000002" {
		t.Errorf("keys after a rotation through the daemon: %+v %v", keys, err)
	}
}
