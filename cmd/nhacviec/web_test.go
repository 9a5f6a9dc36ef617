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
