package notify_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/store"
)

func TestDeliverOnceAndMarkSent(t *testing.T) {
	c := &clock{t: t0}
	db := tempDB(t, c)
	enqueue(t, db, message("m1", notify.ChannelEmail, t0), message("later", notify.ChannelEmail, t0.Add(time.Hour)))
	email := &fakeNotifier{}
	obs := &observer{}
	cfg := testConfig(db, c, map[string]notify.Notifier{notify.ChannelEmail: email})
	cfg.Observer = obs
	p := mustPipeline(t, cfg)

	if n := deliver(t, p); n != 1 {
		t.Errorf("first round sent %d, want 1", n)
	}
	rec := record(t, db, "m1")
	if rec.Status != store.OutboxSent || rec.Attempts != 1 || !rec.SentAt.Equal(t0) {
		t.Errorf("after delivery: status %s, attempts %d, sent at %s", rec.Status, rec.Attempts, rec.SentAt)
	}
	c.Add(30 * time.Minute)
	if n := deliver(t, p); n != 0 {
		t.Errorf("second round sent %d, want 0", n)
	}
	c.Add(time.Hour)
	deliver(t, p)
	deliver(t, p)
	if got, want := email.ids(), []string{"m1", "later"}; !slices.Equal(got, want) {
		t.Errorf("notifier got %v, want %v", got, want)
	}
	if want := []string{"email/reminder", "email/reminder"}; !slices.Equal(obs.sent, want) {
		t.Errorf("observer sent %v, want %v", obs.sent, want)
	}
}

func TestRetryWithBackoffThenSuccess(t *testing.T) {
	c := &clock{t: t0}
	db := tempDB(t, c)
	enqueue(t, db, message("m1", notify.ChannelEmail, t0))
	email := &fakeNotifier{script: []result{{true, errTemp}, {true, errTemp}}}
	obs := &observer{}
	cfg := testConfig(db, c, map[string]notify.Notifier{notify.ChannelEmail: email})
	cfg.Observer = obs
	p := mustPipeline(t, cfg)

	// Rand 0.75 with jitter 0.2: every delay is 110% of the backoff.
	steps := []struct {
		at       time.Time
		attempts int
		status   store.OutboxStatus
		next     time.Time
	}{
		{t0, 1, store.OutboxPending, t0.Add(33 * time.Second)},
		{t0.Add(33 * time.Second), 2, store.OutboxPending, t0.Add(33*time.Second + 66*time.Second)},
		{t0.Add(99 * time.Second), 3, store.OutboxSent, t0.Add(99 * time.Second)},
	}
	for i, s := range steps {
		// Just before the next attempt nothing happens.
		c.Set(s.at.Add(-time.Millisecond))
		if i > 0 {
			deliver(t, p)
			if n := len(email.ids()); n != i {
				t.Fatalf("step %d: %d calls before the retry is due, want %d", i, n, i)
			}
		}
		c.Set(s.at)
		deliver(t, p)
		rec := record(t, db, "m1")
		if rec.Attempts != s.attempts || rec.Status != s.status || !rec.NextAttempt.Equal(s.next) {
			t.Errorf("step %d: attempts %d status %s next %s, want %d %s %s",
				i, rec.Attempts, rec.Status, rec.NextAttempt.Sub(t0), s.attempts, s.status, s.next.Sub(t0))
		}
	}
	c.Add(24 * time.Hour)
	deliver(t, p)
	if got := email.ids(); len(got) != 3 {
		t.Errorf("notifier called %d times, want 3", len(got))
	}
	if len(obs.sent) != 1 || len(obs.retried) != 2 || len(obs.failed) != 0 {
		t.Errorf("observer: sent %v retried %v failed %v", obs.sent, obs.retried, obs.failed)
	}
	if rec := record(t, db, "m1"); rec.LastError != errTemp.Error() {
		t.Errorf("last error %q, want %q", rec.LastError, errTemp)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after time.Duration
		want  time.Duration
	}{
		{"longer than the backoff", 10 * time.Minute, 10 * time.Minute},
		{"shorter than the backoff", 5 * time.Second, 33 * time.Second},
		{"wrapped", 2 * time.Minute, 2 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &clock{t: t0}
			db := tempDB(t, c)
			enqueue(t, db, message("m1", notify.ChannelTelegram, t0))
			var err error = retryAfter{tc.after}
			if tc.name == "wrapped" {
				err = fmt.Errorf("telegram: sendMessage: %w", err)
			}
			tg := &fakeNotifier{script: []result{{true, err}}}
			p := mustPipeline(t, testConfig(db, c, map[string]notify.Notifier{notify.ChannelTelegram: tg}))
			deliver(t, p)
			if rec := record(t, db, "m1"); !rec.NextAttempt.Equal(t0.Add(tc.want)) || rec.Status != store.OutboxPending {
				t.Errorf("next attempt after %s (%s), want %s", rec.NextAttempt.Sub(t0), rec.Status, tc.want)
			}
		})
	}
}

