package main

import (
	"context"
	"strings"
	"testing"
)

// BenchmarkPreviewSeedYear is `nhacviec preview` of the shipped example
// (the real appendix of 2024) for the whole year, as a user runs it from a
// fresh folder: config, plan, planning, every wake-up and the printed
// table. Issue 12's goal: under 50 ms.
//
//	go test ./cmd/nhacviec -run '^$' -bench PreviewSeedYear -benchtime 20x
func BenchmarkPreviewSeedYear(b *testing.B) {
	e := newEnv(b)
	b.ResetTimer()
	for b.Loop() {
		out, errOut, code := e.run(b, context.Background(), "preview", "--from", "2024-01-01", "--to", "2024-12-31", "--now", "2024-01-01T07:00")
		if code != 0 {
			b.Fatalf("exit %d: %s", code, errOut)
		}
		if !strings.Contains(out, " messages from 2024-01-01 00:00 to 2024-12-31 23:59.") {
			b.Fatalf("no summary line in\n%s", out)
		}
	}
}
