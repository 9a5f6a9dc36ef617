package bot

import (
	"fmt"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// Actions, as the audit log names them.
const (
	actDone     = "done"
	actUndo     = "undo"
	actSnooze   = "snooze"
	actNote     = "note"
	actEvidence = "evidence"
)

// Ways a change comes in, as the audit log names them.
const (
	viaCommand = "command"
	viaReply   = "reply"
	viaButton  = "button"
	viaCLI     = "cli"
)

// action is one change a person asks for.
type action struct {
	kind     string
	note     string              // done, note
	until    time.Time           // snooze
	evidence *scheduler.Evidence // evidence
}

// change is who asks, through what, when.
type change struct {
	p   person
	via string
	at  time.Time
}

// result is what an action did and what to tell: html for the chat,
// short for a button's answer.
type result struct {
	changed bool
	refused bool // not allowed, or nothing to do: short is an alert
	html    string
	short   string
	markup  any
	record  *store.SentMessage
}

// act applies x to the assignment key within t, after checking that c.p
// may, and that x makes sense in the assignment's state.
func (b *Bot) act(t txn, c change, key string, x action) (result, error) {
	a, ok, err := t.tx.Assignment(key)
	if err != nil {
		return result{}, err
	}
	if !ok || a.State == scheduler.StateArchived {
		msg := "Nhiệm vụ này không còn trong kế hoạch."
		return result{refused: true, html: "ℹ️ " + msg, short: msg}, nil
	}
	if !c.p.may(a) {
		b.logRefusal(c.p, key, x.kind)
		msg := b.refusal(a.Unit)
		return result{refused: true, html: esc(msg), short: msg}, nil
	}
	id := occurrence(a)
	switch {
	case x.kind == actDone && a.State == scheduler.StateDone:
		return result{refused: true, html: b.nothingTo([]scheduler.Assignment{a}, refOf(a), wantOpen),
			short: "Nhiệm vụ " + a.Occurrence + " đã hoàn thành trước đó."}, nil
	case x.kind == actUndo && a.State != scheduler.StateDone:
		return result{refused: true, html: b.nothingTo([]scheduler.Assignment{a}, refOf(a), wantDone),
			short: "Nhiệm vụ " + a.Occurrence + " chưa hoàn thành."}, nil
	case x.kind == actSnooze && a.State != scheduler.StateOpen:
		msg := "Nhiệm vụ " + a.Occurrence + " đã hoàn thành, không cần nhắc lại."
		return result{refused: true, html: "ℹ️ " + esc(msg), short: msg}, nil
	}
	r := result{changed: true}
	note := x.note
	switch x.kind {
	case actDone:
		a.State, a.DoneAt, a.DoneBy, a.DoneVia = scheduler.StateDone, c.at, c.p.who, "telegram"
		if c.via == viaCLI {
			a.DoneVia = "cli"
		}
		if x.note != "" {
			a.Note = x.note
		}
		r.short = "✅ Đã ghi nhận hoàn thành " + a.Occurrence
		r.html = fmt.Sprintf("✅ Đã ghi nhận hoàn thành nhiệm vụ %s của %s.\nNgười xác nhận: %s, lúc %s.",
			id, esc(b.unitName(a.Unit)), esc(c.p.name), b.moment(c.at))
		if x.note != "" {
			r.html += "\nGhi chú: " + esc(x.note)
		}
		r.html += "\nNếu đánh dấu nhầm, gõ <code>/huy " + esc(a.Occurrence) + "</code>."
	case actUndo:
		a.State, a.DoneAt, a.DoneBy, a.DoneVia = scheduler.StateOpen, time.Time{}, "", ""
		r.short = "↩️ Đã hoàn tác " + a.Occurrence
		r.html = fmt.Sprintf("↩️ Nhiệm vụ %s được mở lại (%s hoàn tác lúc %s); bot sẽ tiếp tục nhắc việc.", id, esc(c.p.name), b.moment(c.at))
	case actSnooze:
		a.SnoozedUntil = x.until
		note = x.until.Format(time.RFC3339)
		r.short = "⏰ Sẽ nhắc lại từ " + x.until.In(b.loc).Format("02/01/2006")
		r.html = fmt.Sprintf("⏰ Nhiệm vụ %s sẽ được nhắc lại từ %s (%s hoãn).", id, b.moment(x.until), esc(c.p.name))
	case actNote:
		a.Notes = append(a.Notes, scheduler.Note{Text: x.note, By: c.p.who, At: c.at})
		r.short = "📝 Đã ghi chú cho " + a.Occurrence
		r.html = fmt.Sprintf("📝 Đã ghi chú cho nhiệm vụ %s: %s", id, esc(x.note))
	case actEvidence:
		ev := *x.evidence
		ev.By, ev.At = c.p.who, c.at
		a.Evidence = append(a.Evidence, ev)
		note = ev.Name
		r.short = "📎 Đã lưu tài liệu cho " + a.Occurrence
		r.html = fmt.Sprintf("📎 Đã lưu tài liệu «%s» làm minh chứng cho nhiệm vụ %s.", esc(ev.Name), id)
		if a.State == scheduler.StateOpen {
			r.html += "\nNhiệm vụ đã hoàn thành chưa? Bấm nút dưới đây để xác nhận."
			short := store.ShortID(a.Key)
			r.markup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
				tgbotapi.NewInlineKeyboardButtonData("✅ Xác nhận hoàn thành", data(cbDone, short))))
			r.record = &store.SentMessage{Kind: kindConfirm, Keys: []string{a.Key}, By: c.p.tgID}
		}
	default:
		return result{}, fmt.Errorf("unknown action %q", x.kind)
	}
	a.Next = b.engine.NextFor(a)
	if err := t.tx.PutAssignment(a); err != nil {
		return result{}, err
	}
	err = t.audit(store.AuditEntry{At: c.at, Who: c.p.who, Via: c.via, Assignment: a.Key, Action: x.kind, Note: note})
	return r, err
}

// refOf is the task id of an assignment's occurrence.
func refOf(a scheduler.Assignment) TaskRef {
	return TaskRef{Task: normalizeTaskID(a.TaskID), Period: periodOf(a.Occurrence)}
}
