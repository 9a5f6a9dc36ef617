package telegram

import (
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
)

func TestRenderLayout(t *testing.T) {
	due := time.Date(2024, 12, 31, 17, 0, 0, 0, ict)
	m := &notify.Message{
		ID: "m1", Kind: notify.KindDigest, Title: "Tổng hợp <tuần>", To: notify.Recipient{Name: "Văn phòng"},
		Intro:  "Danh sách\r\ntuần này:",
		Footer: "Trả lời /xong <mã> & gửi minh chứng.",
		Items: []notify.Item{
			{Kind: notify.KindReminder, TaskID: "III.2.1", Text: "Rà soát\n  <Quyết định> & \"Kế hoạch\"", Unit: "Văn phòng",
				Output: "Báo cáo 'quý'", Due: due, WorkingDays: 3},
			{Kind: notify.KindReminder, TaskID: "III.2.2", Text: "Công khai TTHC", Due: due, WorkingDays: 1},
			{Kind: notify.KindOverdue, TaskID: "I.4.1", Text: "Báo cáo tháng", Unit: "Phòng QLTM", Due: due, WorkingDays: -2},
		},
	}
	parts := Render(m)
	if len(parts) != 1 {
		t.Fatalf("%d parts, want 1", len(parts))
	}
	wantHTML := "<b>Tổng hợp &lt;tuần&gt;</b>\nKính gửi: Văn phòng\nTin này gồm: 1 nhiệm vụ quá hạn, 2 nhiệm vụ sắp đến hạn." +
		"\n\nDanh sách\ntuần này:" +
		"\n\n<b>QUÁ HẠN (1 nhiệm vụ)</b>\n<b>I.4.1</b> Báo cáo tháng\nĐơn vị chủ trì: Phòng QLTM\nHạn 31/12/2024: quá hạn 2 ngày làm việc" +
		"\n\n<b>SẮP ĐẾN HẠN (2 nhiệm vụ)</b>\n<b>III.2.2</b> Công khai TTHC\nHạn 31/12/2024: còn 1 ngày làm việc" +
		"\n\n<b>III.2.1</b> Rà soát &lt;Quyết định&gt; &amp; &#34;Kế hoạch&#34;\nĐơn vị chủ trì: Văn phòng\nHạn 31/12/2024: còn 3 ngày làm việc" +
		"\n<i>Kết quả: Báo cáo &#39;quý&#39;</i>" +
		"\n\n<i>Trả lời /xong &lt;mã&gt; &amp; gửi minh chứng.</i>"
	if parts[0].HTML != wantHTML {
		t.Errorf("HTML:\n%s\nwant:\n%s", parts[0].HTML, wantHTML)
	}
	plain, _, err := telegramtest.ParseHTML(parts[0].HTML)
	if err != nil {
		t.Fatalf("Telegram would refuse the HTML: %v", err)
	}
	if plain != parts[0].Text {
		t.Errorf("Text %q differs from what Telegram shows %q", parts[0].Text, plain)
	}
	if !strings.Contains(plain, `Rà soát <Quyết định> & "Kế hoạch"`) || !strings.Contains(plain, "Kết quả: Báo cáo 'quý'") {
		t.Errorf("task text altered: %q", plain)
	}
}

func TestRenderEdgeCases(t *testing.T) {
	tests := []struct {
		name string
		m    notify.Message
		want string // Text of the only part
	}{
		{"title from kind", notify.Message{Kind: notify.KindOverdue, Footer: "-"}, "Quá hạn\nKính gửi anh/chị,\n\n-"},
		{"no due date", notify.Message{Title: "T", Footer: "-", Items: []notify.Item{{TaskID: "A.1", Text: "x"}}},
			"T\nKính gửi anh/chị,\nTin này gồm: 1 nhiệm vụ sắp đến hạn.\n\nSẮP ĐẾN HẠN (1 nhiệm vụ)\nA.1 x\nChưa xác định thời hạn\n\n-"},
		{"due today", notify.Message{Title: "T", Footer: "-", Items: []notify.Item{{Kind: notify.KindDue, TaskID: "A.1", Text: "x",
			Due: time.Date(2024, 3, 1, 0, 0, 0, 0, ict)}}}, "T\nKính gửi anh/chị,\nTin này gồm: 1 nhiệm vụ sắp đến hạn.\n\nSẮP ĐẾN HẠN (1 nhiệm vụ)\nA.1 x\nHạn 01/03/2024: đến hạn hôm nay\n\n-"},
		{"invalid utf-8 replaced", notify.Message{Title: "T\xff", Footer: "-"}, "T\uFFFD\nKính gửi anh/chị,\n\n-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := Render(&tt.m)
			if len(parts) != 1 || parts[0].Text != tt.want {
				t.Fatalf("Render = %+v, want text %q", parts, tt.want)
			}
			if _, _, err := telegramtest.ParseHTML(parts[0].HTML); err != nil {
				t.Errorf("invalid HTML %q: %v", parts[0].HTML, err)
			}
		})
	}
}

func TestStripHTML(t *testing.T) {
	for in, want := range map[string]string{
		"<b>Hạn</b> &lt;x&gt; &amp; &#39;": "Hạn <x> & '",
		"a < b":                            "a < b",
		"<i>x<y</i>":                       "x",
	} {
		if got := StripHTML(in); got != want {
			t.Errorf("StripHTML(%q) = %q, want %q", in, got, want)
		}
	}
}
