package scheduler

import (
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"runtime/debug"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/rules"
)

// planningVersion changes when the engine plans the same inputs
// differently (steps, occurrences, check-ins): every task is then planned
// again once. A new build changes the fingerprint too (its VCS revision).
const planningVersion = 1

// buildRevision is the VCS revision the program was built from, if known.
var buildRevision = func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			return s.Value
		}
	}
	return info.Main.Version
}()

// fingerprints compute the fingerprint of a task's planning: everything
// Sync derives a task's assignments and their next steps from — its
// occurrences up to the horizon, its lead units, its reminder policy, its
// timeline kind and plan (check-ins), the calendar, the check-in settings,
// the report day and this program. A task whose fingerprint is the one
// stored at its last Sync has its assignments as Sync would write them, and
// is skipped: a restart reads no assignment of an unchanged plan.
type fingerprints struct {
	s        *state
	base     []byte
	policies map[string]uint64 // by policyKey
	config   []byte            // for plan: the config's part, once
	buf      []byte
}

func newFingerprints(s *state) (*fingerprints, error) {
	base, err := json.Marshal(struct {
		Version   int
		Build     string
		Calendar  string
		Checkins  Checkins
		ReportDay ReportDay
	}{planningVersion, buildRevision, s.Calendar.Fingerprint(), s.Checkins, s.ReportDay})
	if err != nil {
		return nil, err
	}
	return &fingerprints{s: s, base: base, policies: map[string]uint64{}}, nil
}

// policyKey is the key of TaskPolicies that gives a task its policy ("" for
// the general one), as state.policy picks it.
func (s *state) policyKey(planCode, taskID string) string {
	if _, ok := s.TaskPolicies[rules.TaskKey(planCode, taskID)]; ok {
		return rules.TaskKey(planCode, taskID)
	}
	if _, ok := s.TaskPolicies[taskID]; ok {
		return taskID
	}
	return ""
}

func (f *fingerprints) policy(planCode, taskID string) (uint64, error) {
	k := f.s.policyKey(planCode, taskID)
	if fp, ok := f.policies[k]; ok {
		return fp, nil
	}
	raw, err := json.Marshal(f.s.policy(planCode, taskID))
	if err != nil {
		return 0, err
	}
	h := fnv.New64a()
	h.Write(raw)
	f.policies[k] = h.Sum64()
	return f.policies[k], nil
}

func (f *fingerprints) str(s string) {
	f.buf = binary.AppendUvarint(f.buf, uint64(len(s)))
	f.buf = append(f.buf, s...)
}

func (f *fingerprints) date(d calendar.Date) {
	f.buf = binary.AppendVarint(f.buf, int64(d.Year))
	f.buf = append(f.buf, byte(d.Month), byte(d.Day))
}

// task is the fingerprint of t's planning with these units and
// occurrences (none when unscheduled).
func (f *fingerprints) task(t Task, unscheduled bool, units []string, occs []Occurrence) (uint64, error) {
	pol, err := f.policy(t.Plan.Code, t.ID)
	if err != nil {
		return 0, err
	}
	f.buf = append(f.buf[:0], f.base...)
	f.buf = binary.BigEndian.AppendUint64(f.buf, pol)
	f.str(t.Plan.Code)
	f.buf = binary.AppendVarint(f.buf, int64(t.Plan.Year))
	f.date(t.Plan.Start)
	f.str(t.ID)
	f.str(string(t.Timeline.Kind))
	if unscheduled {
		f.buf = append(f.buf, 1)
	} else {
		f.buf = append(f.buf, 0)
	}
	f.buf = binary.AppendUvarint(f.buf, uint64(len(units)))
	for _, u := range units {
		f.str(u)
	}
	f.buf = binary.AppendUvarint(f.buf, uint64(len(occs)))
	for _, o := range occs {
		f.str(o.Period)
		f.date(o.DueDay)
	}
	h := fnv.New64a()
	h.Write(f.buf)
	return h.Sum64(), nil
}

// plan is the fingerprint of a whole plan's planning up to through: what
// every task fingerprint of the plan depends on, taken together (the
// config's policies, rules and unit names; the tasks' ids, sections,
// timelines and lead units; the horizon's last day). The same fingerprint
// as at the plan's last complete Sync means no task of it changed: a
// restart on the same day reads nothing of the plan but its mark.
func (f *fingerprints) plan(code string, tasks []*Task, through calendar.Date) (uint64, error) {
	if f.config == nil {
		raw, err := json.Marshal(struct {
			Policy       Policy
			TaskPolicies map[string]Policy
			Schedules    Schedules
			Names        string
		}{f.s.Policy, f.s.TaskPolicies, f.s.Schedules, f.s.Directory.NamesKey()})
		if err != nil {
			return 0, err
		}
		f.config = raw
	}
	h := fnv.New64a()
	h.Write(f.base)
	h.Write(f.config)
	f.buf = f.buf[:0]
	f.str(code)
	f.date(through)
	h.Write(f.buf)
	for _, t := range tasks {
		f.buf = f.buf[:0]
		f.buf = binary.AppendVarint(f.buf, int64(t.Plan.Year))
		f.date(t.Plan.Start)
		f.str(t.ID)
		f.str(t.Section)
		tl := t.Timeline
		f.str(string(tl.Kind))
		for _, n := range []int{tl.Year, tl.Half, tl.Quarter, tl.Month, tl.Day} {
			f.buf = binary.AppendVarint(f.buf, int64(n))
		}
		f.str(string(tl.Every))
		f.str(tl.Ref)
		f.buf = binary.AppendUvarint(f.buf, uint64(len(t.LeadIDs)))
		for _, id := range t.LeadIDs {
			f.str(id)
		}
		h.Write(f.buf)
	}
	return h.Sum64() | 2, nil // never 0 nor 1: those mark a plan known but not fingerprinted
}
