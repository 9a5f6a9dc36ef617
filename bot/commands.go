package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/sct-langson/nhacviec/action"
	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// botCommands is the command menu: Vietnamese names, then their English
// aliases, all described in Vietnamese.
func botCommands() []tgbotapi.BotCommand {
	return []tgbotapi.BotCommand{
		{Command: "viec", Description: "Các nhiệm vụ đang mở; /viec <mã>: toàn văn một nhiệm vụ"},
		{Command: "xong", Description: "Đánh dấu hoàn thành: /xong <mã> [ghi chú]"},
		{Command: "hoan", Description: "Nhắc lại sau: /hoan <mã> 1|3|dd/mm/yyyy"},
		{Command: "ghichu", Description: "Thêm ghi chú: /ghichu <mã> <nội dung>"},
		{Command: "huy", Description: "Hoàn tác đánh dấu hoàn thành: /huy <mã>"},
		{Command: "giupdo", Description: "Hướng dẫn sử dụng bot"},
		{Command: "web", Description: "Đường dẫn đăng nhập trang theo dõi nhiệm vụ"},
		{Command: "tasks", Description: "Như /viec: các nhiệm vụ đang mở"},
		{Command: "done", Description: "Như /xong: đánh dấu hoàn thành"},
		{Command: "snooze", Description: "Như /hoan: nhắc lại sau"},
		{Command: "note", Description: "Như /ghichu: thêm ghi chú"},
		{Command: "undo", Description: "Như /huy: hoàn tác"},
		{Command: "help", Description: "Như /giupdo: hướng dẫn"},
	}
}

// RegisterCommands sets the bot's command menu (setMyCommands, default
// scope: private chats and groups).
func (b *Bot) RegisterCommands(ctx context.Context) error {
	if _, err := b.tg.Request(ctx, tgbotapi.NewSetMyCommands(botCommands()...)); err != nil {
		return fmt.Errorf("bot: register commands: %w", err)
	}
	return nil
}

// canonical maps a command name or alias to its Vietnamese name.
func canonical(name string) string {
	switch name {
	case "tasks":
		return "viec"
	case "done":
		return "xong"
	case "snooze":
		return "hoan"
	case "note":
		return "ghichu"
	case "undo":
		return "huy"
	case "help":
		return "giupdo"
	}
	return name
}

// parseCommand reads "/name[@bot] args". other reports a command meant
// for another bot of a group.
func (b *Bot) parseCommand(text string) (name, args string, other, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", false, false
	}
	word, rest := text, ""
	if i := strings.IndexFunc(text, unicode.IsSpace); i >= 0 {
		word, rest = text[:i], text[i:]
	}
	name = word[1:]
	if n, target, at := strings.Cut(name, "@"); at {
		if !strings.EqualFold(target, b.username) {
			return "", "", true, true
		}
		name = n
	}
	return canonical(strings.ToLower(name)), strings.TrimSpace(rest), false, true
}

// command handles a command from p in chat.
func (b *Bot) command(m *tgbotapi.Message, p person, name, args string) (txFunc, error) {
	chat := m.Chat.ID
	switch name {
	case "start":
		return b.start(m, p, args)
	case "giupdo":
		return say(chat, helpText), nil
	}
	if !p.Known {
		if !m.Chat.IsPrivate() {
			// Not the stranger's id in a group: how to get access, in private.
			return say(chat, notBoundInGroup(p)), nil
		}
		return say(chat, notBound(p)), nil
	}
	if utf8.RuneCountInString(args) > maxNote+100 {
		return say(chat, fmt.Sprintf("⚠️ Nội dung quá dài: ghi chú tối đa %d ký tự.", maxNote)), nil
	}
	c := change{p: p, via: action.ViaCommand, at: b.now()}
	switch name {
	case "viec":
		if strings.TrimSpace(args) != "" {
			return b.task(chat, args)
		}
		return b.list(chat, p)
	case "web":
		return b.web(m, p)
	case "xong", "hoan", "ghichu", "huy":
		return b.taskCommand(chat, c, name, args), nil
	}
	return say(chat, "❓ Bot không hiểu lệnh /"+esc(clip(name, 32))+". Gõ /giupdo để xem các lệnh."), nil
}

// usage is how a task command is written.
func usage(name string) string {
	switch name {
	case "xong":
		return "/xong &lt;mã nhiệm vụ&gt; [ghi chú], ví dụ <code>/xong III.2.2.1 Đã gửi báo cáo</code>"
	case "hoan":
		return "/hoan &lt;mã nhiệm vụ&gt; 1|3|dd/mm/yyyy, ví dụ <code>/hoan I.4.1 3</code>"
	case "ghichu":
		return "/ghichu &lt;mã nhiệm vụ&gt; &lt;nội dung&gt;, ví dụ <code>/ghichu III.2.1 Đang lấy ý kiến các phòng</code>"
	default:
		return "/huy &lt;mã nhiệm vụ&gt;, ví dụ <code>/huy III.2.2.1</code>"
	}
}

