package bot

import (
	"fmt"
	"html"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/scheduler"
)

// Limits on what users write.
const (
	maxNote = 1000 // characters of a note
	maxText = 4096 // characters of any message the bot reads
)

// esc escapes text for Telegram's HTML parse mode.
func esc(s string) string { return html.EscapeString(s) }

// day writes a date as Vietnamese readers do: 31/12/2024.
func day(d calendar.Date) string { return fmt.Sprintf("%02d/%02d/%d", d.Day, int(d.Month), d.Year) }

// moment writes a time as 15:04 31/12/2024 in the bot's location.
func (b *Bot) moment(t time.Time) string { return t.In(b.loc).Format("15:04 02/01/2006") }

// today is the current date in the bot's location.
func (b *Bot) today() calendar.Date { return calendar.DateOf(b.now().In(b.loc)) }

// occurrence names an assignment's occurrence in bold, as people name its
// period: "I.4.1 (tháng 9/2024)", "III.2.1" for a plan year's single one.
func occurrence(a scheduler.Assignment) string {
	return "<b>" + esc(scheduler.OccurrenceName(a.Occurrence)) + "</b>"
}

// doneBy is " bởi X lúc 09:15 02/12/2024" for a done assignment.
func (b *Bot) doneBy(a scheduler.Assignment) string {
	s := ""
	if a.DoneBy != "" {
		s += " bởi " + esc(b.personName(a.DoneBy))
	}
	if !a.DoneAt.IsZero() {
		s += " lúc " + b.moment(a.DoneAt)
	}
	return s
}

// personName is the name of a person id of the config, else the id.
func (b *Bot) personName(id string) string {
	if p, ok := b.directory().Person(id); ok && p.Name != "" {
		return p.Name
	}
	return id
}

// dueText is "Hạn 31/12/2024 (còn 3 ngày làm việc)", counted in working
// days as every message counts them.
func (b *Bot) dueText(d calendar.Date) string {
	n := b.engine.Calendar().WorkingDaysBetween(b.now(), d.In(b.loc))
	var s string
	switch {
	case n > 0:
		s = fmt.Sprintf("còn %d ngày làm việc", n)
	case n == 0:
		s = "đến hạn hôm nay"
	default:
		s = fmt.Sprintf("quá hạn %d ngày làm việc", -n)
	}
	return "Hạn " + day(d) + " (" + s + ")"
}

// clip shortens s to n characters, with an ellipsis.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// helpText lists the commands.
const helpText = `<b>Bot nhắc việc cải cách hành chính — Sở Công Thương Lạng Sơn</b>

/viec — các nhiệm vụ đang mở của đơn vị bạn
/viec &lt;mã&gt; — toàn văn một nhiệm vụ và tình trạng từng kỳ, ví dụ: <code>/viec VII.2.1</code>
/xong &lt;mã&gt; [ghi chú] — đánh dấu hoàn thành, ví dụ: <code>/xong III.2.2.1 Đã ban hành quyết định</code>
/hoan &lt;mã&gt; 1|3|dd/mm/yyyy — nhắc lại sau 1 hoặc 3 ngày làm việc, hoặc từ ngày đã chọn
/ghichu &lt;mã&gt; &lt;nội dung&gt; — thêm ghi chú tiến độ
/huy &lt;mã&gt; — hoàn tác đánh dấu hoàn thành
/web — đường dẫn đăng nhập trang web theo dõi nhiệm vụ (gõ trong tin nhắn riêng với bot)
/giupdo — hướng dẫn này

Mã nhiệm vụ như <code>III.2.2.1</code>; với nhiệm vụ định kỳ thêm kỳ: <code>I.4.1@2024-09</code> (không ghi kỳ thì bot chọn kỳ đến hạn sớm nhất).
Bạn cũng có thể trả lời (reply) tin nhắn nhắc việc bằng «xong» để đánh dấu hoàn thành, gửi kèm tài liệu hoặc ảnh kiểm chứng, hoặc dùng các nút dưới tin nhắn. Trả lời tin đề nghị báo cáo tiến độ bằng vài dòng về tiến độ: bot ghi lại làm ghi chú tiến độ.
Lệnh tiếng Anh tương đương: /tasks, /done, /snooze, /note, /undo, /help.`

// replyHint answers a message the bot cannot act on.
const replyHint = "ℹ️ Để đánh dấu hoàn thành, hãy trả lời (reply) tin nhắn nhắc việc bằng «xong», " +
	"hoặc gõ <code>/xong &lt;mã nhiệm vụ&gt;</code>. Gõ /giupdo để xem hướng dẫn."
