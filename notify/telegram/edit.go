package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/sct-langson/nhacviec/notify"
)

// editGone are the answers to an edit that leave nothing to do: the
// keyboard is as asked already, or the message is gone or too old to edit.
var editGone = []string{"message is not modified", "message to edit not found", "message can't be edited"}

// editKeyboard replaces the inline keyboard of message m.Edit in m's chat
// with m.Markup (none removes it). It does not wait for the rate limiter:
// an edit sends no new message, and it answers a person's button press.
// An edit that leaves nothing to do (see editGone) counts as done, with a
// log line when the message is gone; failures are sorted as for Notify.
func (n *Notifier) editKeyboard(ctx context.Context, m *notify.Message) (retry bool, err error) {
	chat := m.To.TelegramID
	kb := tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}}
	if len(m.Markup) > 0 {
		if err := json.Unmarshal(m.Markup, &kb); err != nil {
			return false, &Error{Method: "editMessageReplyMarkup", ChatID: chat, MessageID: m.ID,
				Description: "unreadable keyboard: " + err.Error(), err: err}
		}
		if kb.InlineKeyboard == nil { // null would leave the keyboard as it is
			kb.InlineKeyboard = [][]tgbotapi.InlineKeyboardButton{}
		}
	}
	_, err = n.Request(ctx, tgbotapi.NewEditMessageReplyMarkup(chat, m.Edit, kb))
	var e *Error
	switch {
	case err == nil:
		return false, nil
	case errors.As(err, &e) && e.Code == http.StatusBadRequest && containsAny(e.Description, editGone):
		if !strings.Contains(strings.ToLower(e.Description), editGone[0]) {
			n.log.Warn("telegram keyboard not edited: the message is gone", "chat", chat, "message_id", m.Edit, "err", err)
		}
		return false, nil
	}
	if d := retryAfter(err); d > 0 {
		n.limits.pause(chat, d)
	}
	if errors.As(err, &e) {
		e.MessageID = m.ID
	}
	return temporary(err), err
}

// containsAny reports whether s holds one of subs, ignoring case.
func containsAny(s string, subs []string) bool {
	s = strings.ToLower(s)
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