// taskCommand handles /xong, /hoan, /ghichu and /huy.
func (b *Bot) taskCommand(chat int64, c change, name, args string) txFunc {
	ref, rest, ok := ParseTaskRef(args)
	if !ok {
		msg := "⚠️ Thiếu mã nhiệm vụ."
		if args != "" {
			msg = "⚠️ «" + esc(clip(args, 40)) + "» không phải mã nhiệm vụ (mã có dạng III.2.2.1 hoặc I.4.1@2024-09)."
		}
		return say(chat, msg+"\nCú pháp: "+usage(name))
	}
	x, w := action.Request{Note: rest}, wantOpen
	switch name {
	case "xong":
		x.Kind = action.Done
	case "huy":
		x.Kind, w = action.Undo, wantDone
	case "ghichu":
		x.Kind, w = action.Note, wantOpenLast
		if rest == "" {
			return say(chat, "⚠️ Thiếu nội dung ghi chú.\nCú pháp: "+usage(name))
		}
	case "hoan":
		x.Kind = action.Snooze
		until, err := b.parseWhen(rest)
		if err != nil {
			return say(chat, "⚠️ "+esc(err.Error())+"\nCú pháp: "+usage(name))
		}
		x.Until, x.Note = until, ""
	}
	if utf8.RuneCountInString(x.Note) > maxNote {
		return say(chat, fmt.Sprintf("⚠️ Ghi chú quá dài: tối đa %d ký tự.", maxNote))
	}
	return func(t txn, e *effects) error {
		sel, err := b.choose(t.tx, c.p, ref, w)
		if err != nil {
			return err
		}
		return b.runSelection(t, e, chat, c, sel, x)
	}
}

// runSelection applies x to the selected assignment, or asks which when
// several units' assignments match.
func (b *Bot) runSelection(t txn, e *effects, chat int64, c change, sel selection, x action.Request) error {
	switch {
	case sel.reason != "":
		e.send(chat, sel.reason)
	case sel.one != nil:
		r, err := b.act(t, c, sel.one.Key, x)
		if err != nil {
			return err
		}
		e.sendWith(chat, r.html, r.markup, r.record)
	default:
		keys := make([]string, len(sel.many))
		for i, a := range sel.many {
			keys[i] = a.Key
		}
		b.ask(e, chat, c.p, x, keys, "Nhiệm vụ này có ở nhiều đơn vị. Bạn muốn cập nhật cho đơn vị nào?")
	}
	return nil
}

// ask plans a "which task?" question with one button per assignment; the
// question remembers what the action needs (note, date, file).
func (b *Bot) ask(e *effects, chat int64, p person, x action.Request, keys []string, question string) {
	act, prefix := cbDone, "✅ "
	switch x.Kind {
	case action.Undo:
		act, prefix = cbUndo, "↩️ "
	case action.Snooze:
		act, prefix = cbSnoozeTo, "⏰ "
	case action.Note:
		act, prefix = cbNote, "📝 "
	case action.Evidence:
		act, prefix = cbEvidence, "📎 "
	}
	rec := &store.SentMessage{Kind: kindAsk, Action: act, Keys: keys, Note: x.Note, Until: x.Until, By: p.tgID}
	if x.Evidence != nil {
		rec.FileID, rec.FileName = x.Evidence.FileID, x.Evidence.Name
	}
	// Each choice named as people do, with its task's short text: the
	// buttons alone would read "I.4.1 (tháng 6/2024)", "I.4.1 (tháng
	// 7/2024)", … for a digest's merged periods.
	html := "❔ " + esc(question)
	for _, k := range keys {
		plan, occ, _ := strings.Cut(k, "|")
		occ, _, _ = strings.Cut(occ, "|")
		id, _, _ := strings.Cut(occ, "@")
		line := "\n• <b>" + esc(scheduler.OccurrenceName(occ)) + "</b>"
		if t, ok := b.engine.Task(plan, id); ok && t.Text != "" {
			line += " — " + esc(clip(t.Text, 70))
		}
		html += line
	}
	e.sendWith(chat, html, choiceKeyboard(act, prefix, keys), rec)
}

// say is a txFunc that only replies.
func say(chat int64, html string) txFunc {
	return func(_ txn, e *effects) error {
		e.send(chat, html)
		return nil
	}
}

// parseWhen reads a snooze: a number of working days (1 to
// action.MaxSnoozeDays) or a date (dd/mm/yyyy, dd/mm) after today; either
// ends at the start of working hours of that day (the first working day
// from a date that is a day off).
func (b *Bot) parseWhen(s string) (time.Time, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, unit := range []string{"ngày", "ngay", "d"} {
		s = strings.TrimSpace(strings.TrimSuffix(s, unit))
	}
	if s == "" {
		return time.Time{}, errors.New("thiếu thời gian nhắc lại")
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 || n > action.MaxSnoozeDays {
			return time.Time{}, fmt.Errorf("số ngày làm việc phải từ 1 đến %d", action.MaxSnoozeDays)
		}
		return action.SnoozeFor(b.engine.Calendar(), b.now(), n), nil
	}
	f := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	today := b.today()
	bad := errors.New("«" + clip(s, 20) + "» không phải ngày hợp lệ (dd/mm/yyyy)")
	if len(f) < 2 || len(f) > 3 {
		return time.Time{}, bad
	}
	nums := make([]int, 3)
	nums[2] = today.Year
	for i, v := range f {
		n, err := strconv.Atoi(v)
		if err != nil {
			return time.Time{}, bad
		}
		nums[i] = n
	}
	d := calendar.Date{Year: nums[2], Month: time.Month(nums[1]), Day: nums[0]}
	if len(f) == 2 && !d.After(today) {
		d.Year++
	}
	switch {
	case !d.Valid():
		return time.Time{}, bad
	case !d.After(today):
		return time.Time{}, errors.New("ngày nhắc lại phải sau hôm nay")
	case d.After(today.AddDays(366)):
		return time.Time{}, errors.New("ngày nhắc lại quá xa (tối đa một năm)")
	}
	return action.SnoozeUntilDay(b.engine.Calendar(), d), nil
}
