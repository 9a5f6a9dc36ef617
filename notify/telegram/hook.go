package telegram

import (
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/sct-langson/nhacviec/notify"
)

// hooks let a Telegram bot act on the reminders Notify sends: buttons
// under them, and the id of each message sent, so that replies and button
// presses find their tasks.
type hooks struct {
	keyboard func(*notify.Message) *tgbotapi.InlineKeyboardMarkup
	sent     func(chatID int64, messageID int, m *notify.Message)
}

// WithKeyboard makes Notify put the inline keyboard fn returns for a
// message (nil: none) under the message's last part.
func WithKeyboard(fn func(m *notify.Message) *tgbotapi.InlineKeyboardMarkup) Option {
	return func(n *Notifier) { n.hooks.keyboard = fn }
}

// WithSentHook makes Notify call fn after each part of a message is sent,
// with the chat and the Telegram message id of the part. fn runs in the
// sender's goroutine: it should be quick and must not call Notify.
func WithSentHook(fn func(chatID int64, messageID int, m *notify.Message)) Option {
	return func(n *Notifier) { n.hooks.sent = fn }
}

// markup is the reply markup of part i of the parts of m.
func (h hooks) markup(m *notify.Message, i, parts int) any {
	if h.keyboard == nil || i != parts-1 {
		return nil
	}
	if kb := h.keyboard(m); kb != nil {
		return kb
	}
	return nil
}

// afterSend reports a part sent.
func (h hooks) afterSend(chatID int64, messageID int, m *notify.Message) {
	if h.sent != nil {
		h.sent(chatID, messageID, m)
	}
}
