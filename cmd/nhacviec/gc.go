package main

import (
	"os"
	goruntime "runtime"
	"runtime/debug"
)

// importGCPercent is the collector's growth while plans are parsed and
// imported: the document, its rows and the tasks' records are large and
// short-lived, and with Go's default (100) the heap peaks at twice what
// is live, which made the import the peak of a first start's memory.
const importGCPercent = 50

// tighterGC lowers the garbage collector's growth for a phase that builds
// large short-lived data: the heap then peaks at 1.5 times what is live
// instead of twice, for more collections while it lasts. It returns what
// ends the phase: the previous setting back, and a collection, so that the
// next heap goal follows what stays live, not the phase's data (after a
// 100,000-task import the goal was 330 MB for 80 MB live). GOGC or
// GOMEMLIMIT in the environment mean the admin tuned the collector: then
// it changes nothing.
func tighterGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	prev := debug.SetGCPercent(importGCPercent)
	return func() {
		debug.SetGCPercent(prev)
		goruntime.GC()
	}
}
