package bot

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

func TestCommands(t *testing.T) {
	tests := []struct {
		name  string
		chat  int64 // 0: the user's private chat
		user  telegramtest.User
		text  string
		reply []string // the bot's answer contains these
		check func(t *testing.T, e *env)
	}{
		{name: "viec lists the unit's open tasks due first", user: userAn, text: "/viec",
			reply: []string{"Nhiệm vụ đang mở của Văn phòng Sở", "I.4.1@2024-06 — Hạn 25/06/2024 (quá hạn", "III.2.1 — Hạn 31/12/2024 (còn 30 ngày làm việc)",
				"Rà soát <quy trình> nội bộ & \"một cửa\""},
			check: func(t *testing.T, e *env) {
				if text := e.last(userAn.ID).Text; strings.Contains(text, "II.1 ") || strings.Index(text, "I.4.1@2024-06") > strings.Index(text, "III.2.1") {
					t.Errorf("list shows another unit's task or is out of order:\n%s", text)
				}
			}},
		{name: "tasks is viec", user: userBinh, text: "/tasks", reply: []string{"Phòng Quản lý thương mại", "II.1", "I.5"}},
		{name: "viec with a task id shows its full text and every period's state", user: userBinh, text: "/viec i.4.1",
			reply: []string{"📄 I.4.1 (Kế hoạch 60/KH-SCT)\nCập nhật, công khai thủ tục hành chính", "Kết quả/sản phẩm: Báo cáo",
				"Tiến độ: Hằng tháng", "• I.4.1 (tháng 6/2024) — Văn phòng Sở: Hạn 25/06/2024 (quá hạn 103 ngày làm việc)",
				"• I.4.1 (tháng 12/2024) — Văn phòng Sở: Hạn 25/12/2024 (còn 26 ngày làm việc)"}},
		{name: "viec with an unknown task id", user: userBinh, text: "/viec IX.9", reply: []string{"Không có nhiệm vụ IX.9"}},
		{name: "xong marks done with a note", user: userAn, text: "/xong III.2.1 Đã gửi báo cáo <số 12>",
			reply: []string{"Đã ghi nhận hoàn thành nhiệm vụ III.2.1 của Văn phòng Sở", "Nguyễn Văn An", "Ghi chú: Đã gửi báo cáo <số 12>", "/huy III.2.1@2024"},
			check: func(t *testing.T, e *env) {
				a := e.assignment(kIII21)
				if a.State != scheduler.StateDone || a.DoneBy != "an" || a.DoneVia != "telegram" || a.Note != "Đã gửi báo cáo <số 12>" || a.Next != nil {
					t.Errorf("assignment = %+v", a)
				}
				wantAudit(t, e, store.AuditEntry{Who: "an", Via: "command", Assignment: kIII21, Action: "done", Note: "Đã gửi báo cáo <số 12>"})
			}},
		{name: "done alias, id in any case and spacing", user: userAn, text: "/done iii. 2. 2.1", reply: []string{"III.2.2.1"},
			check: func(t *testing.T, e *env) {
				if a := e.assignment(kIII221); a.State != scheduler.StateDone {
					t.Errorf("state %s", a.State)
				}
			}},
		{name: "without period the earliest open occurrence", user: userAn, text: "/xong I.4.1", reply: []string{"I.4.1 (tháng 6/2024)"},
			check: func(t *testing.T, e *env) {
				if a := e.assignment(kI41June); a.State != scheduler.StateDone {
					t.Errorf("state %s", a.State)
				}
				if a := e.assignment("60/KH-SCT|I.4.1@2024-07|vp"); a.State != scheduler.StateOpen {
					t.Errorf("July is %s", a.State)
				}
			}},
		{name: "with period that occurrence", user: userAn, text: "/xong I.4.1@2024-9", reply: []string{"I.4.1 (tháng 9/2024)"},
			check: func(t *testing.T, e *env) {
				if a := e.assignment("60/KH-SCT|I.4.1@2024-09|vp"); a.State != scheduler.StateDone {
					t.Errorf("state %s", a.State)
				}
			}},
		{name: "hoan days", user: userAn, text: "/hoan III.2.1 3", reply: []string{"sẽ được nhắc lại từ 07:30 22/11/2024"},
			check: func(t *testing.T, e *env) {
				a := e.assignment(kIII21)
				if want := time.Date(2024, 11, 22, 7, 30, 0, 0, ict()); !a.SnoozedUntil.Equal(want) || a.Next == nil || a.Next.At.Before(want) {
					t.Errorf("snoozed until %s, next %+v", a.SnoozedUntil, a.Next)
				}
				wantAudit(t, e, store.AuditEntry{Who: "an", Via: "command", Assignment: kIII21, Action: "snooze", Note: "2024-11-22T07:30:00+07:00"})
			}},
		{name: "snooze date", user: userAn, text: "/snooze III.2.1 02/12/2024", reply: []string{"từ 07:30 02/12/2024"},
			check: func(t *testing.T, e *env) {
				if a := e.assignment(kIII21); !a.SnoozedUntil.Equal(time.Date(2024, 12, 2, 7, 30, 0, 0, ict())) {
					t.Errorf("snoozed until %s", a.SnoozedUntil)
				}
			}},
		{name: "hoan past date", user: userAn, text: "/hoan III.2.1 01/11/2024", reply: []string{"ngày nhắc lại phải sau hôm nay", "Cú pháp"}},
		{name: "ghichu", user: userAn, text: "/ghichu III.2.1 Đang lấy ý kiến & tổng hợp", reply: []string{"Đã ghi chú", "Đang lấy ý kiến & tổng hợp"},
			check: func(t *testing.T, e *env) {
				a := e.assignment(kIII21)
				if len(a.Notes) != 1 || a.Notes[0].Text != "Đang lấy ý kiến & tổng hợp" || a.Notes[0].By != "an" {
					t.Errorf("notes = %+v", a.Notes)
				}
			}},
		{name: "huy of an open task", user: userAn, text: "/huy III.2.1", reply: []string{"chưa được đánh dấu hoàn thành"}},
		{name: "giupdo", user: userStranger, text: "/giupdo", reply: []string{"/xong", "/hoan", "/ghichu", "/huy", "/tasks"}},
		{name: "help", user: userAn, text: "/help", reply: []string{"I.4.1@2024-09"}},
		{name: "start without code", user: userStranger, text: "/start", reply: []string{"Mã Telegram của bạn: 9009", "quản trị viên"}},
		{name: "start of a known user", user: userAn, text: "/start", reply: []string{"Chào Nguyễn Văn An"}},
		{name: "group command to this bot", chat: -100500, user: userAn, text: "/xong@" + telegramtest.BotUsername + " III.2.1",
			reply: []string{"III.2.1"}},
		{name: "admin reaches every unit, asks which", user: userAdmin, text: "/xong I.5", reply: []string{"nhiều đơn vị"},
			check: func(t *testing.T, e *env) {
				if kb := e.keyboard(userAdmin.ID, e.last(userAdmin.ID).MessageID); len(kb) != 2 {
					t.Errorf("keyboard %v, want one button per unit", kb)
				}
			}},
		{name: "other unit's task refused", user: userBinh, text: "/xong III.2.1", reply: []string{"không có quyền", "Văn phòng Sở"},
			check: func(t *testing.T, e *env) {
				if a := e.assignment(kIII21); a.State != scheduler.StateOpen || len(e.audit()) != 0 {
					t.Errorf("state %s, audit %v", a.State, e.audit())
				}
			}},
		{name: "group-led task: own unit's share", user: userBinh, text: "/xong I.5", reply: []string{"I.5 của Phòng Quản lý thương mại"},
			check: func(t *testing.T, e *env) {
				if e.assignment(kI5qltm).State != scheduler.StateDone || e.assignment(kI5vp).State != scheduler.StateOpen {
					t.Error("wrong unit's share marked")
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			chat := tt.chat
			if chat == 0 {
				chat = tt.user.ID
			}
			e.srv.PushText(chat, tt.user, tt.text)
			if n := e.poll(); n != 1 {
				t.Fatalf("handled %d updates", n)
			}
			got := e.last(chat)
			if got.ParseMode != "HTML" {
				t.Errorf("parse mode %q", got.ParseMode)
			}
			contains(t, "reply", got.Text, tt.reply...)
			if tt.check != nil {
				tt.check(t, e)
			}
		})
	}
}

// wantAudit checks the audit log is exactly want (times not compared).
func wantAudit(t *testing.T, e *env, want ...store.AuditEntry) {
	t.Helper()
	got := e.audit()
	for i := range got {
		if got[i].At.IsZero() {
			t.Errorf("audit entry %d without time", i)
		}
		got[i].At = time.Time{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("audit = %+v\nwant %+v", got, want)
	}
}

func TestUndoReopens(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.PushText(userAn.ID, userAn, "/xong III.2.1")
	e.srv.PushText(userAn.ID, userAn, "/undo III.2.1")
	if n := e.poll(); n != 2 {
		t.Fatalf("handled %d", n)
	}
	a := e.assignment(kIII21)
	if a.State != scheduler.StateOpen || a.DoneBy != "" || a.Next == nil {
		t.Errorf("after undo: %+v", a)
	}
	contains(t, "reply", e.last(userAn.ID).Text, "được mở lại")
	wantAudit(t, e, store.AuditEntry{Who: "an", Via: "command", Assignment: kIII21, Action: "done"},
		store.AuditEntry{Who: "an", Via: "command", Assignment: kIII21, Action: "undo"})
}

func TestRegisterCommands(t *testing.T) {
	e := newEnv(t, nil)
	if err := e.bot.RegisterCommands(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range e.srv.Commands(telegramtest.BotCommandScope{}, "") {
		got[c.Command] = c.Description
	}
	for _, name := range []string{"viec", "xong", "hoan", "ghichu", "huy", "giupdo", "tasks", "done", "snooze", "note", "undo", "help"} {
		if got[name] == "" {
			t.Errorf("command %s not registered: %v", name, got)
		}
	}
	contains(t, "description", got["xong"], "Đánh dấu hoàn thành")
}

func TestOnUpdateCountsKinds(t *testing.T) {
	var kinds []string
	e := newEnv(t, func(c *Config) { c.OnUpdate = func(k string) { kinds = append(kinds, k) } })
	e.srv.PushText(userAn.ID, userAn, "/viec")
	e.srv.PushText(userAn.ID, userAn, "xin chào")
	e.poll()
	if !slices.Equal(kinds, []string{"command", "other"}) {
		t.Errorf("update kinds = %v, want [command other]", kinds)
	}
}
