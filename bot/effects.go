package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/telegram"
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

// commit applies fn and the update's mark as applied in one transaction,
// then delivers what fn planned. With the outbox (Wake set), replies and
// keyboard edits are queued in that transaction: a crash after the commit
// cannot lose them, and the pipeline sends them in the chat's order, before
// the chat's other waiting messages. The answer to a button press alone is
// sent here, after the commit, and is not kept: Telegram wants it within
// seconds (the user's button shows a spinner until then) and refuses it
// once the query is old ("query is too old"), so after a restart it would
// be late and useless — the edit and the reply, which say what was done,
// are durable. An update applied before is not applied again and gets no
// reply.
func (b *Bot) commit(ctx context.Context, updateID int, fn txFunc) error {
	var eff effects
	var apply func(tx scheduler.Tx, audit func(store.AuditEntry) error) error
	if fn != nil {
		apply = func(tx scheduler.Tx, audit func(store.AuditEntry) error) error {
			eff = effects{}
			if err := fn(txn{tx: tx, audit: audit}, &eff); err != nil {
				return err
			}
			if b.wake == nil {
				return nil
			}
			return b.queue(tx, updateID, &eff)
		}
	}
	err := b.store.ApplyUpdate(updateID, apply)
	switch {
	case errors.Is(err, store.ErrUpdateApplied):
		b.log.Debug("telegram update already applied", "update", updateID)
		return nil
	case err != nil:
		return err
	}
	if b.wake != nil && len(eff.messages)+len(eff.edits) > 0 {
		eff.messages, eff.edits = nil, nil // in the outbox, committed with the change
		b.wake()
	}
	b.deliver(ctx, &eff)
	return nil
}

// queue writes e's keyboard edits and messages to the outbox, in tx.
func (b *Bot) queue(tx scheduler.Tx, updateID int, e *effects) error {
	for i, ed := range e.edits {
		msg, err := b.editMessage(updateID, i, ed)
		if err != nil {
			return err
		}
		if err := tx.Enqueue(msg); err != nil {
			return fmt.Errorf("queue the keyboard edit: %w", err)
		}
	}
	for i, m := range e.messages {
		msg, err := b.replyMessage(updateID, i, m)
		if err != nil {
			return err
		}
		if err := tx.Enqueue(msg); err != nil {
			return fmt.Errorf("queue the reply: %w", err)
		}
	}
	return nil
}

// editMessage is keyboard edit i of update updateID as an outbox message,
// with a stable id. Its id sorts before the update's replies ("edit|" <
// "reply|"), so the keyboard changes first, as it does without the outbox.
func (b *Bot) editMessage(updateID, i int, ed tgbotapi.EditMessageReplyMarkupConfig) (*notify.Message, error) {
	raw, err := json.Marshal(ed.ReplyMarkup)
	if err != nil {
		return nil, fmt.Errorf("keyboard edit: %w", err)
	}
	return &notify.Message{
		ID:      fmt.Sprintf("edit|%d|%d", updateID, i),
		Channel: notify.ChannelTelegram,
		Kind:    notify.KindInfo,
		To:      notify.Recipient{ID: fmt.Sprintf("telegram:%d", ed.ChatID), TelegramID: ed.ChatID},
		At:      b.now(),
		Reply:   true,
		Edit:    ed.MessageID,
		Markup:  raw,
	}, nil
}

// replyMessage is reply i to update updateID as an outbox message: its id
// is stable, so a transaction run again queues it once.
func (b *Bot) replyMessage(updateID, i int, m outgoing) (*notify.Message, error) {
	msg := &notify.Message{
		ID:      fmt.Sprintf("reply|%d|%d", updateID, i),
		Channel: notify.ChannelTelegram,
		Kind:    notify.KindInfo,
		To:      notify.Recipient{ID: fmt.Sprintf("telegram:%d", m.chat), TelegramID: m.chat},
		At:      b.now(),
		Reply:   true,
		HTML:    m.html,
	}
	if m.markup != nil {
		raw, err := json.Marshal(m.markup)
		if err != nil {
			return nil, fmt.Errorf("reply markup: %w", err)
		}
		msg.Markup = raw
	}
	if m.record != nil {
		raw, err := json.Marshal(m.record)
		if err != nil {
			return nil, fmt.Errorf("reply record: %w", err)
		}
		msg.Hook = raw
	}
	return msg, nil
}

// deliver sends what a committed update planned: the callback answer
// first, then keyboard edits, then messages. Failures are logged only: the
// change is in the database already. A cancelled ctx still lets the
// replies out, within a bound.
func (b *Bot) deliver(ctx context.Context, e *effects) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if e.callback != nil {
		if _, err := b.tg.Request(ctx, *e.callback); err != nil {
			b.log.Warn("answering a telegram button press failed", "err", err)
		}
	}
	for _, ed := range e.edits {
		if _, err := b.tg.Request(ctx, ed); err != nil && !notModified(err) {
			b.log.Warn("editing a telegram keyboard failed", "chat", ed.ChatID, "message_id", ed.MessageID, "err", err)
		}
	}
	for _, m := range e.messages {
		id, err := b.tg.SendText(ctx, m.chat, m.html, m.markup)
		if err != nil {
			b.log.Warn("telegram reply failed", "chat", m.chat, "err", err)
			continue
		}
		if m.record != nil {
			m.record.At = b.now()
			if err := b.store.RecordSent(m.chat, id, *m.record); err != nil {
				b.log.Error("recording a telegram message failed", "chat", m.chat, "message_id", id, "err", err)
			}
		}
	}
}

// notModified is Telegram refusing an edit that changes nothing.
func notModified(err error) bool {
	var te *telegram.Error
	return errors.As(err, &te) && te.Code == http.StatusBadRequest && strings.Contains(strings.ToLower(te.Description), "message is not modified")
}
