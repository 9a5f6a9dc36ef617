package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/telegram"
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

// Run polls Telegram and handles updates until ctx ends, then returns nil
// once the updates being handled are done. Updates are kept in the store
// as they arrive (Telegram forgets them once the offset moves on) and
// handled in a lane per chat (dispatch): in order within a chat, chats
// side by side. Failed polls are retried with a growing delay (Telegram's
// retry_after when it sets one); a 409 Conflict is logged once as
// "another instance is polling this bot" until polling succeeds again.
func (b *Bot) Run(ctx context.Context) error {
	defer b.lanes.wg.Wait()
	backoff := time.Duration(0)
	conflict := false
	for {
		if err := b.dispatch(ctx); err != nil {
			b.log.Error("telegram updates not handled", "err", err)
		}
		if err := b.lanes.waitRoom(ctx); err != nil {
			return nil
		}
		_, err := b.receive(ctx)
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
// polling for PollTimeout), then handles every update kept and not yet
// applied, as Run does, and waits for them. It returns how many were
// handled, and the first failure that stopped a chat's lane (its updates
// stay for the next Poll). Not to be called while Run runs.
func (b *Bot) Poll(ctx context.Context) (int, error) {
	before := b.lanes.handledCount()
	if _, err := b.receive(ctx); err != nil {
		return 0, err
	}
	if err := b.dispatch(ctx); err != nil {
		return 0, err
	}
	b.lanes.wg.Wait()
	return b.lanes.handledCount() - before, b.lanes.takeErr()
}

// receive asks Telegram for the updates after the stored offset and keeps
// them in the store, which moves the offset past them. It returns how
// many came.
func (b *Bot) receive(ctx context.Context) (int, error) {
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
	var keep []store.InboxUpdate
	for _, u := range ups {
		if u.UpdateID < off {
			continue // confirmed already; Telegram should not resend it
		}
		raw, err := json.Marshal(u)
		if err != nil {
			return 0, fmt.Errorf("bot: encode update %d: %w", u.UpdateID, err)
		}
		keep = append(keep, store.InboxUpdate{ID: u.UpdateID, Raw: raw})
	}
	if err := b.store.ReceiveUpdates(keep); err != nil {
		return 0, fmt.Errorf("bot: keep %d updates: %w", len(keep), err)
	}
	return len(keep), nil
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