func TestPermanentFailureIsReported(t *testing.T) {
	c := &clock{t: t0}
	db := tempDB(t, c)
	enqueue(t, db, message("m1", notify.ChannelEmail, t0))
	bad := errors.New("550 5.1.1 mailbox unavailable")
	email := &fakeNotifier{script: []result{{false, bad}}}
	obs := &observer{}
	cfg := testConfig(db, c, map[string]notify.Notifier{notify.ChannelEmail: email})
	cfg.Observer = obs
	cfg.Admin = notify.Recipient{ID: "admin", Name: "Quản trị", Email: "admin@langson.gov.vn"}
	p := mustPipeline(t, cfg)

	deliver(t, p)
	rec := record(t, db, "m1")
	if rec.Status != store.OutboxFailed || rec.Attempts != 1 || rec.LastError != bad.Error() || !rec.FailedAt.Equal(t0) {
		t.Errorf("record: status %s attempts %d error %q failed at %s", rec.Status, rec.Attempts, rec.LastError, rec.FailedAt)
	}
	if !slices.Equal(obs.failed, []string{"email/reminder"}) {
		t.Errorf("observer failed %v", obs.failed)
	}
	// The admin hears of it by e-mail; no copy is made (e-mail has no fallback).
	got := email.messages()
	if len(got) != 2 || got[1].To.ID != "admin" || !strings.Contains(got[1].Intro, bad.Error()) ||
		got[1].Title != "nhacviec: không gửi được e-mail tới Nguyễn Văn A" {
		t.Fatalf("messages %+v, want m1 then the admin notice", got)
	}
	for range 5 {
		c.Add(6 * time.Hour)
		deliver(t, p)
	}
	if n := len(email.ids()); n != 2 {
		t.Errorf("notifier called %d times after the failure, want 2 in all", n)
	}
}

func TestTemporaryFailureGivesUp(t *testing.T) {
	for _, tc := range []struct {
		name         string
		maxAttempts  int
		maxAge       time.Duration
		wantAttempts int
		wantErr      string
	}{
		// Attempts at 0, 33s, 1m39s, 3m51s, 8m15s, 17m03s, 34m39s, 1h09m51s,
		// 2h15m51s: the ninth is past two hours.
		{"max age", 0, 2 * time.Hour, 9, "gave up after 2h15m51s: connection reset"},
		{"max attempts", 4, 0, 4, "gave up after 4 attempts: connection reset"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &clock{t: t0}
			db := tempDB(t, c)
			enqueue(t, db, message("m1", notify.ChannelEmail, t0))
			email := &fakeNotifier{always: &result{true, errTemp}}
			cfg := testConfig(db, c, map[string]notify.Notifier{notify.ChannelEmail: email})
			cfg.MaxAttempts, cfg.MaxAge = tc.maxAttempts, tc.maxAge
			p := mustPipeline(t, cfg)
			for range 50 {
				deliver(t, p)
				rec := record(t, db, "m1")
				if rec.Status != store.OutboxPending {
					break
				}
				c.Set(rec.NextAttempt)
			}
			rec := record(t, db, "m1")
			if rec.Status != store.OutboxFailed || rec.Attempts != tc.wantAttempts || rec.LastError != tc.wantErr {
				t.Errorf("status %s attempts %d error %q, want failed %d %q", rec.Status, rec.Attempts, rec.LastError, tc.wantAttempts, tc.wantErr)
			}
			c.Add(100 * time.Hour)
			deliver(t, p)
			if n := len(email.ids()); n != tc.wantAttempts {
				t.Errorf("notifier called %d times, want %d", n, tc.wantAttempts)
			}
		})
	}
}

