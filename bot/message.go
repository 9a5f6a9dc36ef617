package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/text/unicode/norm"

	"github.com/sct-langson/nhacviec/action"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// message handles a new message. In groups the bot answers commands and
// replies to its own messages only: other chatter is none of its business.
func (b *Bot) message(ctx context.Context, m *tgbotapi.Message) (txFunc, error) {
	if m.From == nil || m.From.IsBot || m.Chat == nil || m.Chat.IsChannel() {
		return nil, nil
	}
	chat, private := m.Chat.ID, m.Chat.IsPrivate()
	text := strings.TrimSpace(m.Text)
	if name, args, other, ok := b.parseCommand(text); ok {
		if other {
			return nil, nil
		}
		if !private && !strings.Contains(strings.SplitN(text, " ", 2)[0], "@") && !known(name) {
			return nil, nil // maybe another bot's command
		}
		p, err := b.identify(m.From)
		if err != nil {
			return nil, err
		}
		return b.command(m, p, name, args)
	}
	if r := m.ReplyToMessage; r != nil && r.From != nil && r.From.ID == b.botID {
		return b.reply(ctx, m)
	}
	if !private {
		return nil, nil
	}
	p, err := b.identify(m.From)
	if err != nil {
		return nil, err
	}
	switch {
	case !p.Known:
		// How to mark tasks done is of no use yet: first, access.
		return say(chat, notBound(p)), nil
	case fileOf(m) != nil:
		return say(chat, "📎 Để gửi tài liệu kiểm chứng, hãy trả lời (reply) tin nhắn nhắc việc của nhiệm vụ đó và đính kèm tệp."), nil
	case text == "":
		return say(chat, "ℹ️ Bot chỉ đọc được lệnh, tin nhắn chữ, tài liệu và ảnh. Gõ /giupdo để xem hướng dẫn."), nil
	case utf8.RuneCountInString(text) > maxNote:
		return say(chat, "⚠️ Tin nhắn quá dài, bot không xử lý. "+replyHint), nil
	}
	return say(chat, replyHint), nil
}

// known reports a command of this bot.
func known(name string) bool {
	switch name {
	case "start", "viec", "xong", "hoan", "ghichu", "huy", "giupdo":
		return true
	}
	return false
}

// edited answers an edited message in a private chat: edits change
// nothing, as the first version may have been acted on already.
func (b *Bot) edited(m *tgbotapi.Message) txFunc {
	if m.From == nil || m.From.IsBot || m.Chat == nil || !m.Chat.IsPrivate() {
		return nil
	}
	return say(m.Chat.ID, "ℹ️ Bot không xử lý tin nhắn đã sửa. Nếu cần, hãy gửi một tin nhắn mới.")
}

// reply handles a reply to one of the bot's messages: "xong" marks its
// task done, a file is evidence, the answer to a note prompt is a note.
func (b *Bot) reply(ctx context.Context, m *tgbotapi.Message) (txFunc, error) {
	chat := m.Chat.ID
	p, err := b.identify(m.From)
	if err != nil {
		return nil, err
	}
	if !p.Known {
		if !m.Chat.IsPrivate() {
			return say(chat, notBoundInGroup(p)), nil
		}
		return say(chat, notBound(p)), nil
	}
	sent, ok, err := b.store.SentMessage(chat, m.ReplyToMessage.MessageID)
	if err != nil {
		return nil, fmt.Errorf("read sent message: %w", err)
	}
	if !ok || len(sent.Keys) == 0 {
		if ok && sent.Kind == kindReminder {
			return say(chat, "ℹ️ Tin nhắn này chỉ để biết (đơn vị bạn phối hợp thực hiện), không có nhiệm vụ nào để cập nhật."), nil
		}
		return say(chat, "ℹ️ Tin nhắn này không gắn với nhiệm vụ nào. "+replyHint), nil
	}
	c := change{p: p, via: action.ViaReply, at: b.now()}
	text := strings.TrimSpace(m.Text)
	if f := fileOf(m); f != nil {
		return b.evidenceReply(ctx, chat, c, sent, f)
	}
	switch {
	case text == "":
		return say(chat, "ℹ️ Bot chỉ đọc được tin nhắn chữ, tài liệu và ảnh. "+replyHint), nil
	case utf8.RuneCountInString(text) > maxNote:
		return say(chat, fmt.Sprintf("⚠️ Nội dung quá dài: tối đa %d ký tự.", maxNote)), nil
	case sent.Kind == kindNote:
		return b.onKeys(chat, c, sent.Keys[:1], action.Request{Kind: action.Note, Note: text}), nil
	case isDone(text):
		return b.onKeys(chat, c, sent.Keys, action.Request{Kind: action.Done, Note: text}), nil
	case len(sent.Checkins) > 0:
		// An answer to a progress request is the progress note.
		return b.onKeys(chat, c, sent.Checkins, action.Request{Kind: action.Note, Note: text}), nil
	}
	return say(chat, "ℹ️ Để đánh dấu hoàn thành, trả lời tin nhắn bằng «xong» (có thể kèm ghi chú); để ghi chú, bấm 📝 Ghi chú hoặc gõ <code>/ghichu &lt;mã&gt; &lt;nội dung&gt;</code>."), nil
}

