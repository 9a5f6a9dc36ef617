package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/store"
)

// stepClock is a daemon's clock that moves only when the test moves it:
// the daemon's loop hands it each wait (Main.after) and the test, told of
// it, moves the clock to the wait's end and wakes the loop.
type stepClock struct {
	mu    sync.Mutex
	t     time.Time
	waits chan stepWait
	stop  chan struct{}
}

// stepWait is one wait of the daemon's loop: until at, then c.
type stepWait struct {
	at time.Time
	c  chan time.Time
}

func newStepClock(t time.Time) *stepClock {
	return &stepClock{t: t, waits: make(chan stepWait), stop: make(chan struct{})}
}

func (c *stepClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *stepClock) after(d time.Duration) <-chan time.Time {
	w := stepWait{at: c.now().Add(d), c: make(chan time.Time, 1)}
	select {
	case c.waits <- w:
	case <-c.stop: // the test is over: the loop waits for its context
	}
	return w.c
}

// wake moves the clock to w's end and ends w.
func (c *stepClock) wake(w stepWait) {
	c.mu.Lock()
	if w.at.After(c.t) {
		c.t = w.at
	}
	c.mu.Unlock()
	w.c <- w.at
}

// runUntil wakes the daemon at each moment it waits for, in turn, each
// when it has done with the one before, until it waits for one after
// until; it fails when the daemon stops (done) or fail comes first.
func (c *stepClock) runUntil(until time.Time, done <-chan struct{}, fail <-chan time.Time) error {
	for {
		select {
		case w := <-c.waits:
			if w.at.After(until) {
				return nil
			}
			c.wake(w)
		case <-done:
			return errors.New("the daemon stopped")
		case <-fail:
			return fmt.Errorf("the daemon did not wait for a moment after %s", until.Format(time.DateTime))
		}
	}
}

// notifyBuffer is a syncBuffer that says when it is written to.
type notifyBuffer struct {
	syncBuffer
	written chan struct{}
}

func (b *notifyBuffer) Write(p []byte) (int, error) {
	n, err := b.syncBuffer.Write(p)
	select {
	case b.written <- struct{}{}:
	default:
	}
	return n, err
}

// TestPreviewMatchesRun: on the same inputs, preview lists the messages
// run sends in the same window, message by message (title and minute, on
// each channel), for --now before a round (the start's catch-up, then the
// 08:00 round), at it, and after it, weekly summaries included. The
// daemon runs on a clock that moves only from one of its wake-ups to the
// next (none sleeps in real time, so a slow start cannot merge the
// catch-up into the round), and the test waits for what it prints, not
// for a while.
func TestPreviewMatchesRun(t *testing.T) {
	head := regexp.MustCompile(`──── (.*) ────\nGửi tới: .*\nLúc: (\d\d:\d\d) `)
	ict := time.FixedZone("ICT", 7*3600)
	// 19/11 is a Tuesday (the start catches up Monday's weekly summary);
	// 25/11 a Monday, whose own summary goes at 08:00.
	for _, now := range []string{"2024-11-19T07:59:57", "2024-11-19T08:00", "2024-11-19T08:01", "2024-11-25T07:59:57", "2024-11-25T08:00"} {
		t.Run(now, func(t *testing.T) {
			e := newEnv(t)
			start, err := parseNow(now, ict)
			if err != nil {
				t.Fatal(err)
			}
			until := start.Add(6 * time.Second)
			out, stderr, code := e.run(t, context.Background(), "preview", "--json", "--now", now, "--to", until.Format("2006-01-02T15:04:05"))
			if code != 0 {
				t.Fatalf("preview: exit %d %s", code, stderr)
			}
			var entries []previewEntry
			if err := json.Unmarshal([]byte(out), &entries); err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, en := range entries {
				for range en.Channels {
					want = append(want, en.At.In(ict).Format("15:04")+" "+en.Title)
				}
			}
			if len(want) == 0 {
				t.Fatal("preview lists nothing")
			}

			clock := newStepClock(start)
			stdout := &notifyBuffer{written: make(chan struct{}, 1)}
			e.setup = func(m *Main) { m.stdout, m.now, m.after = stdout, clock.now, clock.after }
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() {
				defer close(done)
				e.run(t, ctx, "run")
			}()
			stopped := func() {
				close(clock.stop)
				cancel()
				<-done
			}
			// A guard against a daemon that never gets there, not a measure.
			fail := time.After(2 * time.Minute)
			if err := clock.runUntil(until, done, fail); err != nil {
				stopped()
				t.Fatal(err)
			}
			read := func() []string {
				var out []string
				for _, m := range head.FindAllStringSubmatch(stdout.String(), -1) {
					out = append(out, m[2]+" "+m[1])
				}
				return out
			}
			// The delivery pipeline prints what the loop queued.
			for len(read()) < len(want) {
				select {
				case <-stdout.written:
				case <-fail:
					stopped()
					t.Fatalf("run printed %d messages, preview lists %d:\n%s", len(read()), len(want), strings.Join(read(), "\n"))
				}
			}
			stopped()
			got := read()
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("preview lists %d messages, run sent %d\npreview:\n%s\nrun:\n%s", len(want), len(got),
					strings.Join(want, "\n"), strings.Join(got, "\n"))
			}
			// Nothing more was queued than was printed.
			db, err := store.Open(filepath.Join(e.dir, "nhacviec.db"), store.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			pending, err := db.Outbox(store.OutboxFilter{Status: notify.StatusPending})
			if err != nil {
				t.Fatal(err)
			}
			if len(pending) > 0 {
				t.Errorf("%d messages queued and not printed, the first %q", len(pending), pending[0].Message.Title)
			}
		})
	}
}
