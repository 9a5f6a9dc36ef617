package action

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

type noNext struct{}

func (noNext) NextFor(scheduler.Assignment) *scheduler.Pending { return nil }

var (
	at    = time.Date(2024, 9, 10, 9, 0, 0, 0, time.UTC)
	staff = Actor{Who: "an", Name: "An", Unit: "vp", Role: org.RoleStaff, Known: true}
	other = Actor{Who: "binh", Name: "Bình", Unit: "tc", Role: org.RoleStaff, Known: true}
	admin = Actor{Who: "root", Name: "Admin", Role: org.RoleAdmin, Known: true}
	// A leader of no unit may change nothing, as in the bot.
	leader   = Actor{Who: "lead", Name: "Lãnh đạo", Role: org.RoleLeader, Known: true}
	stranger = Actor{Who: "telegram:9", Name: "?", Unit: "vp"}
)

const key = "60/KH-SCT|I.1@2024|vp"

func openDB(t *testing.T, states ...scheduler.State) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st := scheduler.StateOpen
	if len(states) > 0 {
		st = states[0]
	}
	a := scheduler.Assignment{Key: key, Plan: "60/KH-SCT", TaskID: "I.1", Occurrence: "I.1@2024", Unit: "vp", State: st, DueDay: calendar.Date{Year: 2024, Month: 12, Day: 31}}
	if st == scheduler.StateDone {
		a.DoneAt, a.DoneBy, a.DoneVia = at.Add(-time.Hour), "an", "telegram"
	}
	if err := db.ApplyChange(func(tx scheduler.Tx, _ func(store.AuditEntry) error) error { return tx.PutAssignment(a) }); err != nil {
		t.Fatal(err)
	}
	return db
}

func apply(t *testing.T, db *store.DB, c Change, k string, r Request) Outcome {
	t.Helper()
	var o Outcome
	err := db.ApplyChange(func(tx scheduler.Tx, audit func(store.AuditEntry) error) error {
		var err error
		o, err = Apply(tx, audit, noNext{}, c, k, r)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func stored(t *testing.T, db *store.DB) scheduler.Assignment {
	t.Helper()
	as, err := db.Assignments("")
	if err != nil || len(as) != 1 {
		t.Fatalf("assignments %v, %v", as, err)
	}
	return as[0]
}

func audits(t *testing.T, db *store.DB) []store.AuditEntry {
	t.Helper()
	es, err := db.Audit(store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// TestRefusalsChangeNothing: every refusal leaves the assignment and the
// audit log as they were.
func TestRefusalsChangeNothing(t *testing.T) {
	tests := []struct {
		name  string
		state scheduler.State
		who   Actor
		key   string
		r     Request
		want  Status
	}{
		{"other unit", scheduler.StateOpen, other, key, Request{Kind: Done}, Forbidden},
		{"leader of no unit", scheduler.StateOpen, leader, key, Request{Kind: Note, Note: "x"}, Forbidden},
		{"unknown person of the unit", scheduler.StateOpen, stranger, key, Request{Kind: Done}, Forbidden},
		{"done twice", scheduler.StateDone, staff, key, Request{Kind: Done}, AlreadyDone},
		{"undo of open", scheduler.StateOpen, staff, key, Request{Kind: Undo}, NotDone},
		{"snooze of done", scheduler.StateDone, staff, key, Request{Kind: Snooze, Until: at.Add(48 * time.Hour)}, NotOpen},
		{"archived", scheduler.StateArchived, admin, key, Request{Kind: Done}, Gone},
		{"missing", scheduler.StateOpen, admin, "60/KH-SCT|I.9@2024|vp", Request{Kind: Done}, Gone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t, tt.state)
			before := stored(t, db)
			o := apply(t, db, Change{Actor: tt.who, Via: ViaWeb, At: at}, tt.key, tt.r)
			if o.Status != tt.want || o.Changed() {
				t.Fatalf("status %d, want %d", o.Status, tt.want)
			}
			after := stored(t, db)
			if after.State != before.State || !after.DoneAt.Equal(before.DoneAt) || len(after.Notes) != 0 || !after.SnoozedUntil.IsZero() {
				t.Errorf("assignment changed: %+v", after)
			}
			if es := audits(t, db); len(es) != 0 {
				t.Errorf("audit written on refusal: %+v", es)
			}
			if tt.key == key && Check(tt.who, before, tt.r.Kind) != tt.want {
				t.Errorf("Check disagrees with Apply")
			}
		})
	}
}

func TestDoneRecordsItsDoor(t *testing.T) {
	for via, want := range map[string]string{ViaWeb: "web", ViaCLI: "cli", ViaButton: "telegram", ViaReply: "telegram", ViaCommand: "telegram"} {
		t.Run(via, func(t *testing.T) {
			db := openDB(t)
			o := apply(t, db, Change{Actor: staff, Via: via, At: at}, key, Request{Kind: Done, Note: "gửi báo cáo số 12"})
			if !o.Changed() {
				t.Fatalf("status %d", o.Status)
			}
			a := stored(t, db)
			if a.State != scheduler.StateDone || a.DoneVia != want || a.DoneBy != "an" || !a.DoneAt.Equal(at) || a.Note != "gửi báo cáo số 12" {
				t.Errorf("stored %+v", a)
			}
			es := audits(t, db)
			if len(es) != 1 || es[0].Via != via || es[0].Action != "done" || es[0].Who != "an" || es[0].Note != "gửi báo cáo số 12" {
				t.Errorf("audit %+v", es)
			}
			// The office's digest finds the completion.
			var keys []string
			db.Scheduler().View(func(tx scheduler.Tx) (err error) { keys, err = tx.Completions(at); return })
			if len(keys) != 1 || keys[0] != key {
				t.Errorf("completions %v", keys)
			}
		})
	}
}

func TestUndoSnoozeNoteEvidence(t *testing.T) {
	db := openDB(t, scheduler.StateDone)
	c := Change{Actor: admin, Via: ViaWeb, At: at}
	if o := apply(t, db, c, key, Request{Kind: Undo}); !o.Changed() || o.Assignment.State != scheduler.StateOpen || o.Assignment.DoneVia != "" {
		t.Fatalf("undo: %+v", o)
	}
	until := at.Add(72 * time.Hour)
	apply(t, db, c, key, Request{Kind: Snooze, Until: until})
	apply(t, db, c, key, Request{Kind: Note, Note: "đang làm"})
	apply(t, db, c, key, Request{Kind: Evidence, Evidence: &scheduler.Evidence{Name: "Báo cáo.pdf", Path: "/x/1.pdf"}})
	a := stored(t, db)
	if !a.SnoozedUntil.Equal(until) || len(a.Notes) != 1 || a.Notes[0].By != "root" || len(a.Evidence) != 1 ||
		a.Evidence[0].By != "root" || !a.Evidence[0].At.Equal(at) || a.Evidence[0].Name != "Báo cáo.pdf" {
		t.Errorf("stored %+v", a)
	}
	es := audits(t, db)
	notes := []string{"", until.Format(time.RFC3339), "đang làm", "Báo cáo.pdf"}
	if len(es) != len(notes) {
		t.Fatalf("audit %+v", es)
	}
	for i, e := range es {
		if e.Note != notes[i] {
			t.Errorf("audit %d note %q, want %q", i, e.Note, notes[i])
		}
	}
}

func TestUnitOfKey(t *testing.T) {
	if got := UnitOfKey("60/KH-SCT|I.4.1@2024-09|vp"); got != "vp" {
		t.Errorf("got %q", got)
	}
}
