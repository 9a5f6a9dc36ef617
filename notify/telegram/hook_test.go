package telegram

import (
	"context"
	"slices"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
)

func TestHooks(t *testing.T) {
	srv := telegramtest.New(t, testToken)
	clock := newFakeClock()
	srv.SetClock(clock.Now)
	type sentPart struct {
		chat int64
		id   int
		msg  string
	}
	var parts []sentPart
	keyboard := func(m *notify.Message) *tgbotapi.InlineKeyboardMarkup {
		if len(m.Items) == 0 {
			return nil
		}
		kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("✅ Hoàn thành", "d:"+m.Items[0].TaskID)))
		return &kb
	}
	n, err := New(context.Background(), Config{Token: testToken, APIEndpoint: srv.Endpoint(), FileEndpoint: srv.FileEndpoint(),
		Timeout: 5 * time.Second}, nil, WithClock(clock), WithKeyboard(keyboard),
		WithSentHook(func(chat int64, id int, m *notify.Message) { parts = append(parts, sentPart{chat, id, m.ID}) }))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		m     *notify.Message
		kb    bool
		split bool // sent in several parts
	}{
		{"one part", message("m1", 42, item("III.2.1", "Rà soát", 3)), true, false},
		{"split digest: keyboard on the last part", digest("d1", 42, 40), true, true},
		{"no items: no keyboard", message("m2", 42), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.Forget()
			parts = nil
			if _, err := n.Notify(context.Background(), tt.m); err != nil {
				t.Fatal(err)
			}
			sent := srv.Sent()
			if len(sent) != len(Render(tt.m)) || len(parts) != len(sent) {
				t.Fatalf("%d messages, %d hook calls, %d parts", len(sent), len(parts), len(Render(tt.m)))
			}
			if split := len(sent) > 1; split != tt.split {
				t.Fatalf("%d parts sent, split %t, want %t", len(sent), split, tt.split)
			}
			for i, s := range sent {
				if parts[i] != (sentPart{42, s.MessageID, tt.m.ID}) {
					t.Errorf("hook call %d = %+v, message %d", i, parts[i], s.MessageID)
				}
				last := i == len(sent)-1
				if got := s.Keyboard != nil; got != (tt.kb && last) {
					t.Errorf("part %d of %d has keyboard %t", i+1, len(sent), got)
				}
			}
			if tt.kb {
				kb := sent[len(sent)-1].Keyboard.InlineKeyboard
				if !slices.Equal([]string{kb[0][0].Text, kb[0][0].CallbackData}, []string{"✅ Hoàn thành", "d:" + tt.m.Items[0].TaskID}) {
					t.Errorf("keyboard %+v", kb)
				}
			}
		})
	}
}
