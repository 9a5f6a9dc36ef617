package email

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sct-langson/nhacviec/notify"
)

// Calendar attachment.
const (
	calendarFile        = "han-nhiem-vu.ics"
	calendarContentType = "text/calendar; charset=utf-8; method=PUBLISH"
	calendarProdID      = "-//So Cong Thuong Lang Son//nhacviec//VI"
	icsLineLimit        = 75 // octets per line, CRLF excluded (RFC 5545 3.1)
)

// calendar renders the deadlines of m's items as one iCalendar object
// (RFC 5545): an all-day VEVENT on each due date with an alarm the day
// before. Items without a due date are skipped; ok is false when no event is
// left. domain qualifies the UIDs.
//
// The UID depends only on the assignment key, so the calendar entry created
// by the first reminder is updated, not duplicated, by the later ones.
func calendar(m *notify.Message, domain string) (ics string, ok bool) {
	var w icsWriter
	seen := make(map[string]bool, len(m.Items))
	stamp := m.At.UTC().Format("20060102T150405Z")
	w.line("BEGIN:VCALENDAR")
	w.line("VERSION:2.0")
	w.line("PRODID:" + calendarProdID)
	w.line("CALSCALE:GREGORIAN")
	w.line("METHOD:PUBLISH")
	for _, it := range m.Items {
		if it.Due.IsZero() {
			continue
		}
		uid := eventUID(it, domain)
		if seen[uid] {
			continue // one event per assignment, even if listed twice
		}
		seen[uid] = true
		day := localDate(it.Due)
		w.line("BEGIN:VEVENT")
		w.line("UID:" + uid)
		w.line("DTSTAMP:" + stamp)
		// A later message carries a later At, hence a higher SEQUENCE:
		// clients that compare it take the newest copy as the update.
		w.line(fmt.Sprintf("SEQUENCE:%d", max(m.At.Unix()/60, 0)))
		w.line("DTSTART;VALUE=DATE:" + day.Format("20060102"))
		w.line("DTEND;VALUE=DATE:" + day.AddDate(0, 0, 1).Format("20060102"))
		w.line("SUMMARY:" + icsText(eventSummary(it)))
		w.line("DESCRIPTION:" + icsText(eventDescription(it)))
		w.line("TRANSP:TRANSPARENT")
		w.line("BEGIN:VALARM")
		w.line("ACTION:DISPLAY")
		w.line("DESCRIPTION:" + icsText("Ngày mai đến hạn: "+eventSummary(it)))
		// The event starts at 00:00 on the due date: 16 hours earlier is
		// 08:00 the day before, at the start of the working day.
		w.line("TRIGGER:-PT16H")
		w.line("END:VALARM")
		w.line("END:VEVENT")
	}
	w.line("END:VCALENDAR")
	return w.b.String(), len(seen) > 0
}

// eventUID is stable for an assignment. Hashing keeps the key's '|' and
// '/' out of the UID and its length fixed.
func eventUID(it notify.Item, domain string) string {
	key := it.Assignment
	if key == "" {
		key = it.Occurrence + "|" + it.TaskID + "|" + it.Unit
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16]) + "@" + domain
}

func eventSummary(it notify.Item) string {
	return "[" + it.Label() + "] " + it.Text
}

func eventDescription(it notify.Item) string {
	var b strings.Builder
	b.WriteString("Đơn vị chủ trì: " + it.Unit)
	if it.Copy {
		b.WriteString("\nGửi để biết và phối hợp.")
	}
	if it.Output != "" {
		b.WriteString("\nKết quả/sản phẩm: " + it.Output)
	}
	b.WriteString("\nThời hạn: " + it.DueText())
	return b.String()
}

// localDate is the calendar day of t in Vietnam, as the body shows it:
// notify.FormatDate owns the time zone, so the event can never fall on
// another day than the one written in the e-mail.
func localDate(t time.Time) time.Time {
	d, err := time.Parse("02/01/2006", notify.FormatDate(t))
	if err != nil { // cannot happen: FormatDate writes this layout
		return t.UTC()
	}
	return d
}

// icsText escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon,
// comma and line breaks; other control characters are not allowed and are
// dropped.
func icsText(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// icsWriter writes content lines with CRLF endings, folded at 75 octets
// without splitting a UTF-8 sequence.
type icsWriter struct{ b strings.Builder }

func (w *icsWriter) line(s string) {
	limit := icsLineLimit
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.b.WriteString(s[:cut])
		w.b.WriteString("\r\n ")
		s = s[cut:]
		limit = icsLineLimit - 1 // the leading space counts
	}
	w.b.WriteString(s)
	w.b.WriteString("\r\n")
}
