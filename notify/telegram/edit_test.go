package telegram

import (
	"context"
	"errors"
	"testing"

	"github.com/sct-langson/nhacviec/notify"
)

// TestEditKeyboard: a message with Edit replaces the keyboard of a sent
// message and sends nothing; no markup removes it; a message gone or
// unchanged leaves nothing to do (no retry, no failure), a blocked chat is
// unreachable.
func TestEditKeyboard(t *testing.T) {
	srv, n, _ := setup(t)
	const chat = 4242
	m := message("m1", chat, item("III.2.1", "Rà soát", 3))
	m.HTML, m.Markup = "Nhắc việc", []byte(`{"inline_keyboard":[[{"text":"✅ Hoàn thành","callback_data":"d:1"},{"text":"📝 Ghi chú","callback_data":"n:1"}]]}`)
	if _, err := n.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	id := srv.SentTo(chat)[0].MessageID
	buttons := func() []string {
		msg, _ := srv.Message(chat, id)
		var out []string
		if msg.ReplyMarkup != nil {
			for _, row := range msg.ReplyMarkup.InlineKeyboard {
				for _, b := range row {
					out = append(out, b.CallbackData)
				}
			}
		}
		return out
	}
	edit := func(to int, markup string) (bool, error) {
		e := &notify.Message{ID: "edit|1|0", Channel: notify.ChannelTelegram, To: notify.Recipient{TelegramID: chat}, Edit: to, Reply: true}
		if markup != "" {
			e.Markup = []byte(markup)
		}
		return n.Notify(context.Background(), e)
	}
	if retry, err := edit(id, `{"inline_keyboard":[[{"text":"📝 Ghi chú","callback_data":"n:1"}]]}`); err != nil || retry {
		t.Fatalf("edit = %v, %v", retry, err)
	}
	if got := buttons(); len(got) != 1 || got[0] != "n:1" {
		t.Errorf("keyboard after the edit %v, want [n:1]", got)
	}
	if retry, err := edit(id, `{"inline_keyboard":[[{"text":"📝 Ghi chú","callback_data":"n:1"}]]}`); err != nil || retry {
		t.Errorf("the same edit again = %v, %v; want done", retry, err)
	}
	if retry, err := edit(id, ""); err != nil || retry || len(buttons()) != 0 {
		t.Errorf("removing the keyboard = %v, %v, keyboard %v", retry, err, buttons())
	}
	if retry, err := edit(id+50, ""); err != nil || retry {
		t.Errorf("edit of a message gone = %v, %v; want done", retry, err)
	}
	if n := len(srv.SentTo(chat)); n != 1 {
		t.Errorf("%d messages sent, want the first only", n)
	}
	srv.BlockChat(chat)
	if retry, err := edit(id, ""); !errors.Is(err, ErrChatUnreachable) || retry {
		t.Errorf("edit in a chat that blocked the bot = %v, %v; want unreachable", retry, err)
	}
}
