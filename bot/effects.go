package bot

import (
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// txn is the store transaction an update is applied in.
type txn struct {
	tx    scheduler.Tx
	audit func(store.AuditEntry) error
}

// txFunc applies an update in a transaction and plans what to tell the
// user once it is committed. It may run again if the transaction fails,
// with fresh effects.
type txFunc func(t txn, e *effects) error

// effects are the Bot API calls planned by an update, made after its
// transaction commits.
type effects struct {
	callback *tgbotapi.CallbackConfig
	edits    []tgbotapi.EditMessageReplyMarkupConfig
	messages []outgoing
}

// outgoing is a message to send; record, if set, is remembered under the
// message's id once sent (questions, note prompts, confirmations).
type outgoing struct {
	chat   int64
	html   string
	markup any
	record *store.SentMessage
}

// send plans an HTML message.
func (e *effects) send(chat int64, html string) {
	e.messages = append(e.messages, outgoing{chat: chat, html: html})
}

// sendWith plans an HTML message with a reply markup, remembered as record.
func (e *effects) sendWith(chat int64, html string, markup any, record *store.SentMessage) {
	e.messages = append(e.messages, outgoing{chat: chat, html: html, markup: markup, record: record})
}

// answer plans the answer to a button press, cut to Telegram's 200
// characters; the last one planned wins.
func (e *effects) answer(queryID, text string, alert bool) {
	e.callback = &tgbotapi.CallbackConfig{CallbackQueryID: queryID, Text: clip(text, 200), ShowAlert: alert}
}

// keyboard plans replacing the inline keyboard of a message; nil removes
// it (an empty keyboard: the zero value would encode as null).
func (e *effects) keyboard(chat int64, messageID int, kb *tgbotapi.InlineKeyboardMarkup) {
	if kb == nil || len(kb.InlineKeyboard) == 0 {
		kb = &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}}
	}
	e.edits = append(e.edits, tgbotapi.NewEditMessageReplyMarkup(chat, messageID, *kb))
}
