package main

import (
	"context"
	"math"
	"runtime/debug"
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

// TestPreviewGCPercent: a preview of a small plan (the seed's) collects
// garbage at five times its heap, a large one at the default, and the
// percentage is back as it was once the preview returns (tests and
// benchmarks run previews in the same process).
func TestPreviewGCPercent(t *testing.T) {
	if pct, ok := previewGCPercent(46); !ok || pct != 400 {
		t.Errorf("seed plan: %d %v, want 400", pct, ok)
	}
	if _, ok := previewGCPercent(smallPreview + 1); ok {
		t.Errorf("a plan over %d tasks changes the default", smallPreview)
	}
	before := debug.SetGCPercent(137)
	defer debug.SetGCPercent(before)
	e := newEnv(t)
	if _, errOut, code := e.run(t, context.Background(), "preview", "--from", "2024-01-01", "--to", "2024-01-31", "--now", "2024-01-01T07:00"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := debug.SetGCPercent(before); got != 137 {
		t.Errorf("after the preview the percentage is %d, want 137 as before", got)
	}
}

// TestPreviewMemoryLimit: a large preview's soft memory limit is twice
// what it holds once planned, never under 800 MiB; a small preview's run
// leaves the process's limit as it was.
func TestPreviewMemoryLimit(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int64
	}{{0, 800 << 20}, {300 << 20, 800 << 20}, {400 << 20, 800 << 20}, {700 << 20, 1400 << 20}} {
		if got := previewMemoryLimit(c.live); got != c.want {
			t.Errorf("live %d MiB: limit %d MiB, want %d MiB", c.live>>20, got>>20, c.want>>20)
		}
	}
	before := debug.SetMemoryLimit(-1)
	e := newEnv(t)
	if _, errOut, code := e.run(t, context.Background(), "preview", "--from", "2024-01-01", "--to", "2024-01-31", "--now", "2024-01-01T07:00"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("after the preview the limit is %d, want %d as before", got, before)
	}
}

// TestPreviewCollector: a large preview's collector runs by the soft
// memory limit alone (no percentage) while it fires when the limit is at
// most four times what it holds, by both otherwise, and both are back as
// they were after; a limit the process already has (GOMEMLIMIT) is left
// alone, and the percentage with it.
func TestPreviewCollector(t *testing.T) {
	pct := debug.SetGCPercent(137)
	defer debug.SetGCPercent(pct)
	limit := debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetMemoryLimit(limit)
	restore := previewCollector(300 << 20)
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("while it fires the percentage is %d, want -1 (off)", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 800<<20 {
		t.Errorf("while it fires the limit is %d MiB, want 800", got>>20)
	}
	restore()
	if got := debug.SetGCPercent(137); got != 137 {
		t.Errorf("after, the percentage is %d, want 137", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("after, the limit is %d, want none", got)
	}
	restore = previewCollector(40 << 20) // 10,000 tasks
	if got := debug.SetGCPercent(137); got != 137 {
		t.Errorf("holding 40 MiB the percentage is %d, want 137 as before", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 800<<20 {
		t.Errorf("holding 40 MiB the limit is %d MiB, want 800", got>>20)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("after, the limit is %d, want none", got)
	}
	debug.SetMemoryLimit(500 << 20) // as GOMEMLIMIT=500MiB
	restore = previewCollector(300 << 20)
	if got := debug.SetGCPercent(137); got != 137 {
		t.Errorf("under the process's own limit the percentage is %d, want 137", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 500<<20 {
		t.Errorf("the process's own limit became %d MiB", got>>20)
	}
	restore()
}

// TestCopyCollector: before copying a database of 100,000 tasks' worth of
// assignments a preview already collects by the soft limit alone, as it
// will once planned; a copy of 10,000 tasks' leaves the collector to
// previewCollector (what it holds once planned is measured then); both
// are back as they were after, and a limit the process has is left alone.
func TestCopyCollector(t *testing.T) {
	pct := debug.SetGCPercent(137)
	defer debug.SetGCPercent(pct)
	limit := debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetMemoryLimit(limit)
	restore := copyCollector(526480)
	collectorIs(t, "copying 526,480 assignments", -1, 800<<20)
	restore()
	collectorIs(t, "after", 137, math.MaxInt64)
	restore = copyCollector(52800)
	collectorIs(t, "copying 52,800 assignments", 137, math.MaxInt64)
	restore()
	debug.SetMemoryLimit(500 << 20) // as GOMEMLIMIT=500MiB
	restore = copyCollector(526480)
	collectorIs(t, "under the process's own limit", 137, 500<<20)
	restore()
	collectorIs(t, "after, under its own limit", 137, 500<<20)
}
