package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Bounds of the work in flight.
const (
	// maxQueued is how many kept updates may wait in lanes before the
	// poller stops asking Telegram for more.
	maxQueued = 1000
	// maxDownloads is how many evidence files are downloaded at once.
	maxDownloads = 4
)

// lanes run the updates of each chat one after another, in update order,
// and the chats side by side: a slow download or a slow answer in one chat
// never holds back another. A lane's goroutine lives while its chat has
// updates queued.
type lanes struct {
	wg sync.WaitGroup

	mu      sync.Mutex
	queues  map[int64][]tgbotapi.Update // per chat with a running lane; the head is being handled
	queued  map[int]bool                // update ids in a queue
	handled int                         // updates done (applied or skipped), for Poll
	err     error                       // first failure that stopped a lane, for Poll
	room    chan struct{}               // poked when an update leaves a queue
}

func newLanes() *lanes {
	return &lanes{queues: map[int64][]tgbotapi.Update{}, queued: map[int]bool{}, room: make(chan struct{}, 1)}
}

func (l *lanes) handledCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.handled
}

// takeErr returns the first failure since the last call, and forgets it.
func (l *lanes) takeErr() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	err := l.err
	l.err = nil
	return err
}

// waitRoom waits until fewer than maxQueued updates are queued.
func (l *lanes) waitRoom(ctx context.Context) error {
	for {
		l.mu.Lock()
		n := len(l.queued)
		l.mu.Unlock()
		if n < maxQueued {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-l.room:
		}
	}
}

// chatOf is the chat whose lane handles u: 0 for updates of no chat.
func chatOf(u tgbotapi.Update) int64 {
	switch {
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat != nil:
		return u.CallbackQuery.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.From != nil:
		return u.CallbackQuery.From.ID
	case u.Message != nil && u.Message.Chat != nil:
		return u.Message.Chat.ID
	case u.EditedMessage != nil && u.EditedMessage.Chat != nil:
		return u.EditedMessage.Chat.ID
	}
	return 0
}

// dispatch queues every kept update that is not queued yet in its chat's
// lane, in update order, starting the lanes that were idle. The store is
// read under the lock a lane takes to let an update go, after its commit:
// an update read here is either still queued or not kept any more.
func (b *Bot) dispatch(ctx context.Context) error {
	l := b.lanes
	l.mu.Lock()
	defer l.mu.Unlock()
	kept, err := b.store.Inbox()
	if err != nil {
		return fmt.Errorf("bot: read the updates kept: %w", err)
	}
	for _, k := range kept {
		if l.queued[k.ID] {
			continue
		}
		var u tgbotapi.Update
		if err := json.Unmarshal(k.Raw, &u); err != nil {
			// Cannot happen with what fetch wrote; an update no one can
			// read is passed over rather than blocking the bot.
			b.log.Error("a kept telegram update is unreadable: skipped", "update", k.ID, "err", err)
			if err := b.store.ApplyUpdate(k.ID, nil); err != nil {
				return fmt.Errorf("bot: skip update %d: %w", k.ID, err)
			}
			continue
		}
		u.UpdateID = k.ID
		chat := chatOf(u)
		q, running := l.queues[chat]
		l.queues[chat] = append(q, u)
		l.queued[u.UpdateID] = true
		if !running {
			l.wg.Add(1)
			go b.runLane(ctx, chat)
		}
	}
	return nil
}

// runLane handles chat's queued updates in order until none is left. A
// failure it cannot get past (the context ended, or the update could not
// even be skipped) stops the lane: the chat's updates stay kept, for the
// next dispatch.
func (b *Bot) runLane(ctx context.Context, chat int64) {
	l := b.lanes
	defer l.wg.Done()
	for {
		l.mu.Lock()
		q := l.queues[chat]
		if len(q) == 0 || ctx.Err() != nil {
			for _, u := range q {
				delete(l.queued, u.UpdateID)
			}
			delete(l.queues, chat)
			l.mu.Unlock()
			return
		}
		u := q[0]
		l.mu.Unlock()

		err := b.handleRetrying(ctx, u)

		l.mu.Lock()
		if err != nil {
			if l.err == nil {
				l.err = err
			}
			for _, u := range l.queues[chat] {
				delete(l.queued, u.UpdateID)
			}
			delete(l.queues, chat)
		} else {
			l.handled++
			delete(l.queued, u.UpdateID)
			l.queues[chat] = l.queues[chat][1:]
		}
		l.mu.Unlock()
		select {
		case l.room <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// handleRetrying handles u, trying again after a growing delay when that
// fails, and skips it (telling its sender) after maxAttempts, so that one
// bad update cannot stop its chat. It fails only when ctx ends or the
// skip itself fails.
func (b *Bot) handleRetrying(ctx context.Context, u tgbotapi.Update) error {
	wait := minBackoff
	for attempt := 1; ; attempt++ {
		err := b.handle(ctx, u)
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return fmt.Errorf("bot: update %d: %w", u.UpdateID, err)
		case attempt >= maxAttempts:
			b.log.Error("telegram update skipped after repeated failures", "update", u.UpdateID, "err", err)
			if err := b.skip(ctx, u); err != nil {
				return fmt.Errorf("bot: skip update %d: %w", u.UpdateID, err)
			}
			return nil
		}
		b.log.Warn("telegram update failed: trying again", "update", u.UpdateID, "attempt", attempt, "err", err)
		if err := b.sleep(ctx, wait); err != nil {
			return fmt.Errorf("bot: update %d: %w", u.UpdateID, err)
		}
		wait = min(2*wait, maxBackoff)
	}
}

// download fetches a file within one of maxDownloads slots, so that many
// chats sending files at once cannot fill the memory.
func (b *Bot) download(ctx context.Context, fileID string) ([]byte, error) {
	select {
	case b.downloads <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-b.downloads }()
	return b.tg.DownloadFile(ctx, fileID, b.maxEvidence)
}
