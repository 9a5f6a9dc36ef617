package telegram

import (
	"context"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
)

// BenchmarkSendRateLimited measures delivered messages per second, on the
// wall clock, against the fake server enforcing Telegram's limits, each
// message to a different chat so that the global limit (30/s) binds. It
// runs in real time: use -benchtime=90x (3 s).
func BenchmarkSendRateLimited(b *testing.B) {
	srv := telegramtest.New(b, testToken)
	srv.EnforceLimits(telegramtest.Limits{})
	n, err := New(context.Background(), Config{Token: testToken, APIEndpoint: srv.Endpoint()}, nil)
	if err != nil {
		b.Fatal(err)
	}
	msgs := make([]*notify.Message, b.N)
	for i := range msgs {
		msgs[i] = message("b", int64(10000+i), item("I.1", "Báo cáo tháng", 1))
	}
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := n.Notify(ctx, msgs[i]); err != nil {
			b.Fatalf("message %d: %v", i, err)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	if b.N > 1 {
		// N messages take N-1 intervals: the first goes at once.
		b.ReportMetric(float64(b.N-1)/elapsed.Seconds(), "msgs/s")
	}
	b.ReportMetric(float64(srv.CountStatus(429)), "429s")
	if got := len(srv.Sent()); got != b.N {
		b.Errorf("%d messages delivered, want %d", got, b.N)
	}
}
