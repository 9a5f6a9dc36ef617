package notify_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
)

// timers hands Run's timers to the test, which fires them.
type timers struct{ reqs chan timer }

type timer struct {
	d time.Duration
	c chan time.Time
}

func (f *timers) After(d time.Duration) (<-chan time.Time, func() bool) {
	tm := timer{d, make(chan time.Time, 1)}
	f.reqs <- tm
	return tm.c, func() bool { return true }
}

// receive waits for a value from ch; the deadline only guards against a
// hung test, it never decides a result.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s", what)
		panic("unreachable")
	}
}

func TestRunWaitsForNextAttemptAndWakes(t *testing.T) {
	c := &clock{t: t0}
	db := tempDB(t, c)
	enqueue(t, db, message("m1", notify.ChannelEmail, t0.Add(10*time.Minute)))
	email := &fakeNotifier{signal: make(chan string, 10)}
	tm := &timers{reqs: make(chan timer)}
	cfg := testConfig(db, c, map[string]notify.Notifier{notify.ChannelEmail: email})
	cfg.After = tm.After
	cfg.Idle = 30 * time.Minute
	p := mustPipeline(t, cfg)

	ctx, cancel := context.WithCancel(t.Context())
	wake := make(chan struct{})
	done := make(chan struct{})
	go func() { p.Run(ctx, wake); close(done) }()

	// Nothing due: Run sleeps until m1's moment.
	first := receive(t, tm.reqs, "timer")
	if first.d != 10*time.Minute {
		t.Errorf("first wait %s, want 10m", first.d)
	}
	c.Set(t0.Add(10 * time.Minute))
	first.c <- c.Now()
	if id := receive(t, email.signal, "delivery"); id != "m1" {
		t.Errorf("delivered %s, want m1", id)
	}

	// Nothing pending: Run waits Idle, until the scheduler wakes it.
	idle := receive(t, tm.reqs, "idle timer")
	if idle.d != 30*time.Minute {
		t.Errorf("idle wait %s, want 30m", idle.d)
	}
	enqueue(t, db, message("m2", notify.ChannelEmail, c.Now()))
	wake <- struct{}{}
	if id := receive(t, email.signal, "delivery after wake"); id != "m2" {
		t.Errorf("delivered %s, want m2", id)
	}

	// A temporary failure: Run waits for the retry.
	email.mu.Lock()
	email.script = []result{{true, errTemp}}
	email.mu.Unlock()
	enqueue(t, db, message("m3", notify.ChannelEmail, c.Now()))
	receive(t, tm.reqs, "idle timer")
	wake <- struct{}{}
	receive(t, email.signal, "failed attempt")
	retry := receive(t, tm.reqs, "retry timer")
	if retry.d != 33*time.Second {
		t.Errorf("retry wait %s, want 33s", retry.d)
	}
	c.Add(33 * time.Second)
	retry.c <- c.Now()
	if id := receive(t, email.signal, "retry"); id != "m3" {
		t.Errorf("retried %s, want m3", id)
	}

	receive(t, tm.reqs, "idle timer")
	cancel()
	receive(t, done, "return after cancel")
	if got := len(email.ids()); got != 4 {
		t.Errorf("%d attempts, want 4", got)
	}
}

// countingOutbox counts the reads of the due index.
type countingOutbox struct {
	notify.Outbox
	mu      sync.Mutex
	scans   int
	skipped int // records the due reads looked at and left (in flight)
}

func (c *countingOutbox) OutboxDueExcept(now time.Time, after notify.DuePos, limit int, skip func(id string) bool) ([]notify.Record, error) {
	c.mu.Lock()
	c.scans++
	c.mu.Unlock()
	return c.Outbox.OutboxDueExcept(now, after, limit, c.count(skip))
}

// count wraps skip to count the records a read steps over.
func (c *countingOutbox) count(skip func(id string) bool) func(id string) bool {
	if skip == nil {
		return nil
	}
	return func(id string) bool {
		c.mu.Lock()
		c.skipped++
		c.mu.Unlock()
		return skip(id)
	}
}

func (c *countingOutbox) NextOutboxAttemptExcept(skip func(id string) bool) (time.Time, bool, error) {
	c.mu.Lock()
	c.scans++
	c.mu.Unlock()
	return c.Outbox.NextOutboxAttemptExcept(skip)
}

// TestRunReadsOutboxOncePerBacklog: 200 messages to 200 recipients, one
// lane each, delivered by Run: the due index is read a few times, not
// again after every message (which made a backlog quadratic: every read
// walks the whole index, skipping the messages in flight).
func TestRunReadsOutboxOncePerBacklog(t *testing.T) {
	c := &clock{t: t0}
	db := tempDB(t, c)
	var msgs []*notify.Message
	for i := range 200 {
		m := message(fmt.Sprintf("m%03d", i), notify.ChannelEmail, t0)
		m.To.Email = fmt.Sprintf("u%03d@langson.gov.vn", i)
		msgs = append(msgs, m)
	}
	enqueue(t, db, msgs...)
	email := &fakeNotifier{signal: make(chan string, 200)}
	ob := &countingOutbox{Outbox: db}
	tm := &timers{reqs: make(chan timer, 100)}
	cfg := testConfig(ob, c, map[string]notify.Notifier{notify.ChannelEmail: email})
	cfg.After = tm.After
	p := mustPipeline(t, cfg)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { p.Run(ctx, make(chan struct{})); close(done) }()
	for range 200 {
		receive(t, email.signal, "delivery")
	}
	receive(t, tm.reqs, "idle timer once all went") // Run settled
	cancel()
	<-done
	ob.mu.Lock()
	defer ob.mu.Unlock()
	if ob.scans > 20 {
		t.Errorf("the due index was read %d times for 200 messages, want a few", ob.scans)
	}
}
