package bot

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// Size of the /viec answer.
const (
	listMax   = 100  // tasks listed
	listChunk = 3500 // characters per message, under Telegram's 4096
)

// start handles /start: with an invite code it binds the account, without
// one it greets a known user or tells a stranger their id.
func (b *Bot) start(m *tgbotapi.Message, p person, args string) (txFunc, error) {
	chat := m.Chat.ID
	code := strings.TrimSpace(args)
	if code == "" {
		if p.Known {
			return say(chat, "👋 Chào "+esc(p.Name)+"!\n\n"+helpText), nil
		}
		return say(chat, "👋 Chào bạn!\n"+notBound(p)), nil
	}
	if p.Known {
		// Bound already (the config, or an earlier invite): the code is
		// not needed, and not used up.
		where := "quản trị viên"
		if p.Unit != "" {
			where = esc(b.unitName(p.Unit))
		}
		return say(chat, fmt.Sprintf("✅ Tài khoản Telegram của bạn đã được liên kết với %s (%s), không cần mã mời nữa.\nGõ /viec để xem các nhiệm vụ đang mở, /giupdo để xem hướng dẫn.",
			where, esc(p.Name))), nil
	}
	if wait := b.invites.wait(chat, b.now()); wait > 0 {
		b.log.Warn("telegram invite attempt throttled", "telegram_user", m.From.ID, "chat", chat, "wait", wait.Round(time.Second))
		return say(chat, fmt.Sprintf("⏳ Bạn đã nhập sai mã mời nhiều lần. Vì an toàn, vui lòng đợi khoảng %d phút rồi thử lại, hoặc liên hệ quản trị viên (Văn phòng Sở).",
			max(1, int((wait+time.Minute-1)/time.Minute)))), nil
	}
	bd, err := b.store.RedeemInvite(code, m.From.ID, b.now())
	switch {
	case errors.Is(err, store.ErrInviteUnknown), errors.Is(err, store.ErrInviteUsed), errors.Is(err, store.ErrInviteExpired):
		b.invites.failed(chat, b.now())
		b.log.Info("telegram invite refused", "telegram_user", m.From.ID, "chat", chat, "err", err)
		return say(chat, "⚠️ Mã mời không hợp lệ, đã được dùng hoặc đã hết hạn. Hãy xin quản trị viên một mã mới.\n\n"+notBound(p)), nil
	case err != nil:
		return nil, err
	}
	b.log.Info("telegram account bound", "telegram_user", m.From.ID, "unit", bd.Unit, "role", bd.Role, "name", bd.Name)
	where := "quản trị viên"
	if bd.Unit != "" {
		where = esc(b.unitName(bd.Unit))
	}
	return say(chat, fmt.Sprintf("✅ Chào %s! Tài khoản Telegram của bạn đã được liên kết với %s.\nGõ /viec để xem các nhiệm vụ đang mở, /giupdo để xem hướng dẫn.",
		esc(bd.Name), where)), nil
}

// list handles /viec: the open assignments of p's unit (of every unit for
// an admin without one), due first.
func (b *Bot) list(chat int64, p person) (txFunc, error) {
	all := p.Unit == ""
	return func(t txn, e *effects) error {
		// The index of open assignments, not every assignment; the texts
		// from the engine's tasks, not from decoding every stored task.
		var open []scheduler.Assignment
		err := t.tx.ForEachOpen(calendar.Date{Year: 9999, Month: time.December, Day: 31}, func(a scheduler.Assignment) error {
			if a.Unit == p.Unit || all {
				open = append(open, a)
			}
			return nil
		})
		if err != nil {
			return err
		}
		texts := map[string]string{}
		for _, a := range open {
			if task, ok := b.engine.Task(a.Plan, a.TaskID); ok {
				texts[store.TaskKey(a.Plan, a.TaskID)] = task.Text
			}
		}
		for _, h := range b.listMessages(p, open, texts, all) {
			e.send(chat, h)
		}
		return nil
	}, nil
}

// listMessages lays the list out in messages under Telegram's limit.
func (b *Bot) listMessages(p person, open []scheduler.Assignment, texts map[string]string, all bool) []string {
	whose := "của " + esc(b.unitName(p.Unit))
	if all {
		whose = "của các đơn vị"
	}
	if len(open) == 0 {
		return []string{"🎉 Không có nhiệm vụ nào đang mở " + whose + "." + b.webHint()}
	}
	slices.SortFunc(open, func(x, y scheduler.Assignment) int {
		return cmp.Or(x.DueDay.Compare(y.DueDay), strings.Compare(x.Occurrence, y.Occurrence), strings.Compare(x.Unit, y.Unit))
	})
	perTask := map[string]int{}
	for _, a := range open {
		perTask[a.Unit+"|"+a.TaskID]++
	}
	now := b.now()
	head := fmt.Sprintf("📋 <b>Nhiệm vụ đang mở %s</b> (%d)", whose, len(open))
	var msgs []string
	cur := head
	for i, a := range open {
		if i == listMax {
			cur += fmt.Sprintf("\n\n… và %d nhiệm vụ khác.", len(open)-listMax)
			break
		}
		id := a.TaskID
		if perTask[a.Unit+"|"+a.TaskID] > 1 {
			id = a.Occurrence
		}
		line := "\n\n• <b>" + esc(id) + "</b> — " + b.dueText(a.DueDay)
		if all {
			line += " — " + esc(b.unitName(a.Unit))
		}
		if a.SnoozedUntil.After(now) {
			line += " — ⏰ hoãn đến " + b.moment(a.SnoozedUntil)
		}
		if text := texts[store.TaskKey(a.Plan, a.TaskID)]; text != "" {
			line += "\n  <i>" + esc(clip(text, 120)) + "</i>"
		}
		if len([]rune(cur))+len([]rune(line)) > listChunk {
			msgs = append(msgs, cur)
			cur = strings.TrimPrefix(line, "\n\n")
			continue
		}
		cur += line
	}
	cur += "\n\nĐánh dấu hoàn thành: <code>/xong &lt;mã&gt; [ghi chú]</code>"
	cur += b.webHint()
	return append(msgs, cur)
}

// webHint points to the dashboard, when there is one.
func (b *Bot) webHint() string {
	if b.webURL == "" {
		return ""
	}
	return "\nXem và cập nhật trên trang web: " + esc(b.webURL+"/cua-toi") + " (gõ /web để nhận đường dẫn đăng nhập)."
}

// web handles /web: a one-time sign-in link to the dashboard, in a
// private chat only, since anyone in a group could use it.
func (b *Bot) web(m *tgbotapi.Message, p person) (txFunc, error) {
	chat := m.Chat.ID
	if b.webSignIn == nil {
		return say(chat, "ℹ️ Trang web theo dõi nhiệm vụ chưa được bật."), nil
	}
	if !m.Chat.IsPrivate() {
		return say(chat, "🔒 Đường dẫn đăng nhập là riêng của mỗi người: hãy gõ /web trong tin nhắn riêng với bot."), nil
	}
	link, err := b.webSignIn(p.Who)
	if err != nil {
		return nil, fmt.Errorf("make a web sign-in link: %w", err)
	}
	b.log.Info("web sign-in link sent by telegram", "who", p.Who)
	return say(chat, "🌐 Đường dẫn đăng nhập trang theo dõi nhiệm vụ (dùng một lần, trong 15 phút):\n"+esc(link)+
		"\nKhông chuyển đường dẫn này cho người khác."), nil
}
