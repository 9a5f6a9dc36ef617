package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/email/smtptest"
	"github.com/sct-langson/nhacviec/notify/telegram"
	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
	"github.com/sct-langson/nhacviec/store"
)

// The benchmarks below run the whole daemon (`nhacviec run`: config, store,
// channels, pipeline, rate limiter, bot) against the fake Bot API with
// Telegram's limits and a real SMTP server, with messages put in its
// outbox beforehand. They run in real time, once: use -benchtime 1x.
//
// --now is the plan's issue date at 06:00, before anything falls due, so
// the daemon's own catch-up adds nothing to what is measured.
const benchNow = "2024-06-13T06:00"

var benchAt = time.Date(2024, 6, 12, 23, 0, 0, 0, time.UTC) // 06:00 in Lạng Sơn

// prefill puts msgs in the outbox of e's database before the daemon starts.
func prefill(b testing.TB, e *env, msgs []*notify.Message) {
	b.Helper()
	db, err := store.Open(filepath.Join(e.dir, "nhacviec.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for i := 0; i < len(msgs); i += 500 {
		if err := db.Enqueue(msgs[i:min(i+500, len(msgs))]...); err != nil {
			b.Fatal(err)
		}
	}
}

// benchItems are n items of a digest, about 400 bytes of text each.
func benchItems(n int) []notify.Item {
	var items []notify.Item
	for i := range n {
		id := fmt.Sprintf("III.%d", i+10)
		items = append(items, notify.Item{Kind: notify.KindReminder, TaskID: id, Occurrence: id + "@2024",
			Assignment: "60/KH-SCT|" + id + "@2024|vp", Unit: "Văn phòng Sở",
			Text: strings.Repeat("Rà soát, đánh giá thủ tục hành chính thuộc phạm vi quản lý; ", 6),
			Due:  benchAt.Add(240 * time.Hour), WorkingDays: 10})
	}
	return items
}

// startDaemon runs `nhacviec run` until the returned stop is called.
func startDaemon(b *testing.B, e *env) (stop func() string) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan string)
	go func() {
		_, logs, _ := e.run(b, ctx, "run", "--now", benchNow)
		done <- logs
	}()
	return func() string { cancel(); return <-done }
}

func waitUntil(b *testing.B, limit time.Duration, cond func() bool) {
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			b.Fatalf("timed out after %s", limit)
		}
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkDaemonTelegram: 300 messages to 100 chats (10 of them groups),
// every third one a digest that Telegram splits in parts, through the
// daemon; the rate is Telegram messages accepted per second from the first
// to the last, under Telegram's limits (30/s, 1/s per chat, 20/min per
// group).
func BenchmarkDaemonTelegram(b *testing.B) {
	smtp := smtptest.New(b, smtptest.Options{Username: "nhacviec", Password: e2ePassword})
	tg := telegramtest.New(b, e2eToken)
	tg.EnforceLimits(telegramtest.Limits{})
	e := newEnv(b)
	e.useChannels(b, smtp, tg)
	var msgs []*notify.Message
	chats := map[int64]bool{}
	parts := 0
	for c := range 100 {
		chat := int64(700000 + c)
		if c%10 == 9 {
			chat = -chat
		}
		chats[chat] = true
		for k := range 3 {
			n := 1
			if k == 1 {
				n = 25
			}
			m := &notify.Message{ID: fmt.Sprintf("bench-%d-%d", chat, k), Channel: notify.ChannelTelegram,
				Kind: notify.KindReminder, At: benchAt, Title: "Nhắc việc", Items: benchItems(n),
				To: notify.Recipient{ID: fmt.Sprintf("p%d", c), Name: "Cán bộ", TelegramID: chat}}
			parts += len(telegram.Render(m))
			msgs = append(msgs, m)
		}
	}
	prefill(b, e, msgs)
	b.ResetTimer()
	stop := startDaemon(b, e)
	mine := func() []telegramtest.Sent {
		var out []telegramtest.Sent
		for _, s := range tg.Sent() {
			if chats[s.ChatID] {
				out = append(out, s)
			}
		}
		return out
	}
	waitUntil(b, 5*time.Minute, func() bool { return len(mine()) >= parts })
	stop()
	b.StopTimer()
	sent := mine()
	span := sent[len(sent)-1].At.Sub(sent[0].At)
	b.ReportMetric(float64(len(sent)-1)/span.Seconds(), "msgs/s")
	b.ReportMetric(float64(len(sent)), "telegram-messages")
	b.ReportMetric(float64(tg.CountStatus(429)), "429s")
}

