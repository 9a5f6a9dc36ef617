package bot

import (
	"context"
	"fmt"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/sct-langson/nhacviec/action"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// callback handles a button press. Every press is answered; refusals and
// presses that change nothing get an alert and change nothing.
func (b *Bot) callback(ctx context.Context, q *tgbotapi.CallbackQuery) (txFunc, error) {
	only := func(text string, alert bool) txFunc {
		return func(_ txn, e *effects) error {
			e.answer(q.ID, text, alert)
			return nil
		}
	}
	act, short, ok := parseData(q.Data)
	if q.From == nil || !ok || q.Message == nil || q.Message.Chat == nil {
		return only("Nút này không còn hiệu lực.", false), nil
	}
	chat, msgID, kb := q.Message.Chat.ID, q.Message.MessageID, q.Message.ReplyMarkup
	p, err := b.identify(q.From)
	if err != nil {
		return nil, err
	}
	if !p.Known {
		b.logRefusal(p, "", "button")
		return only(notBoundShort(p), true), nil
	}
	key, found, err := b.store.ShortKey(short)
	if err != nil {
		return nil, fmt.Errorf("find assignment of short id %q: %w", short, err)
	}
	if !found {
		return only("Nhiệm vụ này không còn trong hệ thống.", true), nil
	}
	if !p.MayUnit(action.UnitOfKey(key)) {
		b.logRefusal(p, key, "button")
		return only(b.refusal(action.UnitOfKey(key)), true), nil
	}
	sent, _, err := b.store.SentMessage(chat, msgID)
	if err != nil {
		return nil, fmt.Errorf("read sent message: %w", err)
	}
	c := change{p: p, via: action.ViaButton, at: b.now()}
	var x action.Request
	switch act {
	case cbSnooze, cbBack:
		return b.showKeyboard(q, key, act), nil
	case cbNote:
		if sent.Kind != kindAsk || sent.Note == "" {
			return b.notePrompt(q, key), nil
		}
		x = action.Request{Kind: action.Note, Note: sent.Note}
	case cbDone:
		x = action.Request{Kind: action.Done}
		if sent.Kind == kindAsk {
			x.Note = sent.Note
		}
	case cbUndo:
		x = action.Request{Kind: action.Undo}
	case cbSnooze1, cbSnooze3:
		days := map[string]int{cbSnooze1: 1, cbSnooze3: 3}[act]
		x = action.Request{Kind: action.Snooze, Until: action.SnoozeFor(b.engine.Calendar(), c.at, days)}
	case cbSnoozeTo:
		if sent.Until.IsZero() {
			return only("Nút này không còn hiệu lực.", false), nil
		}
		x = action.Request{Kind: action.Snooze, Until: sent.Until}
	case cbEvidence:
		if sent.FileID == "" {
			return only("Nút này không còn hiệu lực.", false), nil
		}
		f := &file{id: sent.FileID, name: sent.FileName, size: -1}
		ev := scheduler.Evidence{FileID: sent.FileID, Name: sent.FileName, Path: b.fetch(ctx, f, key, sent.FileName)}
		x = action.Request{Kind: action.Evidence, Evidence: &ev}
	default:
		return only("Nút này không còn hiệu lực.", false), nil
	}
	return func(t txn, e *effects) error {
		r, err := b.act(t, c, key, x)
		if err != nil {
			return err
		}
		e.answer(q.ID, r.short, r.refused)
		switch {
		case sent.Kind == kindAsk && !r.refused:
			e.keyboard(chat, msgID, nil) // the question is answered
		case act == cbDone:
			e.keyboard(chat, msgID, withoutShort(kb, short))
		case x.Kind == action.Snooze && sent.Kind != kindAsk:
			e.keyboard(chat, msgID, reminderKeyboard(short))
		}
		if !r.refused {
			e.sendWith(chat, r.html, r.markup, r.record)
		}
		return nil
	}, nil
}

// open reads an assignment a button acts on, answering the press when it
// is gone or no longer open.
func open(t txn, e *effects, q *tgbotapi.CallbackQuery, key string) (scheduler.Assignment, bool, error) {
	a, ok, err := t.tx.Assignment(key)
	switch {
	case err != nil:
		return a, false, err
	case !ok || a.State == scheduler.StateArchived:
		e.answer(q.ID, "Nhiệm vụ này không còn trong kế hoạch.", true)
		return a, false, nil
	case a.State != scheduler.StateOpen:
		e.answer(q.ID, "Nhiệm vụ "+a.Occurrence+" đã hoàn thành.", true)
		return a, false, nil
	}
	return a, true, nil
}

// showKeyboard switches a reminder's buttons to the snooze delays, or back.
func (b *Bot) showKeyboard(q *tgbotapi.CallbackQuery, key, act string) txFunc {
	chat, msgID, short := q.Message.Chat.ID, q.Message.MessageID, store.ShortID(key)
	return func(t txn, e *effects) error {
		if _, ok, err := open(t, e, q, key); !ok {
			if err == nil {
				e.keyboard(chat, msgID, withoutShort(q.Message.ReplyMarkup, short))
			}
			return err
		}
		if act == cbBack {
			e.answer(q.ID, "", false)
			e.keyboard(chat, msgID, reminderKeyboard(short))
			return nil
		}
		e.answer(q.ID, "Chọn thời gian nhắc lại", false)
		e.keyboard(chat, msgID, snoozeKeyboard(short))
		return nil
	}
}

// notePrompt asks for a note as a reply (ForceReply); the reply is the note.
func (b *Bot) notePrompt(q *tgbotapi.CallbackQuery, key string) txFunc {
	chat, who := q.Message.Chat.ID, q.From.ID
	return func(t txn, e *effects) error {
		a, ok, err := t.tx.Assignment(key)
		if err != nil {
			return err
		}
		if !ok || a.State == scheduler.StateArchived {
			e.answer(q.ID, "Nhiệm vụ này không còn trong kế hoạch.", true)
			return nil
		}
		e.answer(q.ID, "Hãy trả lời tin nhắn của bot bằng nội dung ghi chú.", false)
		prompt := "📝 Trả lời (reply) tin nhắn này bằng nội dung ghi chú cho nhiệm vụ " + occurrence(a) + "."
		// Not selective: in a group a selective prompt that mentions nobody
		// and replies to nothing would be shown to nobody.
		markup := tgbotapi.ForceReply{ForceReply: true, InputFieldPlaceholder: "Nội dung ghi chú"}
		e.sendWith(chat, prompt, markup, &store.SentMessage{Kind: kindNote, Keys: []string{key}, By: who})
		return nil
	}
}
