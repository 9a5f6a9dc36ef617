package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func openTest(t *testing.T) *DB {
	return mustOpen(t, filepath.Join(t.TempDir(), "w.db"), &clock{})
}

func TestSignInTokenOnceHashedExpiring(t *testing.T) {
	db := openTest(t)
	now := time.Date(2024, 9, 10, 9, 0, 0, 0, time.UTC)
	tok, err := db.CreateSignInToken("an", 15*time.Minute, now)
	if err != nil {
		t.Fatal(err)
	}
	if who, err := db.SignInTokenValid(tok, now.Add(time.Minute)); err != nil || who != "an" {
		t.Fatalf("valid: %q %v", who, err)
	}
	late, err := db.CreateSignInToken("an", 15*time.Minute, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.SignIn(late, time.Hour, now.Add(15*time.Minute)); !errors.Is(err, ErrTokenExpired) {
		t.Errorf("expired token: %v", err)
	}
	if _, _, err := db.SignIn(tok+"x", time.Hour, now); !errors.Is(err, ErrTokenUnknown) {
		t.Errorf("tampered token: %v", err)
	}
	id, s, err := db.SignIn(tok, time.Hour, now.Add(time.Minute))
	if err != nil || s.Who != "an" || !s.Valid(now.Add(30*time.Minute)) || s.Valid(now.Add(2*time.Hour)) {
		t.Fatalf("sign in: %+v %v", s, err)
	}
	if _, _, err := db.SignIn(tok, time.Hour, now.Add(2*time.Minute)); !errors.Is(err, ErrTokenUsed) {
		t.Errorf("second use: %v", err)
	}
	// Neither the token nor the session id is in the file.
	db.Close()
	raw, _ := os.ReadFile(db.Path())
	if bytes.Contains(raw, []byte(tok)) || bytes.Contains(raw, []byte(id)) {
		t.Error("a secret is stored in clear")
	}
}

func TestSessionRevoke(t *testing.T) {
	db := openTest(t)
	now := time.Date(2024, 9, 10, 9, 0, 0, 0, time.UTC)
	var ids []string
	for range 2 {
		tok, _ := db.CreateSignInToken("an", time.Minute, now)
		id, _, err := db.SignIn(tok, time.Hour, now)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := db.RevokeSession(ids[0], now); err != nil {
		t.Fatal(err)
	}
	s0, _, _ := db.Session(ids[0])
	s1, _, _ := db.Session(ids[1])
	if s0.Valid(now) || !s1.Valid(now) {
		t.Fatalf("after one revoke: %v %v", s0.Valid(now), s1.Valid(now))
	}
	if n, err := db.RevokeSessions("an", now); err != nil || n != 1 {
		t.Fatalf("revoke all: %d %v", n, err)
	}
	if s1, _, _ = db.Session(ids[1]); s1.Valid(now) {
		t.Error("session valid after revoking all")
	}
}

func TestLinkKeysRotate(t *testing.T) {
	db := openTest(t)
	now := time.Date(2024, 9, 10, 9, 0, 0, 0, time.UTC)
	first, err := db.LinkKeys(now)
	if err != nil || len(first) != 1 || len(first[0].Secret) != 32 {
		t.Fatalf("first key: %+v %v", first, err)
	}
	again, _ := db.LinkKeys(now)
	if len(again) != 1 || again[0].ID != first[0].ID {
		t.Fatalf("LinkKeys made a second key: %+v", again)
	}
	k2, _ := db.RotateLinkKey(false, now)
	keys, _ := db.LinkKeys(now)
	if len(keys) != 2 || keys[0].ID != k2.ID || keys[1].ID != first[0].ID {
		t.Fatalf("after rotate: %+v", keys)
	}
	k3, _ := db.RotateLinkKey(true, now)
	keys, _ = db.LinkKeys(now)
	if len(keys) != 1 || keys[0].ID != k3.ID || k3.ID <= k2.ID {
		t.Fatalf("after rotate dropping old keys: %+v", keys)
	}
}

// TestSignInPrunesEndedCredentials: tokens and sessions that ended more
// than a day ago are deleted at the next sign-in.
func TestSignInPrunesEndedCredentials(t *testing.T) {
	db := openTest(t)
	now := time.Date(2024, 9, 10, 9, 0, 0, 0, time.UTC)
	old, _ := db.CreateSignInToken("an", 15*time.Minute, now)
	oldID, _, err := db.SignIn(old, time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	unused, _ := db.CreateSignInToken("an", 15*time.Minute, now)
	later := now.Add(48 * time.Hour)
	tok, _ := db.CreateSignInToken("binh", 15*time.Minute, later)
	if _, _, err := db.SignIn(tok, time.Hour, later); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := db.Session(oldID); found {
		t.Error("a session ended two days ago is still stored")
	}
	if _, err := db.SignInTokenValid(unused, now); !errors.Is(err, ErrTokenUnknown) {
		t.Errorf("a token expired two days ago: %v", err)
	}
}
