package bot

import (
	"testing"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/scheduler"
)

// TestChooseFindsTasksWhenKeysFindNone: a task named in a command is looked
// up by its assignments' keys in each plan the engine planned. When that
// finds nothing, the plans' task ids are read from the sync marks: a
// stored task id written unlike the canonical form ParseTaskRef gives (not
// one the importer writes, but one a database may hold) is found there,
// and an id that names no task is answered without reading every
// assignment (an assignment of a plan the engine does not plan, which a
// read of every assignment would find, is not acted on). Every assignment
// is read only before the engine's first plan, when it knows no plan yet
// while the bot already answers.
func TestChooseFindsTasksWhenKeysFindNone(t *testing.T) {
	t.Run("stored task id not canonical", func(t *testing.T) {
		e := newEnv(t, nil)
		const key = "60/KH-SCT|iii.3.1.@2024|vp"
		err := e.db.Scheduler().Update(func(tx scheduler.Tx) error {
			if err := tx.PutAssignment(scheduler.Assignment{Key: key, Plan: "60/KH-SCT", TaskID: "iii.3.1.", Occurrence: "iii.3.1.@2024",
				Unit: "vp", DueDay: calendar.Date{Year: 2024, Month: 12, Day: 31}, State: scheduler.StateOpen}); err != nil {
				return err
			}
			return tx.PutSyncMark("60/KH-SCT", "iii.3.1.", 1) // as Sync writes for every task it plans
		})
		if err != nil {
			t.Fatal(err)
		}
		e.srv.PushText(userAn.ID, userAn, "/xong III.3.1 Đã xong")
		if n := e.poll(); n != 1 {
			t.Fatalf("handled %d updates", n)
		}
		contains(t, "reply", e.last(userAn.ID).Text, "Đã ghi nhận hoàn thành nhiệm vụ iii.3.1. của Văn phòng Sở")
		if a := e.assignment(key); a.State != scheduler.StateDone || a.Note != "Đã xong" {
			t.Errorf("assignment %s is %s (note %q), want done", key, a.State, a.Note)
		}
	})
	t.Run("before the engine's first plan", func(t *testing.T) {
		e := newEnv(t, nil)
		e.restart() // a new engine: the daemon's bot runs while it plans
		if plans := e.eng.Plans(); len(plans) != 0 {
			t.Fatalf("the engine knows plans %v before its first plan", plans)
		}
		e.srv.PushText(userAn.ID, userAn, "/xong III.2.1")
		if n := e.poll(); n != 1 {
			t.Fatalf("handled %d updates", n)
		}
		contains(t, "reply", e.last(userAn.ID).Text, "Đã ghi nhận hoàn thành nhiệm vụ III.2.1 của Văn phòng Sở")
		if a := e.assignment(kIII21); a.State != scheduler.StateDone {
			t.Errorf("assignment %s is %s, want done", kIII21, a.State)
		}
	})
	t.Run("an id that names no task", func(t *testing.T) {
		e := newEnv(t, nil)
		const key = "99/KH-KHAC|III.9.9@2024|vp" // a plan the engine does not plan, no mark
		err := e.db.Scheduler().Update(func(tx scheduler.Tx) error {
			return tx.PutAssignment(scheduler.Assignment{Key: key, Plan: "99/KH-KHAC", TaskID: "III.9.9", Occurrence: "III.9.9@2024",
				Unit: "vp", DueDay: calendar.Date{Year: 2024, Month: 12, Day: 31}, State: scheduler.StateOpen})
		})
		if err != nil {
			t.Fatal(err)
		}
		e.srv.PushText(userAn.ID, userAn, "/xong III.9.9")
		if n := e.poll(); n != 1 {
			t.Fatalf("handled %d updates", n)
		}
		contains(t, "reply", e.last(userAn.ID).Text, "Không tìm thấy nhiệm vụ III.9.9")
		if a := e.assignment(key); a.State != scheduler.StateOpen {
			t.Errorf("assignment %s is %s: every assignment was read", key, a.State)
		}
	})
}
