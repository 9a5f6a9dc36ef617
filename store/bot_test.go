package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/scheduler"
)

func TestInvites(t *testing.T) {
	c := &clock{time.Date(2024, 11, 19, 8, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "n.db")
	db := mustOpen(t, path, c)
	code, err := db.CreateInvite("qltm", "Lê Văn Cường", "head", 48*time.Hour, c.t)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`).MatchString(code) {
		t.Errorf("code %q is not URL-safe or too short", code)
	}
	expiring, err := db.CreateInvite("vp", "Hà", "", time.Hour, c.t)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		code string
		user int64
		at   time.Time
		want error
	}{
		{"unknown code", "nope", 1, c.t, ErrInviteUnknown},
		{"first use", code, 4004, c.t.Add(time.Hour), nil},
		{"same user again (replayed update)", code, 4004, c.t.Add(2 * time.Hour), nil},
		{"another user", code, 5005, c.t.Add(2 * time.Hour), ErrInviteUsed},
		{"expired", expiring, 6006, c.t.Add(time.Hour), ErrInviteExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := db.RedeemInvite(tt.code, tt.user, tt.at)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.want != nil {
				return
			}
			want := Binding{TelegramID: 4004, Unit: "qltm", Role: org.RoleHead, Name: "Lê Văn Cường", BoundAt: c.t.Add(time.Hour)}
			if !b.BoundAt.Equal(want.BoundAt) || b.TelegramID != want.TelegramID || b.Unit != want.Unit || b.Role != want.Role || b.Name != want.Name {
				t.Errorf("binding %+v, want %+v", b, want)
			}
			if b.Who() != "telegram:4004" {
				t.Errorf("who %q", b.Who())
			}
		})
	}
	if _, ok, _ := db.Binding(5005); ok {
		t.Error("the second user got bound")
	}
	if bs, _ := db.Bindings(); len(bs) != 1 || bs[0].TelegramID != 4004 {
		t.Errorf("bindings %+v", bs)
	}
	if err := db.Unbind(4004); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RedeemInvite(code, 4004, c.t); !errors.Is(err, ErrInviteUsed) {
		t.Errorf("a spent code bound again after unbinding: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{code, expiring} {
		if bytes.Contains(raw, []byte(c)) {
			t.Errorf("the raw code %q is in the database file", c)
		}
	}
}

func TestCreateInviteChecks(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "n.db"), &clock{})
	for _, tt := range []struct{ unit, name, role string }{
		{"", "A", "staff"}, {"vp", "", "staff"}, {"vp", "A", "leader"}, {"vp", "A", "boss"},
	} {
		if _, err := db.CreateInvite(tt.unit, tt.name, tt.role, time.Hour, time.Now()); err == nil {
			t.Errorf("%+v accepted", tt)
		}
	}
	if _, err := db.CreateInvite("", "Admin", "admin", time.Hour, time.Now()); err != nil {
		t.Errorf("admin without unit: %v", err)
	}
}

func TestApplyUpdate(t *testing.T) {
	c := &clock{time.Date(2024, 11, 19, 8, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "n.db")
	db := mustOpen(t, path, c)
	key := "60/KH-SCT|I.1@2024|vp"
	if err := db.Scheduler().Update(func(tx scheduler.Tx) error {
		return tx.PutAssignment(scheduler.Assignment{Key: key, State: scheduler.StateOpen,
			DueDay: calendar.Date{Year: 2024, Month: time.December, Day: 31}})
	}); err != nil {
		t.Fatal(err)
	}
	note := func(text string) func(scheduler.Tx, func(AuditEntry) error) error {
		return func(tx scheduler.Tx, audit func(AuditEntry) error) error {
			a, _, err := tx.Assignment(key)
			if err != nil {
				return err
			}
			a.Notes = append(a.Notes, scheduler.Note{Text: text})
			if err := tx.PutAssignment(a); err != nil {
				return err
			}
			return audit(AuditEntry{At: c.t, Who: "an", Via: "command", Assignment: key, Action: "note", Note: text})
		}
	}
	if err := db.ApplyUpdate(100, note("a")); err != nil {
		t.Fatal(err)
	}
	if err := db.ApplyUpdate(101, func(scheduler.Tx, func(AuditEntry) error) error { return errors.New("boom") }); err == nil {
		t.Fatal("failure not reported")
	}
	if off, _ := db.Offset(); off != 101 {
		t.Errorf("offset %d after a failed update, want 101", off)
	}
	if err := db.ApplyUpdate(100, note("again")); !errors.Is(err, ErrUpdateApplied) {
		t.Errorf("update applied twice: %v", err)
	}
	if err := db.ApplyUpdate(101, nil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = mustOpen(t, path, c)
	if off, _ := db.Offset(); off != 102 {
		t.Errorf("offset %d after reopening, want 102", off)
	}
	as, _ := db.Assignments("")
	if len(as) != 1 || len(as[0].Notes) != 1 || as[0].Notes[0].Text != "a" {
		t.Errorf("assignments %+v", as)
	}
	if entries, _ := db.Audit(AuditFilter{}); len(entries) != 1 || entries[0].Note != "a" {
		t.Errorf("audit %+v", entries)
	}
}

func TestAuditOrderAndFilter(t *testing.T) {
	c := &clock{time.Date(2024, 11, 19, 8, 0, 0, 0, time.UTC)}
	db := mustOpen(t, filepath.Join(t.TempDir(), "n.db"), c)
	at := func(h int) time.Time { return c.t.Add(time.Duration(h) * time.Hour) }
	in := []AuditEntry{
		{At: at(2), Who: "an", Via: "button", Assignment: "k1", Action: "done"},
		{At: at(1), Who: "binh", Via: "command", Assignment: "k2", Action: "note", Note: "x"},
		{At: at(2), Who: "an", Via: "cli", Assignment: "k1", Action: "undo"},
		{At: at(3), Who: "an", Via: "reply", Assignment: "k2", Action: "evidence"},
	}
	if err := db.ApplyChange(func(_ scheduler.Tx, audit func(AuditEntry) error) error {
		for _, e := range in {
			if err := audit(e); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	actions := func(f AuditFilter) []string {
		es, err := db.Audit(f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.Action)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		f    AuditFilter
		want []string
	}{
		{"all, in time order, same time in write order", AuditFilter{}, []string{"note", "done", "undo", "evidence"}},
		{"assignment", AuditFilter{Assignment: "k1"}, []string{"done", "undo"}},
		{"who", AuditFilter{Who: "binh"}, []string{"note"}},
		{"since and until", AuditFilter{Since: at(2), Until: at(3)}, []string{"done", "undo"}},
		{"limit", AuditFilter{Limit: 2}, []string{"note", "done"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := actions(tt.f); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if err := db.ApplyChange(func(_ scheduler.Tx, audit func(AuditEntry) error) error {
		return audit(AuditEntry{Assignment: "k"})
	}); err == nil {
		t.Error("an entry without time was accepted")
	}
}

func TestSentMessagesAndShortIDs(t *testing.T) {
	c := &clock{time.Date(2024, 11, 19, 8, 0, 0, 0, time.UTC)}
	db := mustOpen(t, filepath.Join(t.TempDir(), "n.db"), c)
	keys := []string{"60/KH-SCT|III.2.1@2024|vp", "60/KH-SCT|I.4.1@2024-09|vp"}
	if err := db.RecordSent(-100123, 42, SentMessage{Keys: keys, Kind: "reminder", At: c.t}); err != nil {
		t.Fatal(err)
	}
	m, ok, err := db.SentMessage(-100123, 42)
	if err != nil || !ok || !slices.Equal(m.Keys, keys) || m.Kind != "reminder" {
		t.Errorf("SentMessage = %+v, %t, %v", m, ok, err)
	}
	if _, ok, _ := db.SentMessage(-100123, 43); ok {
		t.Error("unknown message found")
	}
	for _, k := range keys {
		s := ShortID(k)
		if len(s) != 12 || len("d:"+s) > 64 {
			t.Errorf("short id %q", s)
		}
		if got, ok, err := db.ShortKey(s); err != nil || !ok || got != k {
			t.Errorf("ShortKey(%q) = %q, %t, %v", s, got, ok, err)
		}
	}
	// A key whose message was never recorded is found among assignments.
	lost := "60/KH-SCT|II.1@2024|qltm"
	if err := db.Scheduler().Update(func(tx scheduler.Tx) error {
		return tx.PutAssignment(scheduler.Assignment{Key: lost, State: scheduler.StateOpen})
	}); err != nil {
		t.Fatal(err)
	}
	if got, ok, _ := db.ShortKey(ShortID(lost)); !ok || got != lost {
		t.Errorf("fallback ShortKey = %q, %t", got, ok)
	}
	if _, ok, _ := db.ShortKey("AAAAAAAAAAAA"); ok {
		t.Error("unknown short id found")
	}
}

// TestInbox: updates received are kept until applied, in any order; the
// offset moves past them at once; each is applied once, also after a
// reopening; an update never received still applies by the offset.
func TestInbox(t *testing.T) {
	c := &clock{time.Date(2024, 11, 19, 8, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "n.db")
	db := mustOpen(t, path, c)
	if err := db.ReceiveUpdates([]InboxUpdate{{ID: 10, Raw: []byte(`{"update_id":10}`)}, {ID: 11, Raw: []byte(`{"update_id":11}`)},
		{ID: 13, Raw: []byte(`{"update_id":13}`)}}); err != nil {
		t.Fatal(err)
	}
	if off, _ := db.Offset(); off != 14 {
		t.Errorf("offset %d after receiving 10–13, want 14", off)
	}
	ran := 0
	count := func(scheduler.Tx, func(AuditEntry) error) error { ran++; return nil }
	if err := db.ApplyUpdate(13, count); err != nil {
		t.Fatal(err)
	}
	if err := db.ApplyUpdate(11, func(scheduler.Tx, func(AuditEntry) error) error { return errors.New("boom") }); err == nil {
		t.Fatal("failure not reported")
	}
	if err := db.ApplyUpdate(13, count); !errors.Is(err, ErrUpdateApplied) {
		t.Errorf("update 13 applied twice: %v", err)
	}
	db.Close()
	db = mustOpen(t, path, c)
	in, err := db.Inbox()
	if err != nil {
		t.Fatal(err)
	}
	var ids []int
	for _, u := range in {
		ids = append(ids, u.ID)
	}
	if !slices.Equal(ids, []int{10, 11}) || string(in[1].Raw) != `{"update_id":11}` {
		t.Errorf("inbox %v after reopening, want 10 and 11 (11 failed)", ids)
	}
	// Received again (a getUpdates answer repeated): nothing changes.
	if err := db.ReceiveUpdates([]InboxUpdate{{ID: 13, Raw: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	if in, _ := db.Inbox(); len(in) != 2 {
		t.Errorf("inbox holds %d after a repeated update, want 2", len(in))
	}
	for _, id := range []int{11, 10} {
		if err := db.ApplyUpdate(id, count); err != nil {
			t.Fatal(err)
		}
	}
	if in, _ := db.Inbox(); ran != 3 || len(in) != 0 {
		t.Errorf("%d updates applied, %d left in the inbox; want 3 and 0", ran, len(in))
	}
	if err := db.ApplyUpdate(20, count); err != nil {
		t.Fatal(err)
	}
	if off, _ := db.Offset(); off != 21 {
		t.Errorf("offset %d after update 20 applied directly, want 21", off)
	}
}
