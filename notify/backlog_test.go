package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/store"
)

// readHookOutbox calls hook after each read of due records, and counts
// the records those reads stepped over.
type readHookOutbox struct {
	notify.Outbox
	hook    func(n int)
	mu      sync.Mutex
	reads   int
	skipped int
	afters  []notify.DuePos
}

func (o *readHookOutbox) OutboxDueExcept(now time.Time, after notify.DuePos, limit int, skip func(id string) bool) ([]notify.Record, error) {
	counting := skip
	if skip != nil {
		counting = func(id string) bool {
			if !skip(id) {
				return false
			}
			o.mu.Lock()
			o.skipped++
			o.mu.Unlock()
			return true
		}
	}
	recs, err := o.Outbox.OutboxDueExcept(now, after, limit, counting)
	o.mu.Lock()
	o.reads++
	o.afters = append(o.afters, after)
	n := o.reads
	o.mu.Unlock()
	if o.hook != nil {
		o.hook(n)
	}
	return recs, err
}

// backlog enqueues n messages due at t0 to n recipients (a lane each).
func backlog(t *testing.T, db *store.DB, n int) {
	t.Helper()
	var msgs []*notify.Message
	for i := range n {
		m := message(fmt.Sprintf("m%03d", i), notify.ChannelEmail, t0)
		m.To.Email = fmt.Sprintf("u%03d@langson.gov.vn", i)
		msgs = append(msgs, m)
	}
	enqueue(t, db, msgs...)
}

// TestDispatchResumesAfterItsLastBatch: with every message of a backlog in
// flight (the sender holds them), each read of a batch starts where the
// last ended instead of stepping again over the messages already queued
// (200 messages in batches of 64 stepped over 64 + 128 + 192).
func TestDispatchResumesAfterItsLastBatch(t *testing.T) {
	c := &clock{t: t0}
	db := tempDB(t, c)
	backlog(t, db, 200)
	email := &fakeNotifier{signal: make(chan string)} // each attempt waits for the test
	batches := make(chan struct{}, 10)
	ob := &readHookOutbox{Outbox: db, hook: func(int) { batches <- struct{}{} }}
	p := mustPipeline(t, testConfig(ob, c, map[string]notify.Notifier{notify.ChannelEmail: email}))
	done := make(chan error, 1)
	go func() { _, err := p.DeliverDue(t.Context()); done <- err }()
	for range 4 { // 64, 64, 64, 8: every message queued, none sent yet
		receive(t, batches, "a batch read")
	}
	ob.mu.Lock()
	skipped, afters := ob.skipped, slices.Clone(ob.afters)
	ob.mu.Unlock()
	for range 200 {
		receive(t, email.signal, "an attempt")
	}
	if err := receive(t, done, "the round's end"); err != nil {
		t.Fatal(err)
	}
	if skipped != 0 {
		t.Errorf("the batch reads stepped over %d messages in flight, want none", skipped)
	}
	if len(afters) < 4 || afters[0] != (notify.DuePos{}) || afters[1].ID != "m063" || afters[3].ID != "m191" {
		t.Errorf("the reads started after %v, want the start, m063, m127, m191", afters)
	}
}