func TestMissingNotifierAndPanic(t *testing.T) {
	c := &clock{t: t0}
	db := tempDB(t, c)
	enqueue(t, db, message("console", notify.ChannelConsole, t0), message("boom", "boom", t0))
	p := mustPipeline(t, testConfig(db, c, map[string]notify.Notifier{"boom": panicky{}}))
	deliver(t, p)
	if rec := record(t, db, "console"); rec.Status != store.OutboxFailed || rec.LastError != `no notifier for channel "console"` {
		t.Errorf("no notifier: %s %q", rec.Status, rec.LastError)
	}
	if rec := record(t, db, "boom"); rec.Status != store.OutboxPending || !strings.Contains(rec.LastError, "panicked: kaboom") {
		t.Errorf("panic: %s %q", rec.Status, rec.LastError)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	c := &clock{t: t0}
	db := tempDB(t, c)
	ok := map[string]notify.Notifier{notify.ChannelEmail: &fakeNotifier{}}
	for _, tc := range []struct {
		name string
		edit func(*notify.Config)
		want string
	}{
		{"no outbox", func(cfg *notify.Config) { cfg.Outbox = nil }, "notify: pipeline needs an outbox"},
		{"no notifier", func(cfg *notify.Config) { cfg.Notifiers = nil }, "notify: pipeline needs at least one notifier"},
		{"nil notifier", func(cfg *notify.Config) { cfg.Notifiers = map[string]notify.Notifier{"email": nil} }, `notify: notifier for channel "email" is nil`},
		{"max below initial", func(cfg *notify.Config) { cfg.Backoff.Max = time.Second }, "notify: backoff: maximum delay 1s is shorter than the initial 30s"},
		{"jitter", func(cfg *notify.Config) { cfg.Backoff.Jitter = 1 }, "notify: backoff: jitter 1 must be in [0, 1)"},
		{"multiplier", func(cfg *notify.Config) { cfg.Backoff.Multiplier = 0.5 }, "notify: backoff: multiplier 0.5 must be at least 1"},
		{"attempts", func(cfg *notify.Config) { cfg.MaxAttempts = -1 }, "notify: max attempts -1 is negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(db, c, ok)
			tc.edit(&cfg)
			_, err := notify.New(cfg)
			if err == nil || err.Error() != tc.want {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// cancelling is a notifier cut short by the shutdown of its process.
type cancelling struct{ cancel context.CancelFunc }

func (c cancelling) Notify(ctx context.Context, _ *notify.Message) (bool, error) {
	c.cancel()
	return true, ctx.Err()
}

func TestShutdownLeavesMessagePending(t *testing.T) {
	c := &clock{t: t0}
	db := tempDB(t, c)
	enqueue(t, db, message("m1", notify.ChannelEmail, t0))
	ctx, cancel := context.WithCancel(t.Context())
	p := mustPipeline(t, testConfig(db, c, map[string]notify.Notifier{notify.ChannelEmail: cancelling{cancel}}))
	if _, err := p.DeliverDue(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("DeliverDue: %v, want context.Canceled", err)
	}
	if rec := record(t, db, "m1"); rec.Status != store.OutboxPending || rec.Attempts != 0 || !rec.NextAttempt.Equal(t0) {
		t.Errorf("after shutdown: %s, %d attempts, next %s", rec.Status, rec.Attempts, rec.NextAttempt)
	}
}