// BenchmarkDaemonEmail: 2,000 digests of 6 items (about 21 KB with the
// HTML alternative and the .ics) to 2,000 addresses through the daemon
// (outbox, pool of email.connections, default 3, STARTTLS + AUTH to a
// loopback server), then the same number of messages of the same size by
// a plain go-mail loop over one connection to the same server.
func BenchmarkDaemonEmail(b *testing.B) {
	const n = 2000
	smtp := smtptest.New(b, smtptest.Options{Username: "nhacviec", Password: e2ePassword})
	rate, size, _ := daemonEmail(b, smtp, n, 0)
	prate := plainEmail(b, smtp, n, size, 1)
	b.StopTimer()
	b.ReportMetric(rate, "msgs/s")
	b.ReportMetric(prate, "plain-go-mail-msgs/s")
	b.ReportMetric(rate/prate, "ratio")
	b.ReportMetric(float64(size), "bytes/msg")
}

// BenchmarkDaemonEmailConnections: as BenchmarkDaemonEmail with
// email.connections set to 1, 2, 3, 4 and 6, against plain go-mail loops
// over as many connections at once (each its own client, its share of the
// messages); cpu-ms/msg is the CPU time of the whole test process (daemon
// and SMTP server) per message during the daemon's run, plain-cpu-ms/msg
// the same during the plain loops (go-mail and the server): the
// difference is what the daemon adds to each message.
func BenchmarkDaemonEmailConnections(b *testing.B) {
	const n = 2000
	for _, conns := range []int{1, 2, 3, 4, 6} {
		b.Run(fmt.Sprintf("connections=%d", conns), func(b *testing.B) {
			smtp := smtptest.New(b, smtptest.Options{Username: "nhacviec", Password: e2ePassword})
			rate, size, cpu := daemonEmail(b, smtp, n, conns)
			pcpu0 := processCPU()
			prate := plainEmail(b, smtp, n, size, conns)
			pcpu := processCPU() - pcpu0
			b.StopTimer()
			b.ReportMetric(rate, "msgs/s")
			b.ReportMetric(prate, "plain-go-mail-msgs/s")
			b.ReportMetric(rate/prate, "ratio")
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(n), "cpu-ms/msg")
			b.ReportMetric(float64(pcpu.Microseconds())/1000/float64(n), "plain-cpu-ms/msg")
			b.ReportMetric(float64(size), "bytes/msg")
		})
	}
}

// daemonEmail sends n digests through the daemon to smtp, with conns
// email connections (0: the default), and returns the rate from the first
// message received to the last, the mean size received and the process's
// CPU time over that span.
func daemonEmail(b *testing.B, smtp *smtptest.Server, n, conns int) (rate float64, size int, cpu time.Duration) {
	b.Helper()
	tg := telegramtest.New(b, e2eToken)
	e := newEnv(b)
	extra := ""
	if conns > 0 {
		extra = fmt.Sprintf("  connections: %d\n", conns)
	}
	e.useChannelsWith(b, smtp, tg, extra)
	var msgs []*notify.Message
	for i := range n {
		msgs = append(msgs, &notify.Message{ID: fmt.Sprintf("bench-mail-%d", i), Channel: notify.ChannelEmail,
			Kind: notify.KindReminder, At: benchAt, Title: "[Nhắc việc CCHC] Văn phòng Sở: 6 nhiệm vụ sắp đến hạn", Items: benchItems(6),
			To: notify.Recipient{ID: fmt.Sprintf("u%d", i), Name: "Cán bộ", Email: fmt.Sprintf("u%d@bench.example", i)}})
	}
	prefill(b, e, msgs)
	b.ResetTimer()
	stop := startDaemon(b, e)
	waitUntil(b, time.Minute, func() bool { return smtp.Count() > 0 })
	start, cpu0 := time.Now(), processCPU()
	waitUntil(b, 5*time.Minute, func() bool { return smtp.Count() >= n })
	daemon, cpu := time.Since(start), processCPU()-cpu0
	stop()
	got := smtp.Messages()
	for _, m := range got {
		size += len(m.Data)
	}
	return float64(n-1) / daemon.Seconds(), size / len(got), cpu
}

