package email

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/store"
)

// benchmarkPipeline sends b.N messages through the whole delivery pipeline:
// enqueued in the bbolt outbox (a real file), handed to the e-mail notifier,
// sent over STARTTLS+AUTH to the in-process server, marked sent.
//
//	go test ./notify/email -run '^$' -bench Pipeline -benchtime 500x
func benchmarkPipeline(b *testing.B, reuse bool) {
	srv := newServer(b)
	cfg := testConfig(srv)
	cfg.ReuseConnection = reuse
	n, _ := newNotifier(b, cfg)
	db, err := store.Open(filepath.Join(b.TempDir(), "bench.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2024, 11, 19, 8, 0, 0, 0, time.UTC)
	msgs := make([]*notify.Message, b.N)
	for i := range msgs {
		m := *testMessage()
		m.ID = fmt.Sprintf("bench-%06d", i)
		m.At = at
		m.Channel = notify.ChannelEmail
		msgs[i] = &m
	}
	p, err := notify.New(notify.Config{Notifiers: map[string]notify.Notifier{notify.ChannelEmail: n}, Outbox: db,
		Now: func() time.Time { return at }, Log: slog.New(slog.DiscardHandler), BatchSize: 256})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if err := db.Enqueue(msgs...); err != nil {
		b.Fatal(err)
	}
	sent, err := p.DeliverDue(context.Background())
	if err != nil || sent != b.N {
		b.Fatalf("sent %d of %d: %v", sent, b.N, err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	if got := len(srv.Messages()); got != b.N {
		b.Fatalf("server received %d of %d", got, b.N)
	}
}

func BenchmarkPipelineReuse(b *testing.B)      { benchmarkPipeline(b, true) }
func BenchmarkPipelinePerMessage(b *testing.B) { benchmarkPipeline(b, false) }
