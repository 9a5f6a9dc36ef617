package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/email/smtptest"
	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
)

// TestEmailConnectionsAtOnce: with email.connections: 6 and 12 e-mails
// due, the daemon has six messages in DATA at the same time (the server
// holds each DATA until six are there), over six connections, no more.
func TestEmailConnectionsAtOnce(t *testing.T) {
	smtp := smtptest.New(t, smtptest.Options{Username: "nhacviec", Password: e2ePassword})
	met := smtp.MeetInData(6)
	tg := telegramtest.New(t, e2eToken)
	e := newEnv(t)
	e.useChannelsWith(t, smtp, tg, "  connections: 6\n")
	var msgs []*notify.Message
	for i := range 12 {
		msgs = append(msgs, &notify.Message{ID: fmt.Sprintf("pool-%d", i), Channel: notify.ChannelEmail,
			Kind: notify.KindReminder, At: benchAt, Title: "Nhắc việc", Items: benchItems(1),
			To: notify.Recipient{ID: fmt.Sprintf("u%d", i), Name: "Cán bộ", Email: fmt.Sprintf("u%d@pool.example", i)}})
	}
	prefill(t, e, msgs)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.run(t, ctx, "run", "--now", benchNow)
	}()
	defer func() { cancel(); <-done }()
	waitFor(t, "six messages in DATA at once", func() bool {
		select {
		case <-met:
			return true
		default:
			return false
		}
	})
	waitFor(t, "the 12 messages", func() bool { return smtp.Count() >= 12 })
	if n := smtp.Connections(); n != 6 {
		t.Errorf("%d connections, want 6", n)
	}
}