// TestDispatchStopsWhenStopping: a daemon stopping in the middle of a
// backlog reads no further batch; what it queued ends its attempts, the
// rest waits in the outbox (before, it queued every due message first: a
// large backlog held a SIGTERM for minutes).
func TestDispatchStopsWhenStopping(t *testing.T) {
	c := &clock{t: t0}
	db := tempDB(t, c)
	backlog(t, db, 200)
	email := &fakeNotifier{}
	ctx, cancel := context.WithCancel(t.Context())
	ob := &readHookOutbox{Outbox: db, hook: func(n int) {
		if n == 1 {
			cancel() // SIGTERM while the first batch is queued
		}
	}}
	cfg := testConfig(ob, c, map[string]notify.Notifier{notify.ChannelEmail: email})
	p := mustPipeline(t, cfg)
	done := make(chan struct{})
	go func() { p.Run(ctx, make(chan struct{})); close(done) }()
	receive(t, done, "Run's return")
	ob.mu.Lock()
	defer ob.mu.Unlock()
	if ob.reads != 1 {
		t.Errorf("%d reads of due messages after the stop, want 1", ob.reads)
	}
	pending, err := db.OutboxDueExcept(c.Now(), notify.DuePos{}, 1000, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sent := len(email.ids()); sent+len(pending) != 200 || len(pending) < 200-64 {
		t.Errorf("%d attempts and %d left in the outbox, want at most 64 attempted and the rest left", sent, len(pending))
	}
}

// TestLanesHoldBoundedBytes: a backlog larger than MaxQueued waits in the
// outbox, not in the lanes: with the sender holding each attempt, a round
// queues about MaxQueued bytes of records (one record more at most) and
// reads the rest as they go; every message is still sent, once, and each
// record's size is the one the outbox holds (a backlog of 300 digests of
// 500 KB each was all decoded into memory at once).
func TestLanesHoldBoundedBytes(t *testing.T) {
	c := &clock{t: t0}
	db := tempDB(t, c)
	backlog(t, db, 200)
	recs, err := db.OutboxDueExcept(c.Now(), notify.DuePos{}, 1000, nil)
	if err != nil {
		t.Fatal(err)
	}
	size := 0
	for _, r := range recs {
		if raw, _ := json.Marshal(r); r.Size < len(raw)/2 || r.Size > 2*len(raw) {
			t.Fatalf("record %s read with size %d, its JSON has %d bytes", r.Message.ID, r.Size, len(raw))
		}
		size = max(size, r.Size)
	}
	email := &fakeNotifier{signal: make(chan string)}
	ob := &readHookOutbox{Outbox: db}
	cfg := testConfig(ob, c, map[string]notify.Notifier{notify.ChannelEmail: email})
	const fits = 20
	cfg.MaxQueued = int64(fits * size)
	p := mustPipeline(t, cfg)
	done := make(chan error, 1)
	go func() { _, err := p.DeliverDue(t.Context()); done <- err }()
	sent := map[string]int{}
	reads, since, most := 0, 0, 0 // attempts since the last read of the outbox, the most of them
	for range 200 {
		id := receive(t, email.signal, "an attempt")
		sent[id]++
		ob.mu.Lock()
		r := ob.reads
		ob.mu.Unlock()
		if r != reads {
			reads, since = r, 0
		}
		since++
		most = max(most, since)
	}
	if err := receive(t, done, "the round's end"); err != nil {
		t.Fatal(err)
	}
	if most > fits+1 || most < fits/2 {
		t.Errorf("up to %d messages sent between two reads of the outbox, want about %d (MaxQueued)", most, fits)
	}
	if len(sent) != 200 {
		t.Errorf("%d messages sent, want 200", len(sent))
	}
	for id, n := range sent {
		if n != 1 {
			t.Errorf("%s sent %d times", id, n)
		}
	}
}

// TestRunRefillsTheLanesAsTheyEmpty: Run, with its timers stopped, reads
// a backlog larger than MaxQueued to its end: the lanes that make room
// wake it, no timer is needed.
func TestRunRefillsTheLanesAsTheyEmpty(t *testing.T) {
	c := &clock{t: t0}
	db := tempDB(t, c)
	backlog(t, db, 120)
	recs, err := db.OutboxDueExcept(c.Now(), notify.DuePos{}, 1, nil)
	if err != nil || len(recs) != 1 {
		t.Fatal(recs, err)
	}
	email := &fakeNotifier{signal: make(chan string)}
	cfg := testConfig(db, c, map[string]notify.Notifier{notify.ChannelEmail: email})
	cfg.MaxQueued = int64(10 * recs[0].Size)
	cfg.After = func(time.Duration) (<-chan time.Time, func() bool) { return nil, func() bool { return true } } // never fires
	p := mustPipeline(t, cfg)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { p.Run(ctx, make(chan struct{})); close(done) }()
	sent := map[string]bool{}
	for range 120 {
		sent[receive(t, email.signal, "an attempt")] = true
	}
	cancel()
	receive(t, done, "Run's return")
	if len(sent) != 120 {
		t.Errorf("%d messages sent, want 120", len(sent))
	}
}
