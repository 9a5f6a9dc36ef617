package bot

import (
	"strings"
	"testing"

	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
	"github.com/sct-langson/nhacviec/scheduler"
)

// TestGarbage: what users send that the bot cannot act on gets a helpful
// reply, or nothing where a reply would spam a group; nothing changes.
func TestGarbage(t *testing.T) {
	const group = -100777
	long := strings.Repeat("Nội dung rất dài. ", 300) // over 5,000 characters
	tests := []struct {
		name string
		push func(e *env)
		chat int64
		want string // "" for no reply at all
	}{
		{"unknown command", func(e *env) { e.srv.PushText(userAn.ID, userAn, "/xoa III.2.1") }, userAn.ID, "không hiểu lệnh /xoa"},
		{"unknown command in a group, for nobody in particular", func(e *env) { e.srv.PushText(group, userAn, "/xoa") }, group, ""},
		{"another bot's command", func(e *env) { e.srv.PushText(group, userAn, "/xong@other_bot III.2.1") }, group, ""},
		{"long text", func(e *env) { e.srv.PushText(userAn.ID, userAn, long) }, userAn.ID, "quá dài"},
		{"long note", func(e *env) { e.srv.PushText(userAn.ID, userAn, "/ghichu III.2.1 "+long) }, userAn.ID, "quá dài"},
		{"long reply", func(e *env) { e.srv.PushReply(userAn.ID, userAn, e.remind(userAn.ID, kIII21), "xong "+long) }, userAn.ID, "quá dài"},
		{"wrong id", func(e *env) { e.srv.PushText(userAn.ID, userAn, "/xong abc") }, userAn.ID, "«abc» không phải mã nhiệm vụ"},
		{"unknown id", func(e *env) { e.srv.PushText(userAn.ID, userAn, "/xong IX.9.9") }, userAn.ID, "Không tìm thấy nhiệm vụ IX.9.9"},
		{"missing id", func(e *env) { e.srv.PushText(userAn.ID, userAn, "/xong") }, userAn.ID, "Thiếu mã nhiệm vụ"},
		{"bad snooze", func(e *env) { e.srv.PushText(userAn.ID, userAn, "/hoan III.2.1 mai") }, userAn.ID, "không phải ngày hợp lệ"},
		{"sticker", func(e *env) { e.pushEmpty(userAn.ID, userAn) }, userAn.ID, "chỉ đọc được lệnh"},
		{"sticker in a group", func(e *env) { e.pushEmpty(group, userAn) }, group, ""},
		{"chatter in a group", func(e *env) { e.srv.PushText(group, userAn, "xong") }, group, ""},
		{"plain text", func(e *env) { e.srv.PushText(userAn.ID, userAn, "xong") }, userAn.ID, "trả lời (reply) tin nhắn nhắc việc"},
		{"file not in reply", func(e *env) {
			e.srv.PushDocument(userAn.ID, userAn, "a.pdf", "application/pdf", []byte("x"), "")
		}, userAn.ID, "trả lời (reply) tin nhắn nhắc việc"},
		{"reply to a bot message without task", func(e *env) {
			e.srv.PushText(userAn.ID, userAn, "/giupdo")
			e.poll()
			e.srv.PushReply(userAn.ID, userAn, e.last(userAn.ID).MessageID, "xong")
		}, userAn.ID, "không gắn với nhiệm vụ nào"},
		{"edited message", func(e *env) {
			e.srv.PushUpdate(telegramtest.Update{EditedMessage: &telegramtest.Message{MessageID: 5, From: &userAn,
				Chat: telegramtest.Chat{ID: userAn.ID, Type: "private"}, Text: "/xong III.2.1", EditDate: 1}})
		}, userAn.ID, "không xử lý tin nhắn đã sửa"},
		{"channel post", func(e *env) {
			e.srv.PushUpdate(telegramtest.Update{ChannelPost: &telegramtest.Message{MessageID: 5,
				Chat: telegramtest.Chat{ID: -100999, Type: "channel"}, Text: "/xong III.2.1"}})
		}, -100999, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			tt.push(e)
			before := len(e.srv.SentTo(tt.chat))
			e.poll()
			sent := e.srv.SentTo(tt.chat)
			switch {
			case tt.want == "" && len(sent) > before:
				t.Errorf("replied %q", sent[len(sent)-1].Text)
			case tt.want != "" && len(sent) == before:
				t.Error("no reply")
			case tt.want != "":
				contains(t, "reply", sent[len(sent)-1].Text, tt.want)
			}
			for _, k := range []string{kIII21, kIII221} {
				if a := e.assignment(k); a.State != scheduler.StateOpen || len(a.Notes) != 0 || !a.SnoozedUntil.IsZero() {
					t.Errorf("%s changed: %+v", k, a)
				}
			}
			if len(e.audit()) != 0 {
				t.Errorf("audit %v", e.audit())
			}
			if off, _ := e.db.Offset(); off == 0 {
				t.Error("offset not advanced")
			}
		})
	}
}

// pushEmpty queues a message with nothing the bot reads, as a sticker is
// to it (the fake has no stickers).
func (e *env) pushEmpty(chat int64, user telegramtest.User) {
	e.nextMsg++
	typ := "private"
	if chat < 0 {
		typ = "supergroup"
	}
	e.srv.PushUpdate(telegramtest.Update{Message: &telegramtest.Message{MessageID: 20000 + e.nextMsg, From: &user,
		Chat: telegramtest.Chat{ID: chat, Type: typ}}})
}
