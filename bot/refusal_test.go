package bot

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// TestRefusals: a stranger and a person of another unit change nothing,
// whatever way they try, get a clear refusal, and leave no audit entry.
func TestRefusals(t *testing.T) {
	short := store.ShortID(kIII21)
	tests := []struct {
		name string
		user telegramtest.User
		// act sends the attempt in a group where the reminder went.
		act  func(e *env, group int64, reminder int)
		want string // in the reply, or the button's alert
	}{
		// In the group, not the stranger's id: how to get access, in private.
		{"stranger command", userStranger, func(e *env, g int64, _ int) { e.srv.PushText(g, userStranger, "/xong III.2.1") }, "Người lạ chưa được cấp quyền cập nhật nhiệm vụ qua bot. Hãy nhắn riêng cho bot"},
		{"stranger reply", userStranger, func(e *env, g int64, id int) { e.srv.PushReply(g, userStranger, id, "xong") }, "Người lạ chưa được cấp quyền cập nhật nhiệm vụ qua bot. Hãy nhắn riêng cho bot"},
		// A button's alert shows to the presser alone: the id helps them.
		{"stranger button", userStranger, func(e *env, g int64, id int) { e.srv.PushCallback(g, userStranger, id, "d:"+short) }, "Mã Telegram của bạn: 9009"},
		{"stranger snooze choices", userStranger, func(e *env, g int64, id int) { e.srv.PushCallback(g, userStranger, id, "s:"+short) }, "chưa được cấp quyền"},
		{"other unit command", userBinh, func(e *env, g int64, _ int) { e.srv.PushText(g, userBinh, "/xong III.2.1") }, "không có quyền cập nhật nhiệm vụ của Văn phòng Sở"},
		{"other unit reply", userBinh, func(e *env, g int64, id int) { e.srv.PushReply(g, userBinh, id, "Đã xong") }, "không có quyền cập nhật nhiệm vụ của Văn phòng Sở"},
		{"other unit button", userBinh, func(e *env, g int64, id int) { e.srv.PushCallback(g, userBinh, id, "d:"+short) }, "không có quyền cập nhật nhiệm vụ của Văn phòng Sở"},
		{"other unit note", userBinh, func(e *env, g int64, _ int) { e.srv.PushText(g, userBinh, "/ghichu III.2.1 abc") }, "không có quyền"},
		{"other unit file", userBinh, func(e *env, g int64, id int) { e.pushFileReply(g, userBinh, id, "x.pdf", []byte("x")) }, "không có quyền"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			e := newEnv(t, func(c *Config) { c.EvidenceDir = dir })
			const group = -1001234
			id := e.remind(group, kIII21)
			before := len(e.srv.Sent())
			tt.act(e, group, id)
			e.poll()
			got := ""
			if sent := e.srv.Sent(); len(sent) > before {
				got = sent[len(sent)-1].Text
			}
			if ans := e.srv.Answers(); len(ans) > 0 {
				if !ans[0].ShowAlert {
					t.Error("refusal of a button without alert")
				}
				got = ans[0].Text
			}
			contains(t, "refusal", got, tt.want)
			if len(e.srv.Answers()) == 0 && strings.Contains(got, "9009") {
				t.Errorf("the group was shown the stranger's Telegram id: %q", got)
			}
			a := e.assignment(kIII21)
			if a.State != scheduler.StateOpen || len(a.Notes) != 0 || len(a.Evidence) != 0 || !a.SnoozedUntil.IsZero() {
				t.Errorf("assignment changed: %+v", a)
			}
			if files, _ := os.ReadDir(dir); len(files) != 0 {
				t.Errorf("a refused file was saved: %v", files)
			}
			if n := len(e.audit()); n != 0 {
				t.Errorf("%d audit entries for a refusal", n)
			}
			if !strings.Contains(e.logs.String(), "telegram change refused") && tt.user == userBinh {
				t.Error("refusal not logged")
			}
			if e.srv.Pending() > 0 {
				e.poll()
				if e.srv.Pending() != 0 {
					t.Error("the refused update is still pending")
				}
			}
		})
	}
}

func TestInviteBindsThroughStart(t *testing.T) {
	e := newEnv(t, nil)
	code, err := e.db.CreateInvite("qltm", "Lê Văn Cường", "staff", 48*time.Hour, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	u := telegramtest.User{ID: 4004, FirstName: "Cường"}
	e.srv.PushText(u.ID, u, "/xong II.1")
	e.srv.PushText(u.ID, u, "/start "+code)
	e.srv.PushText(u.ID, u, "/xong II.1 xong rồi")
	e.poll()
	// Another chat's updates may go before or after: it tries the code
	// once it is used.
	other := telegramtest.User{ID: 5005, FirstName: "Khác"}
	e.srv.PushText(other.ID, other, "/start "+code)
	e.poll()
	sent := e.srv.SentTo(u.ID)
	if len(sent) != 3 {
		t.Fatalf("%d replies", len(sent))
	}
	contains(t, "before binding", sent[0].Text, "chưa được cấp quyền")
	contains(t, "binding", sent[1].Text, "Lê Văn Cường", "Phòng Quản lý thương mại")
	contains(t, "after binding", sent[2].Text, "Đã ghi nhận hoàn thành nhiệm vụ II.1")
	if a := e.assignment(kII1); a.State != scheduler.StateDone || a.DoneBy != "telegram:4004" {
		t.Errorf("assignment %+v", a)
	}
	contains(t, "second use", e.last(other.ID).Text, "Mã mời không hợp lệ, đã được dùng hoặc đã hết hạn", "5005")
}

// TestGroupRefusalSaysWhy: "xong" in reply to a digest in a group, where
// no task fits, says which reason applies to which: done already, or
// another unit's.
func TestGroupRefusalSaysWhy(t *testing.T) {
	e := newEnv(t, nil)
	const group = -1005555
	id := e.remind(group, kIII21, kIII221)
	e.srv.PushReply(group, userBinh, id, "xong")
	e.poll()
	got := e.last(group).Text
	contains(t, "other unit", got, "không thuộc đơn vị của bạn (do Văn phòng Sở chủ trì")
	if strings.Contains(got, "đã hoàn thành trước đó") {
		t.Errorf("told done when it is another unit's: %q", got)
	}

	e.srv.PushText(userAn.ID, userAn, "/xong III.2.1")
	e.poll()
	id = e.remind(group, kIII21, kII1)
	e.srv.PushReply(group, userAn, id, "xong")
	e.poll()
	contains(t, "both reasons", e.last(group).Text, "đã hoàn thành trước đó: III.2.1", "không thuộc đơn vị của bạn (do Phòng Quản lý thương mại chủ trì")
}
