package bot

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

func TestReminderKeyboard(t *testing.T) {
	e := newEnv(t, nil)
	id := e.remind(userAn.ID, kIII21)
	s := store.ShortID(kIII21)
	if kb := e.keyboard(userAn.ID, id); !slices.Equal(kb, []string{"d:" + s, "s:" + s, "n:" + s}) {
		t.Errorf("keyboard %v", kb)
	}
	m, _ := e.srv.Message(userAn.ID, id)
	var labels []string
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			labels = append(labels, b.Text)
			if len(b.CallbackData) > 64 {
				t.Errorf("callback data %q over 64 bytes", b.CallbackData)
			}
		}
	}
	if !slices.Equal(labels, []string{"✅ Hoàn thành", "⏰ Nhắc lại sau", "📝 Ghi chú"}) {
		t.Errorf("labels %v", labels)
	}
}

func TestButtonDone(t *testing.T) {
	e := newEnv(t, nil)
	id := e.remind(userAn.ID, kIII21)
	e.srv.PushCallback(userAn.ID, userAn, id, "d:"+store.ShortID(kIII21))
	e.poll()
	if a := e.assignment(kIII21); a.State != scheduler.StateDone || a.DoneBy != "an" || a.Next != nil {
		t.Errorf("after the button: %+v", a)
	}
	if ans := e.lastAnswer(); !strings.Contains(ans.Text, "Đã ghi nhận hoàn thành") || ans.ShowAlert {
		t.Errorf("answer %+v", ans)
	}
	if kb := e.keyboard(userAn.ID, id); len(kb) != 0 {
		t.Errorf("keyboard not removed: %v", kb)
	}
	contains(t, "confirmation", e.last(userAn.ID).Text, "Đã ghi nhận hoàn thành nhiệm vụ III.2.1")
	wantAudit(t, e, store.AuditEntry{Who: "an", Via: "button", Assignment: kIII21, Action: "done"})

	// A second press on a stale button: answered, nothing changes.
	e.srv.PushCallback(userAn.ID, userAn, id, "d:"+store.ShortID(kIII21))
	e.poll()
	if ans := e.lastAnswer(); !strings.Contains(ans.Text, "đã hoàn thành trước đó") {
		t.Errorf("answer %+v", ans)
	}
	if len(e.audit()) != 1 {
		t.Errorf("audit %v", e.audit())
	}
}

func TestDigestButtonUpdatesKeyboard(t *testing.T) {
	e := newEnv(t, nil)
	id := e.remind(userAn.ID, kIII21, kIII221, kI41June)
	m, _ := e.srv.Message(userAn.ID, id)
	var labels []string
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			labels = append(labels, b.Text)
		}
	}
	if !slices.Equal(labels, []string{"✅ III.2.1", "✅ III.2.2.1", "✅ I.4.1"}) {
		t.Errorf("digest labels %v", labels)
	}
	e.srv.PushCallback(userAn.ID, userAn, id, "d:"+store.ShortID(kIII221))
	e.poll()
	if kb := e.keyboard(userAn.ID, id); !slices.Equal(kb, []string{"d:" + store.ShortID(kIII21), "d:" + store.ShortID(kI41June)}) {
		t.Errorf("keyboard after one done: %v", kb)
	}
	if e.assignment(kIII221).State != scheduler.StateDone || e.assignment(kIII21).State != scheduler.StateOpen {
		t.Error("wrong task marked")
	}
}

func TestButtonSnooze(t *testing.T) {
	for _, tt := range []struct {
		data string
		days int
	}{{"s1", 1}, {"s3", 3}} {
		t.Run(tt.data, func(t *testing.T) {
			e := newEnv(t, nil)
			id := e.remind(userAn.ID, kIII21)
			s := store.ShortID(kIII21)
			e.srv.PushCallback(userAn.ID, userAn, id, "s:"+s)
			e.poll()
			if kb := e.keyboard(userAn.ID, id); !slices.Equal(kb, []string{"s1:" + s, "s3:" + s, "b:" + s}) {
				t.Fatalf("snooze keyboard %v", kb)
			}
			contains(t, "answer", e.lastAnswer().Text, "Chọn thời gian")
			if len(e.audit()) != 0 {
				t.Error("showing choices was audited")
			}
			e.srv.PushCallback(userAn.ID, userAn, id, tt.data+":"+s)
			// 1 or 3 working days from Tuesday 19/11: Wednesday or Friday, 07:30.
			want := time.Date(2024, 11, 19+map[int]int{1: 1, 3: 3}[tt.days], 7, 30, 0, 0, ict())
			e.poll()
			if a := e.assignment(kIII21); !a.SnoozedUntil.Equal(want) || a.Next == nil || a.Next.At.Before(want) {
				t.Errorf("snoozed until %s, next %+v; want %s", a.SnoozedUntil, a.Next, want)
			}
			if kb := e.keyboard(userAn.ID, id); !slices.Equal(kb, []string{"d:" + s, "s:" + s, "n:" + s}) {
				t.Errorf("keyboard after snoozing %v", kb)
			}
			contains(t, "answer", e.lastAnswer().Text, "Sẽ nhắc lại từ")
			if len(e.audit()) != 1 || e.audit()[0].Action != "snooze" {
				t.Errorf("audit %v", e.audit())
			}
		})
	}
}

