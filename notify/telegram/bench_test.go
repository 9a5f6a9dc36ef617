package telegram

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
)

// BenchmarkSendRateLimited measures delivered messages per second, on the
// wall clock, against the fake server enforcing Telegram's limits, each
// message to a different chat so that the global limit (30/s) binds; by
// one sender, and by four concurrent ones as a pipeline with workers would
// (needed when the round trip to Telegram, through a proxy, exceeds 33 ms).
// It runs in real time: use -benchtime=90x (3 s per run).
func BenchmarkSendRateLimited(b *testing.B) {
	for _, workers := range []int{1, 4} {
		name := "sequential"
		if workers > 1 {
			name = "4workers"
		}
		b.Run(name, func(b *testing.B) { benchmarkSend(b, workers) })
	}
}

func benchmarkSend(b *testing.B, workers int) {
	srv := telegramtest.New(b, testToken)
	srv.EnforceLimits(telegramtest.Limits{})
	n, err := New(context.Background(), Config{Token: testToken, APIEndpoint: srv.Endpoint()}, nil)
	if err != nil {
		b.Fatal(err)
	}
	msgs := make(chan *notify.Message, b.N)
	for i := range b.N {
		msgs <- message("b", int64(10000+i), item("I.1", "Báo cáo tháng", 1))
	}
	close(msgs)
	var failed atomic.Int64
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for m := range msgs {
				if _, err := n.Notify(ctx, m); err != nil {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if b.N > 1 {
		// N messages take N-1 intervals: the first goes at once.
		b.ReportMetric(float64(b.N-1)/elapsed.Seconds(), "msgs/s")
	}
	b.ReportMetric(float64(srv.CountStatus(429)), "429s")
	b.ReportMetric(float64(failed.Load()), "failed")
	if got := len(srv.Sent()); int64(got)+failed.Load() != int64(b.N) {
		b.Errorf("%d delivered and %d failed of %d", got, failed.Load(), b.N)
	}
}
