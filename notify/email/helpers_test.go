package email

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/email/smtptest"
)

const (
	testUser     = "nhacviec@sct.langson.gov.vn"
	testPassword = "S3cret-Mật-khẩu!"
	testFrom     = "nhacviec@sct.langson.gov.vn"
	testTo       = "vanphong@sct.langson.gov.vn"
	// trickyText has every character HTML and iCalendar escape.
	trickyText = `Rà soát TTHC; cập nhật <Cổng dịch vụ công> & công khai "tỷ lệ" > 95%, báo cáo \ đề xuất`
)

var vietnam = time.FixedZone("ICT", 7*3600)

// testMessage is a reminder of two tasks to Văn phòng Sở.
func testMessage() *notify.Message {
	return &notify.Message{
		ID:    "vp|email|2024-12-24T08:00|60/KH-SCT|III.2.1@2024|VP|reminder-5",
		Kind:  notify.KindReminder,
		To:    notify.Recipient{ID: "vp", Name: "Văn phòng Sở", Email: testTo},
		At:    time.Date(2024, 12, 24, 8, 0, 0, 0, vietnam),
		Title: "Nhắc việc: 2 nhiệm vụ sắp đến hạn",
		Intro: "Các nhiệm vụ dưới đây của Kế hoạch 60/KH-SCT sắp đến hạn.",
		Items: []notify.Item{
			{
				Kind: notify.KindReminder, Assignment: "60/KH-SCT|III.2.1@2024|VP",
				TaskID: "III.2.1", Occurrence: "III.2.1@2024", Unit: "Văn phòng Sở",
				Text:   trickyText,
				Output: "Báo cáo kết quả rà soát <kèm danh mục>",
				Due:    time.Date(2024, 12, 31, 17, 0, 0, 0, vietnam), WorkingDays: 5,
			},
			{
				Kind: notify.KindReminder, Assignment: "60/KH-SCT|I.4.1@2024-12|KHTC",
				TaskID: "I.4.1", Occurrence: "I.4.1@2024-12", Period: "tháng 12/2024", Unit: "Phòng Kế hoạch - Tài chính",
				Text: "Xây dựng báo cáo CCHC định kỳ hằng tháng",
				// 18:00 UTC on 29/12 is already 30/12 in Vietnam.
				Due: time.Date(2024, 12, 29, 18, 0, 0, 0, time.UTC), WorkingDays: 4,
			},
		},
		Footer: "Khi hoàn thành, vui lòng báo lại cho Văn phòng Sở.",
	}
}

// testConfig talks to srv with STARTTLS and AUTH PLAIN.
func testConfig(srv *smtptest.Server) Config {
	return Config{
		Host: srv.Host(), Port: srv.Port(), TLS: TLSStartTLS,
		Username: testUser, Password: testPassword,
		From: testFrom, FromName: "Văn phòng Sở Công Thương",
		HelloName: "nhacviec.test", Timeout: 5 * time.Second,
		RootCAs: srv.CertPool(),
	}
}

func newServer(t testing.TB) *smtptest.Server {
	return smtptest.New(t, smtptest.Options{Username: testUser, Password: testPassword})
}

// newNotifier builds a Notifier whose log goes to the returned buffer.
func newNotifier(t testing.TB, cfg Config, opts ...Option) (*Notifier, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	opts = append([]Option{WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))}, opts...)
	n, err := New(cfg, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = n.Close() })
	return n, &logs
}

// icsUnfold checks the physical lines of an iCalendar text (CRLF endings,
// at most 75 octets, valid UTF-8 in each) and returns the unfolded lines.
func icsUnfold(t *testing.T, ics string) []string {
	t.Helper()
	if !strings.HasSuffix(ics, "\r\n") {
		t.Fatalf("ics does not end with CRLF")
	}
	var lines []string
	for i, l := range strings.Split(strings.TrimSuffix(ics, "\r\n"), "\r\n") {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i+1, l)
		}
		if strings.HasPrefix(l, " ") {
			if len(lines) == 0 {
				t.Fatalf("first line is a continuation")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	return lines
}

// icsUnescape undoes RFC 5545 TEXT escaping.
func icsUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// icsEvents returns the properties of each VEVENT, keyed by name with
// parameters ("DTSTART;VALUE=DATE"); VALARM properties are prefixed
// "VALARM/".
func icsEvents(lines []string) []map[string]string {
	var events []map[string]string
	var cur map[string]string
	prefix := ""
	for _, l := range lines {
		switch l {
		case "BEGIN:VEVENT":
			cur = map[string]string{}
			continue
		case "END:VEVENT":
			events = append(events, cur)
			cur = nil
			continue
		case "BEGIN:VALARM":
			prefix = "VALARM/"
			continue
		case "END:VALARM":
			prefix = ""
			continue
		}
		if cur == nil {
			continue
		}
		name, value, _ := strings.Cut(l, ":")
		cur[prefix+name] = value
	}
	return events
}
