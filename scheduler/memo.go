package scheduler

import (
	"sync"
	"sync/atomic"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/rules"
)

// memo keeps what a state computes again and again from its config alone:
// the step sequences, shared by every assignment with the same policy, due
// day and check-ins (thousands of assignments, a few hundred sequences).
// Its zero value is ready; it lives as long as its state, so a reload
// starts afresh.
type memo struct {
	mu    sync.Mutex
	steps map[stepsKey]Steps
	// targets are the recipients of a kind of step (digest.go).
	targets map[targetsKey][]target
	// periods are the names of occurrence periods (PeriodName).
	periods map[string]string
	// lead is 1 + the longest reminder lead of any policy, once known.
	lead int
	// byPlan are the state's tasks by plan and id (taskPtr).
	byPlanOnce sync.Once
	byPlan     map[string]map[string]*Task
	// lastTask is the task taskPtr found last: the steps fired and
	// repeated come by key, the units of an occurrence one after the
	// other, and each asks for its task several times.
	lastTask atomic.Pointer[foundTask]
	// lastSteps and lastTargets are the step sequence and the recipients
	// found last, for the same reason.
	lastSteps   atomic.Pointer[foundSteps]
	lastTargets atomic.Pointer[foundTargets]
}

// foundTargets are the recipients found by their key.
type foundTargets struct {
	k  targetsKey
	ts []target
}

// foundSteps is a step sequence found by its key.
type foundSteps struct {
	k  stepsKey
	st Steps
}

// foundTask is a task found by plan and id (nil: none).
type foundTask struct {
	plan, id string
	t        *Task
}

// taskPtr is the task id of plan as of the last Sync, nil when none: a
// round looks tasks up hundreds of thousands of times, and joining plan
// and id into the key of state.tasks was most of the cost of a look-up
// (a plan's map is found among a few, then the id hashed alone).
func (s *state) taskPtr(plan, id string) *Task {
	if f := s.memo.lastTask.Load(); f != nil && f.id == id && f.plan == plan {
		return f.t
	}
	s.memo.byPlanOnce.Do(func() {
		s.memo.byPlan = map[string]map[string]*Task{}
		for _, t := range s.tasks {
			m := s.memo.byPlan[t.Plan.Code]
			if m == nil {
				m = map[string]*Task{}
				s.memo.byPlan[t.Plan.Code] = m
			}
			m[t.ID] = t
		}
	})
	t := s.memo.byPlan[plan][id]
	s.memo.lastTask.Store(&foundTask{plan: plan, id: id, t: t})
	return t
}

// stepsKey is what an assignment's steps depend on.
type stepsKey struct {
	policy string        // which policy applies: "" the general one, else its TaskPolicies key
	due    calendar.Date // the due day
	// checkins: the task is asked for progress, from its plan's start.
	checkins bool
	start    calendar.Date
}

// policyOf is policy with the key of the TaskPolicies entry that gives it
// ("" for the general policy).
func (s *state) policyOf(planCode, taskID string) (string, Policy) {
	if len(s.TaskPolicies) == 0 {
		return "", s.Policy
	}
	k := rules.TaskKey(planCode, taskID)
	if p, ok := s.TaskPolicies[k]; ok {
		return "k:" + k, p
	}
	if p, ok := s.TaskPolicies[taskID]; ok {
		return "b:" + taskID, p
	}
	return "", s.Policy
}

// steps returns the step sequence of a: its policy's, and its progress
// check-ins. The sequence is shared: callers never change its steps.
func (s *state) steps(a Assignment) Steps {
	k := stepsKey{due: a.DueDay}
	var pol Policy
	k.policy, pol = s.policyOf(a.Plan, a.TaskID)
	k.start, k.checkins = s.checkinStart(a)
	if f := s.memo.lastSteps.Load(); f != nil && f.k == k {
		return f.st
	}
	s.memo.mu.Lock()
	st, ok := s.memo.steps[k]
	s.memo.mu.Unlock()
	if ok {
		s.memo.lastSteps.Store(&foundSteps{k: k, st: st})
		return st
	}
	st = NewSteps(s.Calendar, pol, a.DueDay).with(s.checkinSteps(a))
	s.memo.mu.Lock()
	if s.memo.steps == nil {
		s.memo.steps = map[stepsKey]Steps{}
	}
	s.memo.steps[k] = st
	s.memo.mu.Unlock()
	return st
}

// firstReminder is the name of a's first reminder: its policy's, which
// progress check-ins (never reminders, merged in order) do not change, so
// the task's check-ins need not be looked up (a round asks it of hundreds
// of thousands of assignments).
func (s *state) firstReminder(a Assignment) string {
	k := stepsKey{due: a.DueDay}
	var pol Policy
	k.policy, pol = s.policyOf(a.Plan, a.TaskID)
	s.memo.mu.Lock()
	st, ok := s.memo.steps[k]
	s.memo.mu.Unlock()
	if !ok {
		st = NewSteps(s.Calendar, pol, a.DueDay)
		s.memo.mu.Lock()
		if s.memo.steps == nil {
			s.memo.steps = map[stepsKey]Steps{}
		}
		s.memo.steps[k] = st // the steps of an assignment without check-ins
		s.memo.mu.Unlock()
	}
	return st.firstReminder().Name
}

// reminderReach is the last day whose open assignments may have had a
// reminder by day d: one with a later due day is more working days ahead
// than the longest reminder lead of any policy. Engine.repeats and NextWake
// read the open assignments due by then, not every assignment.
func (s *state) reminderReach(d calendar.Date) calendar.Date {
	s.memo.mu.Lock()
	lead := s.memo.lead
	if lead == 0 {
		lead = 1 + maxLead(s.Policy)
		for _, p := range s.TaskPolicies {
			lead = max(lead, 1+maxLead(p))
		}
		s.memo.lead = lead
	}
	s.memo.mu.Unlock()
	// A reminder n working days ahead, given by day d, leaves at most n
	// working days after d up to the due day.
	return calendar.DateOf(s.Calendar.AddWorkingDays(d.In(s.Calendar.Location()), lead))
}

func maxLead(p Policy) int {
	n := 0
	for _, b := range p.Before {
		n = max(n, b)
	}
	return n
}

// periodName is PeriodName(p), computed once per period.
func (s *state) periodName(p string) string {
	s.memo.mu.Lock()
	defer s.memo.mu.Unlock()
	name, ok := s.memo.periods[p]
	if !ok {
		if s.memo.periods == nil {
			s.memo.periods = map[string]string{}
		}
		name = PeriodName(p)
		s.memo.periods[p] = name
	}
	return name
}
