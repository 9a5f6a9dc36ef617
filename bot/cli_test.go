package bot

import (
	"errors"
	"testing"

	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

func TestCLI(t *testing.T) {
	e := newEnv(t, nil)
	now := e.clock.Now()
	tests := []struct {
		name   string
		run    func() (scheduler.Assignment, error)
		key    string
		state  scheduler.State
		errIs  error
		errAny bool
	}{
		{"done by task id", func() (scheduler.Assignment, error) {
			return Complete(e.db, e.eng, "iii.2.1", "", "quantri", "qua điện thoại", now)
		}, kIII21, scheduler.StateDone, nil, false},
		{"done twice", func() (scheduler.Assignment, error) { return Complete(e.db, e.eng, "III.2.1", "", "quantri", "", now) },
			"", "", scheduler.ErrNotFound, false},
		{"several units", func() (scheduler.Assignment, error) { return Complete(e.db, e.eng, "I.5", "", "quantri", "", now) },
			"", "", ErrAmbiguous, false},
		{"unit given", func() (scheduler.Assignment, error) { return Complete(e.db, e.eng, "I.5", "qltm", "quantri", "", now) },
			kI5qltm, scheduler.StateDone, nil, false},
		{"by key", func() (scheduler.Assignment, error) { return Complete(e.db, e.eng, kIII221, "", "quantri", "", now) },
			kIII221, scheduler.StateDone, nil, false},
		{"bad id", func() (scheduler.Assignment, error) { return Complete(e.db, e.eng, "abc", "", "quantri", "", now) },
			"", "", nil, true},
		{"reopen", func() (scheduler.Assignment, error) { return Reopen(e.db, e.eng, "III.2.1", "", "quantri", now) },
			kIII21, scheduler.StateOpen, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := tt.run()
			switch {
			case tt.errIs != nil || tt.errAny:
				if err == nil || tt.errIs != nil && !errors.Is(err, tt.errIs) {
					t.Errorf("err = %v, want %v", err, tt.errIs)
				}
			case err != nil:
				t.Fatal(err)
			case a.Key != tt.key || a.State != tt.state:
				t.Errorf("assignment %s is %s", a.Key, a.State)
			case a.State == scheduler.StateDone && (a.DoneBy != "quantri" || a.DoneVia != "cli" || a.Next != nil):
				t.Errorf("done mark %+v", a)
			}
		})
	}
	wantAudit(t, e,
		store.AuditEntry{Who: "quantri", Via: "cli", Assignment: kIII21, Action: "done", Note: "qua điện thoại"},
		store.AuditEntry{Who: "quantri", Via: "cli", Assignment: kI5qltm, Action: "done"},
		store.AuditEntry{Who: "quantri", Via: "cli", Assignment: kIII221, Action: "done"},
		store.AuditEntry{Who: "quantri", Via: "cli", Assignment: kIII21, Action: "undo"})
}
