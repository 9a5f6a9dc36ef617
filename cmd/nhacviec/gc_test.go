package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestTighterGC: the import phase lowers the collector's growth and puts
// the admin's setting back after; with GOGC or GOMEMLIMIT set, it leaves
// the collector alone.
func TestTighterGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	old := debug.SetGCPercent(137)
	defer debug.SetGCPercent(old)
	restore := tighterGC()
	if got := debug.SetGCPercent(importGCPercent); got != importGCPercent {
		t.Errorf("during the phase GOGC is %d, want %d", got, importGCPercent)
	}
	restore()
	if got := debug.SetGCPercent(137); got != 137 {
		t.Errorf("after the phase GOGC is %d, want 137 back", got)
	}
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, "300")
			restore := tighterGC()
			if got := debug.SetGCPercent(137); got != 137 {
				t.Errorf("with %s set, the phase changed GOGC to %d", env, got)
			}
			restore()
		})
	}
}

// TestSyncCollector: through a Sync the collector lets the heap triple
// what is live, up to a soft limit of three times that (at least
// syncLimitMin), and both settings are back after. A second Sync's
// settings while the first's hold change nothing, so the first puts back
// what was before; GOGC, GOMEMLIMIT or a limit the process already has
// leave the collector alone.
func TestSyncCollector(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	pct := debug.SetGCPercent(137)
	defer debug.SetGCPercent(pct)
	limit := debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetMemoryLimit(limit)

	restore := syncCollector(61 << 20) // 100,000 tasks × 5 units
	collectorIs(t, "during a Sync holding 61 MiB", syncGCPercent, 183<<20)
	inner := syncCollector(10 << 20)
	collectorIs(t, "during a second Sync", syncGCPercent, 183<<20)
	inner()
	collectorIs(t, "after the second Sync", syncGCPercent, 183<<20)
	restore()
	collectorIs(t, "after the Sync", 137, math.MaxInt64)

	restore = syncCollector(10 << 20)
	collectorIs(t, "during a Sync holding 10 MiB", syncGCPercent, syncLimitMin)
	restore()
	collectorIs(t, "after it", 137, math.MaxInt64)

	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, "300")
			restore := syncCollector(61 << 20)
			collectorIs(t, "with "+env+" set", 137, math.MaxInt64)
			restore()
		})
	}
	debug.SetMemoryLimit(500 << 20) // as GOMEMLIMIT=500MiB
	restore = syncCollector(61 << 20)
	collectorIs(t, "under the process's own limit", 137, 500<<20)
	restore()
	collectorIs(t, "after it", 137, 500<<20)
	restore = syncCollector(61 << 20) // the one before put its flag back
	collectorIs(t, "under the process's own limit again", 137, 500<<20)
	restore()
	debug.SetMemoryLimit(math.MaxInt64)
	restore = syncCollector(61 << 20)
	collectorIs(t, "once the limit is gone", syncGCPercent, 183<<20)
	restore()
}

// collectorIs checks the collector's percentage and soft memory limit,
// leaving them as they are.
func collectorIs(t *testing.T, when string, wantPct int, wantLimit int64) {
	t.Helper()
	if got := debug.SetGCPercent(-1); got != wantPct {
		t.Errorf("%s the percentage is %d, want %d", when, got, wantPct)
	}
	debug.SetGCPercent(wantPct)
	if got := debug.SetMemoryLimit(-1); got != wantLimit {
		t.Errorf("%s the limit is %d MiB, want %d MiB", when, got>>20, wantLimit>>20)
	}
}
