package notify_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/email"
	"github.com/sct-langson/nhacviec/notify/email/smtptest"
)

// channelWatch is an Observer that follows the channel states.
type channelWatch struct {
	observer
	mu     sync.Mutex
	states []string
	up     chan string
}

func (w *channelWatch) OnChannelUp(ch string, up bool) {
	w.mu.Lock()
	w.states = append(w.states, fmt.Sprintf("%s:%t", ch, up))
	w.mu.Unlock()
	if up {
		w.up <- ch
	}
}

// TestRecoveryResumesWaitingMessages: the SMTP server is down while 100
// messages fall due; each fails and waits for its own retry. The channel
// is probed with growing delays; once the server answers, the 100 are due
// at once (the clock has not moved: their own timers have not run out)
// and each is delivered once.
func TestRecoveryResumesWaitingMessages(t *testing.T) {
	c := &clock{t: t0}
	db := tempDB(t, c)
	srv := smtptest.New(t, smtptest.Options{NoTLS: true})
	en, err := email.New(email.Config{Host: srv.Host(), Port: srv.Port(), TLS: email.TLSNone,
		From: "nhacviec@sct.langson.gov.vn", ReuseConnection: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { en.Close() })
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	var msgs []*notify.Message
	for i := range 100 {
		m := message(fmt.Sprintf("m%03d", i), notify.ChannelEmail, t0)
		m.To = notify.Recipient{ID: fmt.Sprintf("u%d", i), Name: "Cán bộ", Email: fmt.Sprintf("u%d@langson.gov.vn", i)}
		msgs = append(msgs, m)
	}
	enqueue(t, db, msgs...)
	tm := &timers{reqs: make(chan timer)}
	watch := &channelWatch{up: make(chan string, 1)}
	cfg := testConfig(db, c, map[string]notify.Notifier{notify.ChannelEmail: en})
	cfg.After, cfg.Observer = tm.After, watch
	p := mustPipeline(t, cfg)

	if sent := deliver(t, p); sent != 0 {
		t.Fatalf("%d sent while the server is down", sent)
	}
	for _, m := range msgs {
		if r := record(t, db, m.ID); r.Status != notify.StatusPending || !r.NextAttempt.After(t0.Add(20*time.Second)) {
			t.Fatalf("%s: %s, next attempt %s; want pending, on its backoff", m.ID, r.Status, r.NextAttempt)
		}
	}
	// Probes at 1s, 2s, 4s... while the server is down.
	first := receive(t, tm.reqs, "first probe")
	if first.d != time.Second {
		t.Errorf("first probe after %s, want 1s", first.d)
	}
	first.c <- c.Now()
	second := receive(t, tm.reqs, "second probe")
	if second.d != 2*time.Second {
		t.Errorf("second probe after %s, want 2s", second.d)
	}
	srv.Restart()
	second.c <- c.Now()
	receive(t, watch.up, "channel back")

	if sent := deliver(t, p); sent != 100 {
		t.Errorf("%d sent after the server came back, want 100", sent)
	}
	seen := map[string]int{}
	for _, m := range srv.Messages() {
		seen[m.To[0]]++
	}
	if len(seen) != 100 {
		t.Errorf("%d recipients got mail, want 100", len(seen))
	}
	for to, n := range seen {
		if n != 1 {
			t.Errorf("%s got %d copies", to, n)
		}
	}
	watch.mu.Lock()
	defer watch.mu.Unlock()
	if fmt.Sprint(watch.states) != "[email:false email:true]" {
		t.Errorf("channel states %v, want [email:false email:true]", watch.states)
	}
}
