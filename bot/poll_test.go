package bot

import (
	"context"
	"errors"
	"github.com/sct-langson/nhacviec/notify"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

func noteTexts(a scheduler.Assignment) []string {
	var out []string
	for _, n := range a.Notes {
		out = append(out, n.Text)
	}
	return out
}

// TestRestartAfterCommit: updates 1–3 applied, the process dies before
// Telegram hears the new offset (no getUpdates after them); a new process
// on the same file applies update 4 and not 3 again.
func TestRestartAfterCommit(t *testing.T) {
	e := newEnv(t, nil)
	for _, n := range []string{"1", "2", "3"} {
		e.srv.PushText(userAn.ID, userAn, "/ghichu III.2.1 ghi chú "+n)
	}
	if n := e.poll(); n != 3 {
		t.Fatalf("handled %d", n)
	}
	if e.srv.Pending() != 3 {
		t.Fatal("the fake forgot updates it was not told about")
	}
	e.restart()
	e.srv.PushText(userAn.ID, userAn, "/ghichu III.2.1 ghi chú 4")
	if n := e.poll(); n != 1 {
		t.Fatalf("the new process handled %d updates, want only update 4", n)
	}
	if got := noteTexts(e.assignment(kIII21)); !slices.Equal(got, []string{"ghi chú 1", "ghi chú 2", "ghi chú 3", "ghi chú 4"}) {
		t.Errorf("notes %q", got)
	}
	if n := len(e.audit()); n != 4 {
		t.Errorf("%d audit entries", n)
	}
}

// failingStore fails the transaction of one update once, as a crash in
// the middle of it would: nothing of it is written, and the process stops
// (crash, when set, ends the context it runs under).
type failingStore struct {
	*store.DB
	update int
	failed bool
	crash  func()
}

func (s *failingStore) ApplyUpdate(id int, fn func(scheduler.Tx, func(store.AuditEntry) error) error) error {
	if id == s.update && !s.failed {
		s.failed = true
		return s.DB.ApplyUpdate(id, func(tx scheduler.Tx, audit func(store.AuditEntry) error) error {
			if err := fn(tx, audit); err != nil {
				return err
			}
			if s.crash != nil {
				s.crash()
			}
			return errors.New("crash")
		})
	}
	return s.DB.ApplyUpdate(id, fn)
}

// TestRestartBeforeCommit: the process dies while applying update 3, after
// Telegram was told of the offset past it (the updates are kept in the
// store); the new one applies 3 once, then 4.
func TestRestartBeforeCommit(t *testing.T) {
	var fs *failingStore
	e := newEnv(t, func(c *Config) {
		if fs == nil {
			fs = &failingStore{DB: c.Store.(*store.DB)}
			c.Store = fs
		}
	})
	var ups []telegramtest.Update
	for _, n := range []string{"1", "2", "3"} {
		ups = append(ups, e.srv.PushText(userAn.ID, userAn, "/ghichu III.2.1 ghi chú "+n))
	}
	fs.update = ups[2].UpdateID
	ctx, crash := context.WithCancel(context.Background())
	fs.crash = crash
	if n, err := e.bot.Poll(ctx); err == nil || n != 2 {
		t.Fatalf("Poll = %d, %v; want 2 and the crash", n, err)
	}
	if n := len(e.srv.SentTo(userAn.ID)); n != 2 {
		t.Errorf("%d replies: the failed update was answered", n)
	}
	e.restart()
	e.srv.PushText(userAn.ID, userAn, "/ghichu III.2.1 ghi chú 4")
	if n := e.poll(); n != 2 {
		t.Fatalf("the new process handled %d updates, want 3 and 4", n)
	}
	if e.srv.Pending() != 1 {
		t.Errorf("the fake still holds %d updates, want update 4 only: 3 came from the store", e.srv.Pending())
	}
	if got := noteTexts(e.assignment(kIII21)); !slices.Equal(got, []string{"ghi chú 1", "ghi chú 2", "ghi chú 3", "ghi chú 4"}) {
		t.Errorf("notes %q", got)
	}
}

// TestFailingUpdateSkipped: an update that keeps failing is tried again
// after a growing delay, then skipped with an apology, so that it cannot
// stop the bot; the chat's next update is handled after it.
func TestFailingUpdateSkipped(t *testing.T) {
	e := newEnv(t, nil)
	first := e.srv.PushText(userAn.ID, userAn, "/viec")
	e.srv.PushText(userAn.ID, userAn, "/ghichu III.2.1 sau")
	broken := &brokenUpdate{DB: e.db, id: first.UpdateID}
	e.bot.store = broken
	var waits []time.Duration
	e.bot.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	if n := e.poll(); n != 2 {
		t.Fatalf("handled %d", n)
	}
	if !slices.Equal(waits, []time.Duration{time.Second, 2 * time.Second}) || broken.calls.Load() != maxAttempts {
		t.Errorf("waits %v between %d attempts, want 1s, 2s between %d", waits, broken.calls.Load(), maxAttempts)
	}
	sent := e.srv.SentTo(userAn.ID)
	if len(sent) != 2 || !strings.Contains(sent[0].Text, "gặp lỗi") {
		t.Errorf("replies %q", texts(sent))
	}
	if got := noteTexts(e.assignment(kIII21)); !slices.Equal(got, []string{"sau"}) {
		t.Errorf("notes %q", got)
	}
}

// brokenUpdate fails the first maxAttempts attempts to apply one update's
// effects (its handling); the skip that follows, with the apology, goes
// through.
type brokenUpdate struct {
	*store.DB
	id    int
	calls atomic.Int32
}

func (b *brokenUpdate) ApplyUpdate(id int, fn func(tx scheduler.Tx, audit func(store.AuditEntry) error) error) error {
	if id == b.id && fn != nil && b.calls.Load() < maxAttempts {
		b.calls.Add(1)
		return errors.New("disk on fire")
	}
	return b.DB.ApplyUpdate(id, fn)
}

func texts(sent []telegramtest.Sent) []string {
	var out []string
	for _, s := range sent {
		out = append(out, s.Text)
	}
	return out
}

func TestConflictReported(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.Fail(telegramtest.Failure{Method: "getUpdates", Code: 409, Times: 3,
		Description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waits []time.Duration
	e.bot.sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		if len(waits) == 3 {
			cancel()
			return ctx.Err()
		}
		return nil
	}
	if err := e.bot.Run(ctx); err != nil {
		t.Fatalf("Run = %v", err)
	}
	if n := strings.Count(e.logs.String(), "another instance is polling this bot"); n != 1 {
		t.Errorf("conflict logged %d times:\n%s", n, e.logs.String())
	}
	if !slices.Equal(waits, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}) {
		t.Errorf("waits %v", waits)
	}
	if strings.Contains(e.logs.String(), testToken) || strings.Contains(e.logs.String(), "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw") {
		t.Error("the token is in the logs")
	}
}

// TestSecondInstanceConflict: a real second poller ends the first one's
// long poll with 409, which Run reports and retries.
func TestSecondInstanceConflict(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.PollTimeout = 30 * time.Second })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	slept := make(chan struct{}, 1)
	e.bot.sleep = func(ctx context.Context, d time.Duration) error {
		select {
		case slept <- struct{}{}:
		default:
		}
		<-ctx.Done()
		return ctx.Err()
	}
	go func() { done <- e.bot.Run(ctx) }()
	second, err := New(Config{Notifier: e.tg, Store: e.db, Engine: e.eng, Directory: e.bot.dir, PollTimeout: -1})
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := second.Poll(context.Background()); err != nil {
			t.Fatal(err)
		}
		select {
		case <-slept:
		default:
			continue // the first poll had not started yet
		}
		break
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	contains(t, "log", e.logs.String(), "another instance is polling this bot")
}

// TestDoneGetsNoFurtherStep: once done, the engine produces nothing more
// for the assignment, while the others keep their reminders.
func TestDoneGetsNoFurtherStep(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.PushText(userAn.ID, userAn, "/xong III.2.1")
	e.poll()
	if a := e.assignment(kIII21); a.Next != nil || e.eng.NextFor(a) != nil {
		t.Fatalf("done assignment still has a step: %+v", a.Next)
	}
	at := time.Date(2024, 12, 31, 8, 0, 0, 0, ict()) // due day
	msgs, err := e.eng.Fire(at)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, m := range msgs {
		for _, it := range m.Items {
			if it.Kind != notify.KindDone { // the office is told of the completion
				seen = append(seen, it.Assignment)
			}
		}
	}
	if slices.Contains(seen, kIII21) {
		t.Errorf("a done assignment was reminded: %v", seen)
	}
	if !slices.Contains(seen, kIII221) {
		t.Errorf("an open assignment was not reminded: %v", seen)
	}
}
