package telegram

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sct-langson/nhacviec/notify"
)

// progress is how many parts of a split message went out.
type progress struct {
	sent int
	at   time.Time
}

// progressTTL is how long the parts sent of a failed message are
// remembered for its retry.
const progressTTL = 48 * time.Hour

// Notify sends m to m.To.TelegramID, in as many parts as its length needs,
// in order. It implements notify.Notifier: retry is true for flood waits
// (the error then implements notify.RetryAfterError), server errors,
// network failures and timeouts; false for the rest, and errors.Is(err,
// ErrChatUnreachable) when the chat cannot be reached, so that the
// pipeline falls back to e-mail. A message with Edit set edits a
// keyboard instead (editKeyboard).
//
// When a later part fails, the parts already sent are remembered, in
// memory, under m.ID, and a retry sends only the rest. A crash forgets
// them: after a restart only the messages that were being sent at that
// moment (one per concurrent caller) may repeat the parts that had gone out.
func (n *Notifier) Notify(ctx context.Context, m *notify.Message) (retry bool, err error) {
	chatID := m.To.TelegramID
	if chatID == 0 {
		return false, &Error{Method: "sendMessage", MessageID: m.ID,
			Description: fmt.Sprintf("recipient %q has no telegram chat id", m.To.ID), unreachable: true}
	}
	if m.Edit != 0 {
		return n.editKeyboard(ctx, m)
	}
	parts := Render(m)
	if m.HTML != "" {
		parts = []Part{{HTML: m.HTML, Text: StripHTML(m.HTML)}}
	}
	for i := n.sentParts(m.ID); i < len(parts); i++ {
		var markup any
		if m.HTML != "" {
			if len(m.Markup) > 0 {
				markup = m.Markup
			}
		} else {
			markup = n.hooks.markup(m, i, len(parts))
		}
		id, err := n.send(ctx, chatID, parts[i], markup, m.Reply)
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				e.MessageID, e.Part, e.Parts = m.ID, i+1, len(parts)
			}
			return temporary(err), err
		}
		n.log.Debug("telegram message sent", "message", m.ID, "chat", chatID, "part", i+1, "parts", len(parts), "message_id", id)
		n.hooks.afterSend(chatID, id, m)
		if len(parts) > 1 && i+1 < len(parts) {
			n.markSent(m.ID, i+1)
		}
	}
	n.markSent(m.ID, 0)
	return false, nil
}

// sentParts is how many parts of message id already went out.
func (n *Notifier) sentParts(id string) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.progress[id].sent
}

// markSent remembers that k parts of message id went out; 0 forgets it.
func (n *Notifier) markSent(id string, k int) {
	if id == "" {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if k == 0 {
		delete(n.progress, id)
		return
	}
	now := n.clock.Now()
	for key, p := range n.progress {
		if now.Sub(p.at) > progressTTL {
			delete(n.progress, key)
		}
	}
	n.progress[id] = progress{sent: k, at: now}
}
