package email

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
)

func testRenderer(t *testing.T) *renderer {
	t.Helper()
	r, err := newRenderer(Config{From: testFrom, FromName: "Văn phòng Sở Công Thương"}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRenderGroupsMostUrgentFirst(t *testing.T) {
	m := testMessage()
	m.Kind = notify.KindDigest
	m.Items = []notify.Item{
		{Kind: notify.KindReminder, TaskID: "I.1", Text: "Sắp tới", Due: m.At.AddDate(0, 0, 7), WorkingDays: 5},
		{Kind: notify.KindOverdue, TaskID: "I.2", Text: "Trễ hạn", Due: m.At.AddDate(0, 0, -3), WorkingDays: -2},
		{Kind: notify.KindInfo, TaskID: "VII.1", Text: "Chưa xếp lịch"},
		{Kind: notify.KindDue, TaskID: "I.3", Text: "Hôm nay", Due: m.At},
		{Kind: notify.KindOverdue, TaskID: "I.4", Text: "Trễ nữa", Unit: "Phòng Quản lý thương mại", Copy: true, Due: m.At.AddDate(0, 0, -1), WorkingDays: 0},
	}
	text, html, err := testRenderer(t).bodies(m)
	if err != nil {
		t.Fatal(err)
	}
	order := []string{
		"Quá hạn (2 nhiệm vụ):", "1. [I.2] Trễ hạn", "Tình trạng: quá hạn 2 ngày làm việc",
		"2. [I.4] Trễ nữa", "Đơn vị chủ trì: Phòng Quản lý thương mại\n   Gửi để biết và phối hợp.\n", "Tình trạng: quá hạn\n",
		"Đến hạn hôm nay (1 nhiệm vụ):", "1. [I.3] Hôm nay", "Tình trạng: đến hạn hôm nay",
		"Sắp đến hạn (1 nhiệm vụ):", "1. [I.1] Sắp tới",
		"Thông báo (1 nhiệm vụ):", "1. [VII.1] Chưa xếp lịch", "Thời hạn: chưa xác định",
	}
	rest := text
	for _, want := range order {
		i := strings.Index(rest, want)
		if i < 0 {
			t.Fatalf("text body lacks %q after the previous parts:\n%s", want, text)
		}
		rest = rest[i+len(want):]
	}
	if strings.Contains(text, "Báo cáo quá hạn") {
		t.Errorf("empty group shown")
	}
	if got := strings.Count(html, "<li "); got != 5 {
		t.Errorf("html lists %d items, want 5", got)
	}
	for _, want := range []string{"Quá hạn (2 nhiệm vụ)", "<em>(gửi để biết và phối hợp)</em>"} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q", want)
		}
	}
	if n := strings.Count(text, "phối hợp"); n != 1 {
		t.Errorf("text marks %d items as copies, want 1", n)
	}
}

func TestRenderGreetingAndMultilineText(t *testing.T) {
	m := testMessage()
	m.To.Name = ""
	m.Intro, m.Footer = "", ""
	m.Items = m.Items[:1]
	m.Items[0].Text = "Dòng thứ nhất\nDòng thứ hai"
	text, _, err := testRenderer(t).bodies(m)
	if err != nil {
		t.Fatal(err)
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	want := "Kính gửi anh/chị,\n\nSắp đến hạn (1 nhiệm vụ):\n\n1. [III.2.1] Dòng thứ nhất\n   Dòng thứ hai\n   Đơn vị chủ trì: Văn phòng Sở\n"
	if !strings.HasPrefix(text, want) {
		t.Errorf("text body =\n%s\nwant prefix\n%s", text, want)
	}
	if strings.Contains(text, "\n\n\n") {
		t.Errorf("text body has stray blank lines:\n%s", text)
	}
}

func TestRenderMessageIDStable(t *testing.T) {
	r := testRenderer(t)
	write := func(m *notify.Message) (string, string) {
		msg, err := r.render(m, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := msg.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		return msg.GetMessageID(), buf.String()
	}
	id1, raw := write(testMessage())
	id2, _ := write(testMessage())
	other, _ := write(messageWithID("other"))
	if id1 != id2 || id1 == other {
		t.Errorf("Message-IDs: %s, %s, other %s", id1, id2, other)
	}
	if want := "<" + r.messageID(testMessage().ID) + ">"; id1 != want || !strings.Contains(raw, "Message-ID: "+want) {
		t.Errorf("Message-ID = %s, want %s", id1, want)
	}
}

func TestRenderWithoutDueDatesHasNoAttachment(t *testing.T) {
	m := testMessage()
	for i := range m.Items {
		m.Items[i].Due = time.Time{}
	}
	msg, err := testRenderer(t).render(m, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(msg.GetAttachments()); n != 0 {
		t.Errorf("%d attachments, want none", n)
	}
}