// onKeys applies x to the one assignment of keys still fit for it, or
// asks which when several are.
func (b *Bot) onKeys(chat int64, c change, keys []string, x action.Request) txFunc {
	return func(t txn, e *effects) error {
		if len(keys) == 1 {
			r, err := b.act(t, c, keys[0], x)
			if err != nil {
				return err
			}
			e.sendWith(chat, r.html, r.markup, r.record)
			return nil
		}
		var fit []string
		var done, others []string // why the rest do not fit: done already, another unit's
		for _, k := range keys {
			a, ok, err := t.tx.Assignment(k)
			if err != nil {
				return err
			}
			switch {
			case !ok:
			case !c.p.May(a):
				if name := b.unitName(a.Unit); !slices.Contains(others, name) {
					others = append(others, name)
				}
			case a.State == scheduler.StateOpen || x.Kind != action.Done && a.State == scheduler.StateDone:
				fit = append(fit, k)
			default:
				done = append(done, scheduler.OccurrenceName(a.Occurrence))
			}
		}
		switch len(fit) {
		case 0:
			e.send(chat, noneFits(done, others))
		case 1:
			r, err := b.act(t, c, fit[0], x)
			if err != nil {
				return err
			}
			e.sendWith(chat, r.html, r.markup, r.record)
		default:
			q := "Tin nhắn này có nhiều nhiệm vụ. Bạn đã hoàn thành nhiệm vụ nào?"
			if x.Kind == action.Note {
				q = "Tin nhắn này có nhiều nhiệm vụ. Ghi chú tiến độ «" + clip(x.Note, 60) + "» là của nhiệm vụ nào?"
			}
			if x.Kind == action.Evidence {
				q = "Tin nhắn này có nhiều nhiệm vụ. Tài liệu «" + x.Evidence.Name + "» là minh chứng cho nhiệm vụ nào?"
			}
			b.ask(e, chat, c.p, x, fit, q)
		}
		return nil
	}
}

// isDone reports a reply that says the task is done: a done phrase
// (compared without case, diacritics or punctuation), alone or followed by
// a note ("Đã xong, gửi kèm báo cáo số 12"), not a question.
func isDone(text string) bool {
	if strings.Contains(text, "?") {
		return false
	}
	f := fold(text)
	for _, p := range []string{"xong", "da xong", "hoan thanh", "da hoan thanh", "done", "ok xong", "xong roi"} {
		if f == p || strings.HasPrefix(f, p+" ") && !strings.HasPrefix(f, p+" chua") {
			return true
		}
	}
	return false
}

// fold is text in NFC, lower case, without diacritics (đ as d), with
// punctuation and symbols as spaces and spaces collapsed.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteRune('d')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteRune(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// file is a document or photo a user sent.
type file struct {
	id, uniqueID, name string
	size               int64
}

// fileOf is the document, or the largest size of the photo, of m.
func fileOf(m *tgbotapi.Message) *file {
	switch {
	case m.Document != nil:
		d := m.Document
		return &file{id: d.FileID, uniqueID: d.FileUniqueID, name: d.FileName, size: int64(d.FileSize)}
	case len(m.Photo) > 0:
		ph := m.Photo[len(m.Photo)-1]
		return &file{id: ph.FileID, uniqueID: ph.FileUniqueID, name: "anh-" + ph.FileUniqueID + ".jpg", size: int64(ph.FileSize)}
	}
	return nil
}

// evidenceReply attaches a file replied to a reminder: to its task, or,
// for a digest, to the task a button will name.
func (b *Bot) evidenceReply(ctx context.Context, chat int64, c change, sent store.SentMessage, f *file) (txFunc, error) {
	ev := scheduler.Evidence{FileID: f.id, Name: action.DisplayName(f.name, f.uniqueID)}
	keys := sent.Keys
	if sent.Kind == kindNote {
		keys = keys[:1]
	}
	if len(keys) == 1 && c.p.MayUnit(action.UnitOfKey(keys[0])) {
		ev.Path = b.fetch(ctx, f, keys[0], ev.Name)
	}
	return b.onKeys(chat, c, keys, action.Request{Kind: action.Evidence, Evidence: &ev}), nil
}

// noneFits says why no task of a message can be updated by its sender:
// the ones done already, by name, and the units whose tasks the sender may
// not update.
func noneFits(done, others []string) string {
	var parts []string
	if len(done) > 0 {
		parts = append(parts, "đã hoàn thành trước đó: "+esc(strings.Join(done, ", ")))
	}
	if len(others) > 0 {
		parts = append(parts, "không thuộc đơn vị của bạn (do "+esc(strings.Join(others, ", "))+" chủ trì; chỉ cán bộ đơn vị chủ trì hoặc quản trị viên được cập nhật)")
	}
	if len(parts) == 0 {
		return "ℹ️ Tin nhắn này không còn nhiệm vụ nào để cập nhật."
	}
	return "ℹ️ Không có nhiệm vụ nào trong tin nhắn này để bạn cập nhật: " + strings.Join(parts, "; ") + "."
}
