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

// Backoff between failed polls.
const (
	minBackoff = time.Second
	maxBackoff = time.Minute
	// maxAttempts is how often an update whose handling fails is tried
	// before it is skipped, so that one bad update cannot stop the bot.
	maxAttempts = 3
)

// Run polls Telegram and handles updates until ctx ends, then returns nil.
// Failed polls are retried with a growing delay (Telegram's retry_after
// when it sets one); a 409 Conflict is logged once as "another instance is
// polling this bot" until polling succeeds again.
func (b *Bot) Run(ctx context.Context) error {
	backoff := time.Duration(0)
	conflict := false
	for {
		_, err := b.Poll(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err == nil {
			if conflict {
				b.log.Info("telegram polling resumed: the other instance stopped")
			}
			backoff, conflict = 0, false
			continue
		}
		var te *telegram.Error
		switch {
		case errors.As(err, &te) && te.Code == http.StatusConflict:
			if !conflict {
				b.log.Error("another instance is polling this bot: stop it, or remove the webhook", "err", err)
			}
			conflict = true
		default:
			b.log.Warn("telegram polling failed", "err", err)
		}
		backoff = min(max(2*backoff, minBackoff), maxBackoff)
		wait := backoff
		var ra notify.RetryAfterError
		if errors.As(err, &ra) {
			wait = max(wait, ra.RetryAfter())
		}
		if err := b.sleep(ctx, wait); err != nil {
			return nil
		}
	}
}

// Poll asks Telegram once for the updates after the stored offset (long
// polling for PollTimeout) and handles them in order. It returns how many
// were handled; it stops at the first update whose handling fails, which
// is tried again by the next Poll (and skipped after a few failures).
func (b *Bot) Poll(ctx context.Context) (int, error) {
	off, err := b.store.Offset()
	if err != nil {
		return 0, fmt.Errorf("bot: read update offset: %w", err)
	}
	secs := 0
	if b.pollTimeout > 0 {
		secs = int(b.pollTimeout / time.Second)
	}
	ups, err := b.tg.GetUpdates(ctx, tgbotapi.UpdateConfig{Offset: off, Limit: 100, Timeout: secs,
		AllowedUpdates: []string{"message", "edited_message", "callback_query"}})
	if err != nil {
		return 0, err
	}
	for i, u := range ups {
		if u.UpdateID < off {
			continue // confirmed already; Telegram should not resend it
		}
		if err := b.handle(ctx, u); err != nil {
			b.attempts[u.UpdateID]++
			if b.attempts[u.UpdateID] < maxAttempts {
				return i, fmt.Errorf("bot: update %d: %w", u.UpdateID, err)
			}
			b.log.Error("telegram update skipped after repeated failures", "update", u.UpdateID, "err", err)
			if err := b.skip(ctx, u); err != nil {
				return i, fmt.Errorf("bot: skip update %d: %w", u.UpdateID, err)
			}
		}
		delete(b.attempts, u.UpdateID)
	}
	return len(ups), nil
}

// handle applies one update. It works on one directory and one planning
// state, taken at its start: a reload in the middle never mixes two.
func (b *Bot) handle(ctx context.Context, u tgbotapi.Update) error {
	b = b.pinned()
	var fn txFunc
	var err error
	switch {
	case u.CallbackQuery != nil:
		fn, err = b.callback(ctx, u.CallbackQuery)
	case u.Message != nil:
		fn, err = b.message(ctx, u.Message)
	case u.EditedMessage != nil:
		fn = b.edited(u.EditedMessage)
	default: // channel posts and the rest: nothing to do
	}
	if err != nil {
		return err
	}
	if err := b.commit(ctx, u.UpdateID, fn); err != nil {
		return err
	}
	if b.onUpdate != nil {
		b.onUpdate(updateKind(u))
	}
	return nil
}

// updateKind classifies an update for metrics: command, reply, callback or
// other.
func updateKind(u tgbotapi.Update) string {
	switch {
	case u.CallbackQuery != nil:
		return "callback"
	case u.Message != nil && u.Message.IsCommand():
		return "command"
	case u.Message != nil && u.Message.ReplyToMessage != nil:
		return "reply"
	}
	return "other"
}

// skip passes over an update that keeps failing, telling its sender.
func (b *Bot) skip(ctx context.Context, u tgbotapi.Update) error {
	const sorry = "⚠️ Xin lỗi, bot gặp lỗi khi xử lý yêu cầu này. Vui lòng thử lại sau hoặc báo quản trị viên."
	return b.commit(ctx, u.UpdateID, func(_ txn, e *effects) error {
		switch {
		case u.CallbackQuery != nil:
			e.answer(u.CallbackQuery.ID, "Có lỗi, vui lòng thử lại sau.", true)
		case u.Message != nil && u.Message.Chat != nil && u.Message.Chat.IsPrivate():
			e.send(u.Message.Chat.ID, sorry)
		}
		return nil
	})
}

// commit applies fn and the new offset in one transaction, then delivers
// the replies fn planned. An update applied before is not applied again
// and gets no reply.
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
			for i, m := range eff.messages {
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
	}
	err := b.store.ApplyUpdate(updateID, apply)
	switch {
	case errors.Is(err, store.ErrUpdateApplied):
		b.log.Debug("telegram update already applied", "update", updateID)
		return nil
	case err != nil:
		return err
	}
	if b.wake != nil && len(eff.messages) > 0 {
		eff.messages = nil // in the outbox, committed with the change
		b.wake()
	}
	b.deliver(ctx, &eff)
	return nil
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
