package notify_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/store"
)

// t0 is the moment of the test messages: 08:00 in Lạng Sơn.
var t0 = time.Date(2024, 9, 30, 1, 0, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

// result is one scripted answer of a fake notifier.
type result struct {
	retry bool
	err   error
}

// fakeNotifier answers from its script, then succeeds; it records every
// message it was given.
type fakeNotifier struct {
	mu     sync.Mutex
	script []result
	always *result // when set, the answer once the script is used up
	got    []notify.Message
	signal chan string // when set, receives the ID of each message
}

func (f *fakeNotifier) Notify(ctx context.Context, m *notify.Message) (bool, error) {
	f.mu.Lock()
	f.got = append(f.got, *m)
	var r result
	switch {
	case len(f.script) > 0:
		r, f.script = f.script[0], f.script[1:]
	case f.always != nil:
		r = *f.always
	}
	sig := f.signal
	f.mu.Unlock()
	if sig != nil {
		sig <- m.ID
	}
	return r.retry, r.err
}

func (f *fakeNotifier) ids() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.got))
	for i, m := range f.got {
		out[i] = m.ID
	}
	return out
}

func (f *fakeNotifier) messages() []notify.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]notify.Message(nil), f.got...)
}

// retryAfter is an error that asks to wait.
type retryAfter struct{ d time.Duration }

func (e retryAfter) Error() string             { return "429 too many requests" }
func (e retryAfter) RetryAfter() time.Duration { return e.d }

var errTemp = errors.New("connection reset")

// observer counts the Observer calls.
type observer struct {
	mu                    sync.Mutex
	sent, retried, failed []string
}

func (o *observer) OnSent(ch string, k notify.Kind, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, ch+"/"+string(k))
}

func (o *observer) OnRetry(ch string, k notify.Kind) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.retried = append(o.retried, ch+"/"+string(k))
}

func (o *observer) OnFailed(ch string, k notify.Kind) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failed = append(o.failed, ch+"/"+string(k))
}

func openDB(tb testing.TB, path string, c *clock) *store.DB {
	tb.Helper()
	db, err := store.Open(path, store.Options{Now: c.Now, LockTimeout: 200 * time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func tempDB(tb testing.TB, c *clock) *store.DB {
	tb.Helper()
	return openDB(tb, filepath.Join(tb.TempDir(), "nhacviec.db"), c)
}

var quiet = slog.New(slog.DiscardHandler)

// testConfig is a pipeline on ob with the test clock, a fixed jitter of
// +10% (Rand 0.75) and the default backoff.
func testConfig(ob notify.Outbox, c *clock, notifiers map[string]notify.Notifier) notify.Config {
	return notify.Config{
		Notifiers: notifiers,
		Outbox:    ob,
		Now:       c.Now,
		Log:       quiet,
		Backoff:   notify.Backoff{Initial: 30 * time.Second, Max: time.Hour, Multiplier: 2, Jitter: 0.2},
		Rand:      func() float64 { return 0.75 },
	}
}

func mustPipeline(tb testing.TB, cfg notify.Config) *notify.Pipeline {
	tb.Helper()
	p, err := notify.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func deliver(tb testing.TB, p *notify.Pipeline) int {
	tb.Helper()
	n, err := p.DeliverDue(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

var person = notify.Recipient{ID: "nva", Name: "Nguyễn Văn A", Email: "nva@langson.gov.vn", TelegramID: 424242}

func message(id, channel string, at time.Time) *notify.Message {
	return &notify.Message{
		ID: id, Channel: channel, Kind: notify.KindReminder, To: person, At: at,
		Title: "Sắp đến hạn: 1 nhiệm vụ", Intro: "Kính gửi Nguyễn Văn A,",
		Items: []notify.Item{{Kind: notify.KindReminder, Assignment: "60/KH-SCT|I.4.1@2024-10|vp", TaskID: "I.4.1",
			Occurrence: "I.4.1@2024-10", Unit: "Văn phòng Sở", Text: "Báo cáo tháng", Due: at.Add(72 * time.Hour), WorkingDays: 3}},
	}
}

func record(tb testing.TB, db *store.DB, id string) store.OutboxRecord {
	tb.Helper()
	recs, err := db.Outbox(store.OutboxFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range recs {
		if r.Message.ID == id {
			return r
		}
	}
	tb.Fatalf("message %s not in the outbox", id)
	return store.OutboxRecord{}
}

func enqueue(tb testing.TB, db *store.DB, msgs ...*notify.Message) {
	tb.Helper()
	if err := db.Enqueue(msgs...); err != nil {
		tb.Fatal(err)
	}
}

// panicky is a notifier with a bug.
type panicky struct{}

func (panicky) Notify(context.Context, *notify.Message) (bool, error) { panic("kaboom") }
