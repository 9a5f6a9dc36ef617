package email

import (
	"context"
	"html"
	"net/mail"
	"strings"
	"testing"

	"github.com/sct-langson/nhacviec/notify"
)

// notifyOK sends m and fails the test unless it is delivered.
func notifyOK(t *testing.T, n *Notifier, m *notify.Message) {
	t.Helper()
	if retry, err := n.Notify(context.Background(), m); err != nil {
		t.Fatalf("Notify(%s): retry=%t err=%v", m.ID, retry, err)
	}
}

// messageWithID is testMessage with another idempotency key.
func messageWithID(id string) *notify.Message {
	m := testMessage()
	m.ID = id
	return m
}

func TestNotifyDeliversOverSTARTTLSWithAuth(t *testing.T) {
	srv := newServer(t)
	n, _ := newNotifier(t, testConfig(srv))
	m := testMessage()
	notifyOK(t, n, m)

	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	msg := got[0]
	if msg.From != testFrom || len(msg.To) != 1 || msg.To[0] != testTo {
		t.Errorf("envelope = %s -> %v, want %s -> [%s]", msg.From, msg.To, testFrom, testTo)
	}
	if s := msg.Subject(); s != "Nhắc việc: 2 nhiệm vụ sắp đến hạn" {
		t.Errorf("Subject = %q", s)
	}
	from, err := mail.ParseAddress(msg.Header.Get("From"))
	if err != nil || from.Name != "Văn phòng Sở Công Thương" || from.Address != testFrom {
		t.Errorf("From = %+v, %v", from, err)
	}
	to, err := mail.ParseAddress(msg.Header.Get("To"))
	if err != nil || to.Name != "Văn phòng Sở" || to.Address != testTo {
		t.Errorf("To = %+v, %v", to, err)
	}
	if id := msg.Header.Get(HeaderMessageID); id != m.ID {
		t.Errorf("%s = %q, want %q", HeaderMessageID, id, m.ID)
	}
	if date, err := msg.Header.Date(); err != nil || !date.Equal(m.At) {
		t.Errorf("Date = %v, %v; want %v", date, err, m.At)
	}
	if a := msg.Header.Get("Auto-Submitted"); a != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", a)
	}

	parts, err := msg.Parts()
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 3 {
		t.Fatalf("got %d MIME parts, want text, html, ics", len(parts))
	}
	text, htmlPart, ics := parts[0], parts[1], parts[2]

	t.Run("text part", func(t *testing.T) {
		if text.ContentType != "text/plain" || !strings.EqualFold(text.Params["charset"], "utf-8") {
			t.Fatalf("first part is %s %v", text.ContentType, text.Params)
		}
		body := strings.ReplaceAll(string(text.Body), "\r\n", "\n")
		for _, want := range []string{
			"Kính gửi: Văn phòng Sở",
			"Các nhiệm vụ dưới đây của Kế hoạch 60/KH-SCT sắp đến hạn.",
			"Tin này gồm: 2 nhiệm vụ sắp đến hạn.",
			"SẮP ĐẾN HẠN (2 nhiệm vụ)",
			"1. I.4.1 Xây dựng báo cáo CCHC định kỳ hằng tháng\n   Đơn vị chủ trì: Phòng Kế hoạch - Tài chính\n   tháng 12/2024, hạn 30/12/2024: còn 4 ngày làm việc",
			"2. III.2.1 " + notify.Shorten(trickyText, 110),
			"Đơn vị chủ trì: Văn phòng Sở",
			"Hạn 31/12/2024: còn 5 ngày làm việc",
			"Kết quả: Báo cáo kết quả rà soát <kèm danh mục>",
			"\n-- \nKhi hoàn thành, vui lòng báo lại cho Văn phòng Sở.",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("text body lacks %q\n%s", want, body)
			}
		}
		for _, bad := range []string{"&lt;", "&gt;", "&amp;", "&#"} {
			if strings.Contains(body, bad) {
				t.Errorf("text body contains HTML escape %q", bad)
			}
		}
	})

	t.Run("html part", func(t *testing.T) {
		if htmlPart.ContentType != "text/html" {
			t.Fatalf("second part is %s", htmlPart.ContentType)
		}
		raw := string(htmlPart.Body)
		if strings.Contains(raw, "<Cổng dịch vụ công>") {
			t.Errorf("task text is not escaped in HTML")
		}
		if strings.Contains(raw, "&amp;lt;") || strings.Contains(raw, "&amp;amp;") {
			t.Errorf("task text is escaped twice")
		}
		shown := html.UnescapeString(raw)
		for _, want := range []string{
			"Kính gửi: Văn phòng Sở", notify.Shorten(trickyText, 110), "Báo cáo kết quả rà soát <kèm danh mục>",
			"31/12/2024", "còn 5 ngày làm việc", "Khi hoàn thành, vui lòng báo lại cho Văn phòng Sở.", `<html lang="vi">`,
		} {
			if !strings.Contains(shown, want) {
				t.Errorf("html body lacks %q", want)
			}
		}
	})

	t.Run("calendar attachment", func(t *testing.T) {
		if ics.ContentType != "text/calendar" || ics.Params["method"] != "PUBLISH" ||
			ics.Params["charset"] != "utf-8" || ics.Filename != calendarFile {
			t.Fatalf("attachment = %s %v %q", ics.ContentType, ics.Params, ics.Filename)
		}
		lines := icsUnfold(t, string(ics.Body))
		events := icsEvents(lines)
		if len(events) != 2 {
			t.Fatalf("got %d events, want 2", len(events))
		}
		wantUID := eventUID(m.Items[0], "sct.langson.gov.vn")
		e := events[0]
		for key, want := range map[string]string{
			"UID":                wantUID,
			"DTSTART;VALUE=DATE": "20241231",
			"DTEND;VALUE=DATE":   "20250101",
			"DTSTAMP":            "20241224T010000Z",
			"VALARM/TRIGGER":     "-PT16H",
		} {
			if e[key] != want {
				t.Errorf("event 1 %s = %q, want %q", key, e[key], want)
			}
		}
		if got := icsUnescape(e["SUMMARY"]); got != "[III.2.1] "+trickyText {
			t.Errorf("SUMMARY unescaped = %q", got)
		}
		if d := icsUnescape(e["DESCRIPTION"]); !strings.Contains(d, "Đơn vị chủ trì: Văn phòng Sở\nKết quả/sản phẩm: Báo cáo kết quả rà soát <kèm danh mục>") {
			t.Errorf("DESCRIPTION unescaped = %q", d)
		}
		// 18:00 UTC on 29/12 is 01:00 on 30/12 in Vietnam.
		if got := events[1]["DTSTART;VALUE=DATE"]; got != "20241230" {
			t.Errorf("event 2 DTSTART = %q, want 20241230 (Asia/Ho_Chi_Minh)", got)
		}
	})
}

func TestMessageIDStableAcrossSends(t *testing.T) {
	srv := newServer(t)
	n, _ := newNotifier(t, testConfig(srv))
	notifyOK(t, n, testMessage())
	notifyOK(t, n, testMessage())
	notifyOK(t, n, messageWithID("another-message"))
	got := srv.Messages()
	if len(got) != 3 {
		t.Fatalf("received %d messages", len(got))
	}
	first, second, other := got[0].Header.Get("Message-ID"), got[1].Header.Get("Message-ID"), got[2].Header.Get("Message-ID")
	if first == "" || first != second {
		t.Errorf("Message-ID of the same message differs: %q vs %q", first, second)
	}
	if other == first {
		t.Errorf("different messages share Message-ID %q", first)
	}
	if !strings.HasSuffix(first, "@sct.langson.gov.vn>") {
		t.Errorf("Message-ID %q is not in the sender's domain", first)
	}
}
