package main

import (
	"errors"
	"sync/atomic"
)

// The phases of a starting daemon, which /readyz names until it is ready.
const (
	phaseImporting  = "importing"   // reading the plans into the database
	phasePlanning   = "planning"    // turning tasks into assignments (Sync)
	phaseCatchingUp = "catching up" // the first Fire: what fell due while down
)

// readiness is what a starting daemon is doing: /readyz answers 503 with
// the phase until the plans are imported, planned and the first Fire has
// run, then 200 for good (a reload or a later day's planning does not make
// the daemon unready: it keeps working on the plan it has).
type readiness struct {
	phase atomic.Pointer[string] // nil: ready
	// hook, when set (tests), is called as each phase starts, "" for
	// ready: a test holds the daemon in a phase to look at it.
	hook func(phase string)
}

// enter records that the daemon starts phase ("" when ready).
func (r *readiness) enter(phase string) {
	if phase == "" {
		r.phase.Store(nil)
	} else {
		r.phase.Store(&phase)
	}
	if r.hook != nil {
		r.hook(phase)
	}
}

// ready reports whether the start is over.
func (r *readiness) ready() bool { return r.phase.Load() == nil }

// err is the /readyz check: the phase while starting.
func (r *readiness) err() error {
	if p := r.phase.Load(); p != nil {
		return errors.New(*p)
	}
	return nil
}
