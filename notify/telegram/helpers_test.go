package telegram

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
)

// testToken is shaped like a real token, so that the pattern-based
// redaction is exercised too.
const testToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

var ict = time.FixedZone("ICT", 7*3600)

// fakeClock is a Clock whose Sleep moves time forward at once.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	slept time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2024, 12, 2, 8, 0, 0, 0, ict)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	c.slept += d
	return nil
}

// logBuffer collects log output of every level.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// setup starts a fake server sharing a fake clock with a Notifier.
func setup(t *testing.T) (*telegramtest.Server, *Notifier, *fakeClock) {
	t.Helper()
	srv := telegramtest.New(t, testToken)
	clock := newFakeClock()
	srv.SetClock(clock.Now)
	n, err := New(context.Background(), Config{Token: testToken, APIEndpoint: srv.Endpoint(), FileEndpoint: srv.FileEndpoint(),
		Timeout: 5 * time.Second}, nil, WithClock(clock))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return srv, n, clock
}

func item(id, text string, days int) notify.Item {
	return notify.Item{
		Kind: notify.KindReminder, Assignment: "60/KH-SCT|" + id + "@2024|VP", TaskID: id, Occurrence: id + "@2024",
		Unit: "Văn phòng Sở", Text: text, Output: "Báo cáo", Due: time.Date(2024, 12, 31, 17, 0, 0, 0, ict),
		WorkingDays: days,
	}
}

func message(id string, chat int64, items ...notify.Item) *notify.Message {
	return &notify.Message{
		ID: id, Channel: notify.ChannelTelegram, Kind: notify.KindReminder,
		To: notify.Recipient{ID: "vp", Name: "Văn phòng", TelegramID: chat},
		At: time.Date(2024, 12, 2, 8, 0, 0, 0, ict), Title: "Nhắc việc sắp đến hạn", Items: items,
	}
}

// digest is a message of n items, long enough to need several parts when
// n is large.
func digest(id string, chat int64, n int) *notify.Message {
	var items []notify.Item
	for i := 1; i <= n; i++ {
		items = append(items, item(fmt.Sprintf("III.%d.1", i),
			fmt.Sprintf("Rà soát, cập nhật <quy trình> nội bộ số %d & công khai thủ tục hành chính \"một cửa\" của Sở Công Thương Lạng Sơn", i), i%5))
	}
	m := message(id, chat, items...)
	m.Kind, m.Title = notify.KindDigest, "Tổng hợp nhắc việc tuần"
	m.Intro = "Các nhiệm vụ dưới đây cần hoàn thành:"
	m.Footer = "Trả lời /xong <mã> khi hoàn thành."
	return m
}

// texts is the text of each message the fake accepted.
func texts(sent []telegramtest.Sent) []string {
	var out []string
	for _, s := range sent {
		out = append(out, s.Text)
	}
	return out
}

func noSpace(s string) string {
	return strings.Join(strings.Fields(s), "")
}
