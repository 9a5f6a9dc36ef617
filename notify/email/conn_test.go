package email

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
)

func TestConnectionReuse(t *testing.T) {
	for _, tc := range []struct {
		reuse bool
		want  int
	}{{reuse: true, want: 1}, {reuse: false, want: 5}} {
		t.Run(fmt.Sprintf("reuse=%t", tc.reuse), func(t *testing.T) {
			srv := newServer(t)
			cfg := testConfig(srv)
			cfg.ReuseConnection = tc.reuse
			n, _ := newNotifier(t, cfg)
			for i := range 5 {
				notifyOK(t, n, messageWithID(fmt.Sprint("m", i)))
			}
			if got := srv.Connections(); got != tc.want {
				t.Errorf("5 messages used %d connections, want %d", got, tc.want)
			}
			if got := len(srv.Messages()); got != 5 {
				t.Errorf("received %d messages, want 5", got)
			}
		})
	}
}

func TestIdleTimeoutRedials(t *testing.T) {
	for _, tc := range []struct {
		pause time.Duration
		want  int
	}{{pause: 59 * time.Second, want: 1}, {pause: time.Minute, want: 2}} {
		t.Run(tc.pause.String(), func(t *testing.T) {
			srv := newServer(t)
			cfg := testConfig(srv)
			cfg.ReuseConnection, cfg.IdleTimeout = true, time.Minute
			now := time.Date(2024, 12, 24, 8, 0, 0, 0, vietnam)
			n, _ := newNotifier(t, cfg, WithClock(func() time.Time { return now }))
			notifyOK(t, n, messageWithID("first"))
			now = now.Add(tc.pause)
			notifyOK(t, n, messageWithID("second"))
			if got := srv.Connections(); got != tc.want {
				t.Errorf("after %s idle: %d connections, want %d", tc.pause, got, tc.want)
			}
		})
	}
}

func TestConcurrentNotifyShareThePool(t *testing.T) {
	srv := newServer(t)
	cfg := testConfig(srv)
	cfg.ReuseConnection, cfg.Connections = true, 3
	n, _ := newNotifier(t, cfg)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			if _, err := n.Notify(context.Background(), messageWithID(fmt.Sprint("c", i))); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(srv.Messages()); got != 8 {
		t.Errorf("received %d messages, want 8", got)
	}
	if got := srv.Connections(); got < 1 || got > 3 {
		t.Errorf("used %d connections, want 1 to 3", got)
	}
	// Once back in the pool they carry the next burst: no new dial.
	before := srv.Connections()
	for i := range 6 {
		wg.Go(func() {
			if _, err := n.Notify(context.Background(), messageWithID(fmt.Sprint("d", i))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := srv.Connections(); got > 3 {
		t.Errorf("used %d connections after %d, want 3 at most", got, before)
	}
}

// TestOneConnectionWhenConfigured: Connections 1 makes concurrent calls
// take turns on one connection.
func TestOneConnectionWhenConfigured(t *testing.T) {
	srv := newServer(t)
	cfg := testConfig(srv)
	cfg.ReuseConnection, cfg.Connections = true, 1
	n, _ := newNotifier(t, cfg)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if _, err := n.Notify(context.Background(), messageWithID(fmt.Sprint("c", i))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := srv.Connections(); got != 1 {
		t.Errorf("used %d connections, want 1", got)
	}
}

func TestPooledConnectionLostWhileIdleIsRedialed(t *testing.T) {
	srv := newServer(t)
	cfg := testConfig(srv)
	cfg.ReuseConnection = true
	n, _ := newNotifier(t, cfg)
	notifyOK(t, n, messageWithID("before"))
	if err := srv.Close(); err != nil { // drops the pooled connection
		t.Fatal(err)
	}
	srv.Restart()
	// Nothing was sent on the dead connection: no retry needed, dial again.
	notifyOK(t, n, messageWithID("after"))
	if got := srv.Connections(); got != 2 {
		t.Errorf("used %d connections, want 2", got)
	}
	if got := len(srv.Messages()); got != 2 {
		t.Errorf("received %d messages, want 2", got)
	}
}

func TestNotifyBatch(t *testing.T) {
	srv := newServer(t)
	n, _ := newNotifier(t, testConfig(srv)) // no reuse: the batch still shares one connection
	rejected := messageWithID("rejected")
	rejected.To.Email = "khongco@sct.langson.gov.vn"
	srv.RejectRcpt(rejected.To.Email, 550)
	noAddress := messageWithID("no-address")
	noAddress.To.Email = ""

	results := n.NotifyBatch(context.Background(), []*notify.Message{
		messageWithID("a"), rejected, noAddress, messageWithID("b"),
	})
	if len(results) != 4 {
		t.Fatalf("got %d results", len(results))
	}
	for i, want := range []struct {
		ok    bool
		retry bool
	}{{ok: true}, {ok: false}, {ok: false}, {ok: true}} {
		if (results[i].Err == nil) != want.ok || results[i].Retry != want.retry {
			t.Errorf("result %d = %+v, want ok=%t retry=%t", i, results[i], want.ok, want.retry)
		}
	}
	var e *Error
	if !errors.As(results[1].Err, &e) || e.Code != 550 || e.MessageID != "rejected" {
		t.Errorf("result 1 error = %v", results[1].Err)
	}
	if got := len(srv.Messages()); got != 2 {
		t.Errorf("received %d messages, want 2", got)
	}
	if got := srv.Connections(); got != 1 {
		t.Errorf("batch used %d connections, want 1", got)
	}
}

func TestNotifyAfterClose(t *testing.T) {
	srv := newServer(t)
	cfg := testConfig(srv)
	cfg.ReuseConnection = true
	n, _ := newNotifier(t, cfg)
	notifyOK(t, n, testMessage())
	if err := n.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	retry, err := n.Notify(context.Background(), testMessage())
	if !retry || !errors.Is(err, ErrClosed) {
		t.Fatalf("Notify after Close = retry %t, err %v", retry, err)
	}
}