// plainEmail sends n messages of size bytes to smtp by plain go-mail
// loops over conns connections at once, and returns the rate.
func plainEmail(b *testing.B, smtp *smtptest.Server, n, size, conns int) float64 {
	b.Helper()
	body := strings.Repeat("Rà soát thủ tục hành chính. ", size/30)
	batches := make([][]*mail.Msg, conns)
	for i := range n {
		m := mail.NewMsg()
		_ = m.From("nhacviec@sct-langson.example")
		_ = m.To(fmt.Sprintf("p%d@bench.example", i))
		m.Subject("[Nhắc việc CCHC] Văn phòng Sở: 20 nhiệm vụ sắp đến hạn")
		m.SetBodyString(mail.TypeTextPlain, body)
		batches[i%conns] = append(batches[i%conns], m)
	}
	clients := make([]*mail.Client, conns)
	for i := range clients {
		c, err := mail.NewClient(smtp.Host(), mail.WithPort(smtp.Port()), mail.WithTLSPolicy(mail.TLSMandatory),
			mail.WithTLSConfig(&tls.Config{ServerName: smtp.Host(), RootCAs: smtp.CertPool()}),
			mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername("nhacviec"), mail.WithPassword(e2ePassword))
		if err != nil {
			b.Fatal(err)
		}
		clients[i] = c
	}
	start := time.Now()
	errs := make(chan error, conns)
	for i, c := range clients {
		go func() { errs <- c.DialAndSend(batches[i]...) }()
	}
	for range conns {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	return float64(n) / time.Since(start).Seconds()
}

// processCPU is the CPU time (user and system) of this process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDaemonRecovery: the SMTP server is down while 100 messages are
// due; once each failed, the server comes back; the figure is the time
// from its return to the last of the 100 delivered.
func BenchmarkDaemonRecovery(b *testing.B) {
	smtp := smtptest.New(b, smtptest.Options{Username: "nhacviec", Password: e2ePassword})
	tg := telegramtest.New(b, e2eToken)
	e := newEnv(b)
	e.useChannels(b, smtp, tg)
	var msgs []*notify.Message
	for i := range 100 {
		msgs = append(msgs, &notify.Message{ID: fmt.Sprintf("bench-rec-%d", i), Channel: notify.ChannelEmail,
			Kind: notify.KindReminder, At: benchAt, Title: "Nhắc việc", Items: benchItems(3),
			To: notify.Recipient{ID: fmt.Sprintf("u%d", i), Name: "Cán bộ", Email: fmt.Sprintf("u%d@bench.example", i)}})
	}
	prefill(b, e, msgs)
	if err := smtp.Close(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	stop := startDaemon(b, e)
	time.Sleep(10 * time.Second) // every message failed, and the probes back off
	back := time.Now()
	smtp.Restart()
	waitUntil(b, 5*time.Minute, func() bool { return smtp.Count() >= 100 })
	recovery := time.Since(back)
	logs := stop()
	b.StopTimer()
	if !strings.Contains(logs, "channel back in service") {
		b.Errorf("no log of the channel coming back")
	}
	b.ReportMetric(recovery.Seconds(), "s-to-last")
}

// BenchmarkDaemonBotFlood: 1,000 updates from 100 chats to the running
// daemon, under Telegram's limits: 10 chats flood (91 commands each, all
// at once), 90 others send one command each, spread over
// 10 seconds. The figures are the answer times (from the update's arrival
// at the Bot API to the reply's), median and 99th percentile, for the chats
// that do not flood and for those that do.
func BenchmarkDaemonBotFlood(b *testing.B) {
	smtp := smtptest.New(b, smtptest.Options{Username: "nhacviec", Password: e2ePassword})
	tg := telegramtest.New(b, e2eToken)
	tg.EnforceLimits(telegramtest.Limits{})
	e := newEnv(b)
	e.useChannels(b, smtp, tg)
	b.ResetTimer()
	stop := startDaemon(b, e)
	waitUntil(b, time.Minute, func() bool { return len(tg.Calls("getUpdates")) > 0 })
	pushed := map[int64][]time.Time{}
	push := func(chat int64) {
		tg.PushText(chat, telegramtest.User{ID: chat, FirstName: "Cán bộ"}, "/giupdo")
		pushed[chat] = append(pushed[chat], time.Now())
	}
	for c := range 10 {
		for range 91 {
			push(int64(800000 + c))
		}
	}
	for c := range 90 {
		push(int64(810000 + c))
		time.Sleep(10 * time.Second / 90)
	}
	total := 1000
	count := func() int {
		n := 0
		for chat := range pushed {
			n += len(tg.SentTo(chat))
		}
		return n
	}
	deadline := time.Now().Add(3 * time.Minute)
	for count() < total && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := count(); n < total {
		logs := stop()
		i := strings.LastIndex(logs, "\n")
		var short []string
		for chat, ts := range pushed {
			if got := len(tg.SentTo(chat)); got < len(ts) {
				short = append(short, fmt.Sprintf("%d:%d/%d", chat, got, len(ts)))
			}
		}
		b.Fatalf("%d replies of %d (short: %v); 429s %d; log tail: %s", n, total, short, tg.CountStatus(429), logs[max(0, i-3000):])
	}
	stop()
	b.StopTimer()
	var calm, flood []time.Duration
	for chat, ts := range pushed {
		sent := tg.SentTo(chat)
		for i, at := range ts {
			d := sent[i].At.Sub(at)
			if chat >= 810000 {
				calm = append(calm, d)
			} else {
				flood = append(flood, d)
			}
		}
	}
	pct := func(ds []time.Duration, p float64) float64 {
		slices.Sort(ds)
		return ds[min(len(ds)-1, int(float64(len(ds))*p))].Seconds()
	}
	b.ReportMetric(pct(calm, 0.5), "calm-p50-s")
	b.ReportMetric(pct(calm, 0.99), "calm-p99-s")
	b.ReportMetric(pct(flood, 0.5), "flood-p50-s")
	b.ReportMetric(pct(flood, 0.99), "flood-p99-s")
	b.ReportMetric(float64(tg.CountStatus(429)), "429s")
}
