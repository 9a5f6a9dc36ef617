package bot

import (
	"fmt"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/sct-langson/nhacviec/action"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

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

// act applies x to the assignment key within t by the shared rules of
// package action, and words the outcome for the chat.
func (b *Bot) act(t txn, c change, key string, x action.Request) (result, error) {
	o, err := action.Apply(t.tx, t.audit, b.engine, action.Change{Actor: c.p.Actor, Via: c.via, At: c.at}, key, x)
	if err != nil {
		return result{}, err
	}
	a := o.Assignment
	switch o.Status {
	case action.Gone:
		msg := "Nhiệm vụ này không còn trong kế hoạch."
		return result{refused: true, html: "ℹ️ " + msg, short: msg}, nil
	case action.Forbidden:
		b.logRefusal(c.p, key, string(x.Kind))
		msg := b.refusal(a.Unit)
		return result{refused: true, html: esc(msg), short: msg}, nil
	case action.AlreadyDone:
		return result{refused: true, html: b.nothingTo([]scheduler.Assignment{a}, refOf(a), wantOpen),
			short: "Nhiệm vụ " + a.Occurrence + " đã hoàn thành trước đó."}, nil
	case action.NotDone:
		return result{refused: true, html: b.nothingTo([]scheduler.Assignment{a}, refOf(a), wantDone),
			short: "Nhiệm vụ " + a.Occurrence + " chưa hoàn thành."}, nil
	case action.NotOpen:
		msg := "Nhiệm vụ " + a.Occurrence + " đã hoàn thành, không cần nhắc lại."
		return result{refused: true, html: "ℹ️ " + esc(msg), short: msg}, nil
	}
	id := occurrence(a)
	r := result{changed: true}
	switch x.Kind {
	case action.Done:
		r.short = "✅ Đã ghi nhận hoàn thành " + a.Occurrence
		r.html = fmt.Sprintf("✅ Đã ghi nhận hoàn thành nhiệm vụ %s của %s.\nNgười xác nhận: %s, lúc %s.",
			id, esc(b.unitName(a.Unit)), esc(c.p.Name), b.moment(c.at))
		if x.Note != "" {
			r.html += "\nGhi chú: " + esc(x.Note)
		}
		r.html += "\nNếu đánh dấu nhầm, gõ <code>/huy " + esc(a.Occurrence) + "</code>."
	case action.Undo:
		r.short = "↩️ Đã hoàn tác " + a.Occurrence
		r.html = fmt.Sprintf("↩️ Nhiệm vụ %s được mở lại (%s hoàn tác lúc %s); bot sẽ tiếp tục nhắc việc.", id, esc(c.p.Name), b.moment(c.at))
	case action.Snooze:
		r.short = "⏰ Sẽ nhắc lại từ " + x.Until.In(b.loc).Format("02/01/2006")
		r.html = fmt.Sprintf("⏰ Nhiệm vụ %s sẽ được nhắc lại từ %s (%s hoãn).", id, b.moment(x.Until), esc(c.p.Name))
	case action.Note:
		r.short = "📝 Đã ghi chú cho " + a.Occurrence
		r.html = fmt.Sprintf("📝 Đã ghi chú cho nhiệm vụ %s: %s", id, esc(x.Note))
	case action.Evidence:
		r.short = "📎 Đã lưu tài liệu cho " + a.Occurrence
		r.html = fmt.Sprintf("📎 Đã lưu tài liệu «%s» làm minh chứng cho nhiệm vụ %s.", esc(x.Evidence.Name), id)
		if a.State == scheduler.StateOpen {
			r.html += "\nNhiệm vụ đã hoàn thành chưa? Bấm nút dưới đây để xác nhận."
			short := store.ShortID(a.Key)
			r.markup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
				tgbotapi.NewInlineKeyboardButtonData("✅ Xác nhận hoàn thành", data(cbDone, short))))
			r.record = &store.SentMessage{Kind: kindConfirm, Keys: []string{a.Key}, By: c.p.tgID}
		}
	}
	return r, nil
}

// refOf is the task id of an assignment's occurrence.
func refOf(a scheduler.Assignment) TaskRef {
	return TaskRef{Task: normalizeTaskID(a.TaskID), Period: periodOf(a.Occurrence)}
}
