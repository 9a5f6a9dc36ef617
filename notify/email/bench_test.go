package email

import (
	"context"
	"testing"
)

// benchmarkNotify sends b.N messages over STARTTLS+AUTH to an in-process
// server and reports the throughput.
func benchmarkNotify(b *testing.B, reuse bool) {
	srv := newServer(b)
	cfg := testConfig(srv)
	cfg.ReuseConnection = reuse
	n, _ := newNotifier(b, cfg)
	m := testMessage()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := n.Notify(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	if got := len(srv.Messages()); got < b.N {
		b.Fatalf("server received %d of %d messages", got, b.N)
	}
}

func BenchmarkNotifyReuse(b *testing.B)      { benchmarkNotify(b, true) }
func BenchmarkNotifyPerMessage(b *testing.B) { benchmarkNotify(b, false) }

// BenchmarkRender measures building one e-mail: templates, calendar, MIME.
func BenchmarkRender(b *testing.B) {
	r, err := newRenderer(Config{From: testFrom}.withDefaults())
	if err != nil {
		b.Fatal(err)
	}
	m := testMessage()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.render(m, m.At); err != nil {
			b.Fatal(err)
		}
	}
}
