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

// TestRenderLetterShape checks the letter every channel shares: one
// salutation, the summary, the sections in order, a task's periods merged
// into one entry, copies last and compact.
func TestRenderLetterShape(t *testing.T) {
	m := testMessage()
	m.Kind = notify.KindDigest
	month := func(k notify.Kind, mm string, wd int) notify.Item {
		return notify.Item{Kind: k, Assignment: "60/KH-SCT|VII.2.1@2024-" + mm + "|khtc", TaskID: "VII.2.1",
			Occurrence: "VII.2.1@2024-" + mm, Text: "Số hóa hồ sơ", Due: m.At.AddDate(0, 0, wd), WorkingDays: wd}
	}
	m.Items = []notify.Item{
		{Kind: notify.KindReminder, TaskID: "I.1", Text: "Sắp tới", Due: m.At.AddDate(0, 0, 7), WorkingDays: 5},
		month(notify.KindOverdue, "06", -103), month(notify.KindOverdue, "07", -81), month(notify.KindOverdue, "10", -17),
		{Kind: notify.KindDue, TaskID: "I.3", Text: "Hôm nay", Due: m.At},
		{Kind: notify.KindOverdue, TaskID: "I.4", Text: "Trễ nữa", Unit: "Phòng Quản lý thương mại", Copy: true, Due: m.At.AddDate(0, 0, -1), WorkingDays: -1,
			Leads: []notify.LeadState{{Unit: "Phòng Quản lý thương mại"}, {Unit: "Phòng Quản lý công nghiệp", Done: true}}},
	}
	text, html, err := testRenderer(t).bodies(m)
	if err != nil {
		t.Fatal(err)
	}
	order := []string{
		"Kính gửi: Văn phòng Sở\n",
		"Tin này gồm: 1 nhiệm vụ quá hạn (3 kỳ), 2 nhiệm vụ sắp đến hạn.",
		"QUÁ HẠN (1 nhiệm vụ)", "1. VII.2.1 Số hóa hồ sơ\n   tháng 6, 7, 10/2024: quá hạn (lâu nhất 103 ngày làm việc)",
		"SẮP ĐẾN HẠN (2 nhiệm vụ)", "1. I.3 Hôm nay\n   Hạn 24/12/2024: đến hạn hôm nay", "2. I.1 Sắp tới",
		"ĐỂ BIẾT (ĐƠN VỊ PHỐI HỢP) (1 nhiệm vụ)",
		"- I.4 Trễ nữa — Phòng Quản lý thương mại: chưa xong; Phòng Quản lý công nghiệp: đã xong — Hạn 23/12/2024: quá hạn 1 ngày làm việc",
	}
	rest := text
	for _, want := range order {
		i := strings.Index(rest, want)
		if i < 0 {
			t.Fatalf("text body lacks %q after the previous parts:\n%s", want, text)
		}
		rest = rest[i+len(want):]
	}
	for name, body := range map[string]string{"text": text, "html": html} {
		if n := strings.Count(body, "Kính gửi"); n != 1 {
			t.Errorf("%s body has %d salutations, want 1", name, n)
		}
		if n := strings.Count(body, "Số hóa hồ sơ"); n != 1 {
			t.Errorf("%s body shows the monthly task %d times, want once", name, n)
		}
	}
	for _, want := range []string{"Quá hạn (1 nhiệm vụ)", "tháng 6, 7, 10/2024: quá hạn (lâu nhất 103 ngày làm việc)", "Để biết (đơn vị phối hợp) (1 nhiệm vụ)"} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q", want)
		}
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
	want := "Kính gửi anh/chị,\n\nTin này gồm: 1 nhiệm vụ sắp đến hạn.\n\nSẮP ĐẾN HẠN (1 nhiệm vụ)\n\n1. III.2.1 Dòng thứ nhất Dòng thứ hai\n   Hạn 31/12/2024: còn 5 ngày làm việc\n"
	if !strings.HasPrefix(text, want) {
		t.Errorf("text body =\n%s\nwant prefix\n%s", text, want)
	}
	if !strings.Contains(text, "\n-- \n"+notify.DefaultSignature[0]+"\n") {
		t.Errorf("text body lacks the default signature:\n%s", text)
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
