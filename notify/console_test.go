package notify

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestConsoleNotifier(t *testing.T) {
	at := time.Date(2024, 9, 30, 1, 0, 0, 0, time.UTC) // 08:00 in Vietnam
	m := &Message{
		ID: "abc123", Channel: ChannelTelegram, Kind: KindDigest, At: at,
		To:    Recipient{ID: "nva", Name: "Nguyễn Văn A", TelegramID: 424242},
		Title: "Nhắc việc: 1 sắp đến hạn, 1 quá hạn",
		Items: []Item{
			{Kind: KindReminder, TaskID: "I.4.1", Unit: "Văn phòng Sở", Text: "Báo cáo <tháng>\n& quý",
				Output: "Báo cáo", Due: at.Add(72 * time.Hour), WorkingDays: 3},
			{Kind: KindOverdue, TaskID: "III.2.2.1", Unit: "Phòng Quản lý Thương mại", Text: "Kiểm tra thị trường",
				Due: at.Add(-48 * time.Hour), WorkingDays: -2, Copy: true},
		},
		Footer: "Tin nhắn tự động của nhacviec.",
	}
	var buf bytes.Buffer
	retry, err := (&ConsoleNotifier{W: &buf}).Notify(t.Context(), m)
	if err != nil || retry {
		t.Fatalf("Notify: %v, %v", retry, err)
	}
	out := buf.String()
	for _, want := range []string{
		"──── Nhắc việc: 1 sắp đến hạn, 1 quá hạn ────\n",
		"Gửi tới: Nguyễn Văn A (chat id 424242) qua Telegram\n",
		"Lúc: 08:00 30/09/2024\n",
		"Kính gửi: Nguyễn Văn A\n\nTin này gồm: 1 nhiệm vụ sắp đến hạn.\n",
		"SẮP ĐẾN HẠN (1 nhiệm vụ)\n\n1. I.4.1 Báo cáo <tháng> & quý\n   Hạn 03/10/2024: còn 3 ngày làm việc\n   Kết quả: Báo cáo\n",
		"ĐỂ BIẾT (ĐƠN VỊ PHỐI HỢP) (1 nhiệm vụ)\n- III.2.2.1 Kiểm tra thị trường — Phòng Quản lý Thương mại: chưa xong — Hạn 28/09/2024: quá hạn 2 ngày làm việc\n",
		"\n-- \nTin nhắn tự động của nhacviec.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The letter is for a person: no internal words.
	if strings.Contains(out, "abc123") || strings.Count(out, "Kính gửi") != 1 {
		t.Errorf("output shows the message id or more than one salutation:\n%s", out)
	}
	for _, esc := range []string{"&lt;", "&gt;", "&amp;", "&#"} {
		if strings.Contains(out, esc) {
			t.Errorf("output holds the HTML escape %s:\n%s", esc, out)
		}
	}
}

func TestConsoleNotifierEmailAndWriteError(t *testing.T) {
	m := &Message{ID: "x", Channel: ChannelEmail, Title: "T", To: Recipient{ID: "vp", Name: "Văn phòng Sở", Email: "vp@langson.gov.vn"}}
	var buf bytes.Buffer
	if _, err := (&ConsoleNotifier{W: &buf}).Notify(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	if want := "Gửi tới: Văn phòng Sở <vp@langson.gov.vn> qua e-mail\n"; !strings.Contains(buf.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, buf.String())
	}
	retry, err := (&ConsoleNotifier{W: failingWriter{}}).Notify(t.Context(), m)
	if retry || err == nil || err.Error() != "console: write message x: disk full" {
		t.Errorf("write error: %v, %v", retry, err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestConsoleConcurrentLettersWhole: the pipeline delivers many recipients
// at once; on the console each letter stays whole, none interleaves.
func TestConsoleConcurrentLettersWhole(t *testing.T) {
	var buf bytes.Buffer
	c := &ConsoleNotifier{W: &buf}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := &Message{ID: fmt.Sprint(i), Channel: ChannelEmail, Kind: KindInfo, To: Recipient{ID: fmt.Sprint("p", i), Name: fmt.Sprint("Người ", i)},
				At: time.Date(2024, 11, 19, 8, 0, 0, 0, location), Title: fmt.Sprint("Tin số ", i), Intro: strings.Repeat(fmt.Sprint("dòng của tin ", i, "\n"), 50)}
			if _, err := c.Notify(t.Context(), m); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	letters := strings.Split(buf.String(), "──── Tin số ")
	if len(letters) != 21 {
		t.Fatalf("%d letters on the console, want 20", len(letters)-1)
	}
	for _, l := range letters[1:] {
		n, _, _ := strings.Cut(l, " ")
		if got := strings.Count(l, "dòng của tin "+n+"\n"); got != 50 || strings.Count(l, "dòng của tin ") != 50 {
			t.Errorf("letter %s holds %d of its own 50 lines among %d", n, got, strings.Count(l, "dòng của tin "))
		}
	}
}
