package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sct-langson/nhacviec/notify/email/smtptest"
	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
)

// TestTelegramStartsLate: the Bot API's gateway fails when the daemon
// starts (getMe gets a 502 page). The daemon runs on, reports the channel
// down (nhacviec_channel_up 0), keeps trying in the background, and once
// the Bot API answers the reminder goes by Telegram, without a restart,
// and the channel is up (1).
func TestTelegramStartsLate(t *testing.T) {
	smtp := smtptest.New(t, smtptest.Options{Username: "nhacviec", Password: e2ePassword})
	tg := telegramtest.New(t, e2eToken)
	tg.Fail(telegramtest.Failure{Method: "getMe", Code: http.StatusBadGateway, Gateway: true})

	e := newEnv(t)
	addr := freePort(t)
	e.edit(t, "nhacviec.yaml", "http:\n  listen: 127.0.0.1:0\n", fmt.Sprintf("http:\n  listen: %s\n", addr))
	e.edit(t, "nhacviec.yaml", "    email: chanhvanphong@sct-langson.example\n", "    email: chanhvanphong@sct-langson.example\n    telegram: 4242\n    channels: [telegram]\n")
	e.useChannels(t, smtp, tg)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var logs string
	go func() {
		defer close(done)
		_, logs, _ = e.run(t, ctx, "run", "--now", "2024-06-14T07:59:58")
	}()
	defer func() { cancel(); <-done }()
	base := "http://" + addr
	var states []string
	waitFor(t, "Telegram in service", func() bool {
		_, m := get(t, base+"/metrics")
		for _, line := range strings.Split(m, "\n") {
			if v, ok := strings.CutPrefix(line, `nhacviec_channel_up{channel="telegram"} `); ok && (len(states) == 0 || states[len(states)-1] != v) {
				states = append(states, v)
			}
		}
		return len(states) > 0 && states[len(states)-1] == "1"
	})
	if states[0] != "0" {
		t.Errorf("channel_up of telegram went %v, want 0 then 1", states)
	}
	waitFor(t, "the reminder by Telegram", func() bool { return aboutI2(tg.SentTo(4242)) >= 1 })
	if n := len(tg.Calls("getMe")); n < 2 {
		t.Errorf("%d getMe calls, want the failed one and a later one", n)
	}
	cancel()
	<-done
	done = make(chan struct{})
	close(done) // for the deferred wait
	if !strings.Contains(logs, "telegram connected: the channel is in service") {
		t.Errorf("no log line for the channel coming into service")
	}
}
