package main

import (
	"math"
	"os"
	goruntime "runtime"
	"runtime/debug"
	"sync/atomic"
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

// syncCollector paces the collector through a Sync (the plans' writes,
// chunk after chunk) that starts with live bytes held: no collection
// before the heap reaches a soft limit of three times that (GC percent
// 200), where the default collected each time the heap doubled what the
// last collection found, the chunk in the writing included. At 100,000
// tasks × 5 units a first start holds 61 MB of tasks before planning:
// 183 MiB, where the default let the heap reach 190 to 216 MB. It returns
// what puts both settings back. GOGC or GOMEMLIMIT in the environment
// mean the admin tuned the collector: then it changes nothing.
//
// The limit is at least syncLimitMin: a small daemon's heap stays under
// three times its live bytes anyway. While one Sync's settings hold, another
// (tests run daemons side by side) changes nothing, so that neither puts
// back the other's.
func syncCollector(live uint64) (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" || !syncCollecting.CompareAndSwap(false, true) {
		return func() {}
	}
	if debug.SetMemoryLimit(-1) != math.MaxInt64 { // set by another part (a preview)
		syncCollecting.Store(false)
		return func() {}
	}
	limit := debug.SetMemoryLimit(max(syncLimitMin, int64(syncLimitFactor*live)))
	pct := debug.SetGCPercent(syncGCPercent)
	return func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(limit)
		syncCollecting.Store(false)
	}
}

// syncCollecting is set while a Sync's collector settings hold.
var syncCollecting atomic.Bool

// syncLimitMin is the least soft limit of a Sync.
const syncLimitMin = 128 << 20

// syncGCPercent is the collector's growth while a Sync writes: the heap
// may triple what the last collection found live, up to the soft limit.
const syncGCPercent = 200

// syncLimitFactor times the bytes live as a Sync starts is its soft
// memory limit (syncCollector).
const syncLimitFactor = 3
