package main

import (
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
