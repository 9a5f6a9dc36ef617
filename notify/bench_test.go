package notify_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/sct-langson/nhacviec/notify"
)

type noop struct{}

func (noop) Notify(context.Context, *notify.Message) (bool, error) { return false, nil }

// BenchmarkPipelineDeliver measures messages through the whole pipeline on
// a real bbolt file: enqueue (100 per transaction), read due, notify (a
// no-op) and mark sent (one transaction per message, fsync included).
func BenchmarkPipelineDeliver(b *testing.B) {
	c := &clock{t: t0}
	db := tempDB(b, c)
	p := mustPipeline(b, testConfig(db, c, map[string]notify.Notifier{notify.ChannelEmail: noop{}}))
	const batch = 100
	msgs := make([]*notify.Message, 0, batch)
	sent := 0
	b.ResetTimer()
	for i := 0; i < b.N; i += batch {
		msgs = msgs[:0]
		for j := i; j < min(i+batch, b.N); j++ {
			msgs = append(msgs, message(fmt.Sprintf("m%09d", j), notify.ChannelEmail, t0))
		}
		enqueue(b, db, msgs...)
		sent += deliver(b, p)
	}
	b.StopTimer()
	if sent != b.N {
		b.Fatalf("sent %d of %d", sent, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