func TestButtonBack(t *testing.T) {
	e := newEnv(t, nil)
	id := e.remind(userAn.ID, kIII21)
	s := store.ShortID(kIII21)
	e.srv.PushCallback(userAn.ID, userAn, id, "s:"+s)
	e.srv.PushCallback(userAn.ID, userAn, id, "b:"+s)
	e.poll()
	if kb := e.keyboard(userAn.ID, id); !slices.Equal(kb, []string{"d:" + s, "s:" + s, "n:" + s}) {
		t.Errorf("keyboard after back %v", kb)
	}
	if n := len(e.srv.Answers()); n != 2 {
		t.Errorf("%d answers for 2 presses", n)
	}
}

func TestButtonNote(t *testing.T) {
	e := newEnv(t, nil)
	id := e.remind(userAn.ID, kIII21)
	e.srv.PushCallback(userAn.ID, userAn, id, "n:"+store.ShortID(kIII21))
	e.poll()
	prompt := e.last(userAn.ID)
	contains(t, "prompt", prompt.Text, "Trả lời (reply) tin nhắn này bằng nội dung ghi chú", "III.2.1")
	contains(t, "markup", prompt.ReplyMarkup, `"force_reply":true`)
	e.srv.PushReply(userAn.ID, userAn, prompt.MessageID, "Đã trình lãnh đạo <ký> & ban hành")
	e.poll()
	a := e.assignment(kIII21)
	if len(a.Notes) != 1 || a.Notes[0].Text != "Đã trình lãnh đạo <ký> & ban hành" || a.State != scheduler.StateOpen {
		t.Errorf("after the note: %+v", a)
	}
	wantAudit(t, e, store.AuditEntry{Who: "an", Via: "reply", Assignment: kIII21, Action: "note", Note: "Đã trình lãnh đạo <ký> & ban hành"})
}

func TestEveryPressAnswered(t *testing.T) {
	e := newEnv(t, nil)
	id := e.remind(userAn.ID, kIII21)
	s := store.ShortID(kIII21)
	e.srv.PushCallback(userAn.ID, userAn, id, "d:"+s)
	e.srv.PushCallback(userAn.ID, userAn, id, "garbage")
	e.srv.PushCallback(userAn.ID, userAn, id, "x:"+s)
	e.srv.PushCallback(userAn.ID, userAn, id, "d:AAAAAAAAAAAA")
	e.srv.PushCallback(userAn.ID, userStranger, id, "d:"+s)
	e.srv.PushCallback(userAn.ID, userBinh, id, "u:"+s)
	e.srv.PushCallback(userAn.ID, userAn, id, "u:"+s)
	if n := e.poll(); n != 7 {
		t.Fatalf("handled %d", n)
	}
	if n := len(e.srv.Answers()); n != 7 {
		t.Errorf("%d answers for 7 presses", n)
	}
	if e.srv.Pending() != 7 {
		t.Fatal("updates confirmed before the next poll")
	}
	e.poll()
	if e.srv.Pending() != 0 {
		t.Error("updates left after the next poll")
	}
	if a := e.assignment(kIII21); a.State != scheduler.StateOpen {
		t.Errorf("after done then undo: %s", a.State)
	}
}

// TestGroup: in a unit's group the bot acts on replies to its reminders
// and on their buttons, from whoever of the unit answers.
func TestGroup(t *testing.T) {
	const group = -100424242
	e := newEnv(t, nil)
	first := e.remind(group, kIII21)
	second := e.remind(group, kIII221)
	e.srv.PushReply(group, userAn, first, "Đã hoàn thành")
	e.srv.PushCallback(group, userAdmin, second, "d:"+store.ShortID(kIII221))
	e.poll()
	if a := e.assignment(kIII21); a.State != scheduler.StateDone || a.DoneBy != "an" {
		t.Errorf("reply in the group: %+v", a)
	}
	if a := e.assignment(kIII221); a.State != scheduler.StateDone || a.DoneBy != "quantri" {
		t.Errorf("button in the group: %+v", a)
	}
	contains(t, "confirmation", e.last(group).Text, "Quản trị viên")
}
