package scheduler

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/plan"
)

// Config is everything the engine plans with.
type Config struct {
	Calendar  *calendar.Calendar
	Directory *org.Directory
	Schedules Schedules
	Policy    Policy
	// TaskPolicies override Policy per task: by rules.TaskKey(plan, id),
	// else by bare task id.
	TaskPolicies map[string]Policy
	// ReportDay is the department's own deadline for periodic reports.
	ReportDay ReportDay
	// Office is the unit id of Văn phòng Sở: escalations "office" go to its head.
	Office string
	// Horizon is how far ahead occurrences are generated. Default 120 days.
	Horizon time.Duration
	// Channels are the channels in service; nil means every channel.
	Channels []string
	// AllChannels sends a copy of each message on every channel that
	// reaches its recipient (delivery.all_channels), not only on the first
	// preferred one; a person's own setting wins.
	AllChannels bool
	// Signature closes every letter: the sending office, whom to call, how
	// to answer. Empty: notify.DefaultSignature.
	Signature []string
	// Checkins asks for progress before each periodic report; the zero
	// value asks no one (New's callers pass DefaultCheckins or the config's).
	Checkins Checkins
	// Detail leaves out of the messages what a preview does not print
	// (detail.go); the daemon's zero value keeps everything.
	Detail Detail
	// parallel is the fewest lines a round makes its digests on several
	// cores for; 0: parallelDigests (tests set 1 or a large number).
	parallel int
}

// Task is a plan task the engine plans for.
type Task struct {
	Plan PlanInfo
	plan.Task
}

// Engine plans assignments and fires their steps through a Store.
type Engine struct {
	// state is replaced by Apply, SetConfig and Sync while other goroutines (the
	// bot, the admin listener) read it. Every operation loads it once, so
	// that a reload in the middle of one never mixes two configs.
	state atomic.Pointer[state]
	// swap serialises the writers of state, so that a SetConfig and a Sync
	// never lose each other's part.
	swap  sync.Mutex
	store Store
	log   *slog.Logger
	// batch bounds the pending steps handled in one transaction.
	batch int
	// rounds keeps a round's repeats for the next (repeatcache.go).
	rounds repeatCache
	// spare is the buffer of a transaction's fired steps, kept for the
	// next (takeFired): a month's preview at 100,000 tasks fires a
	// million, 400 bytes each, in batches of up to batch.
	spareMu sync.Mutex
	spare   []fired
}

// takeFired returns an empty buffer for at least n fired steps: the one
// kept, or a new one.
func (e *Engine) takeFired(n int) []fired {
	e.spareMu.Lock()
	buf := e.spare
	e.spare = nil
	e.spareMu.Unlock()
	if cap(buf) < n {
		return make([]fired, 0, n)
	}
	return buf[:0]
}

// keepFired keeps buf, done with, for the next takeFired; emptied, so that
// it holds no assignment alive.
func (e *Engine) keepFired(buf []fired) {
	clear(buf[:cap(buf)])
	e.spareMu.Lock()
	if cap(buf) > cap(e.spare) {
		e.spare = buf[:0]
	}
	e.spareMu.Unlock()
}

// state is what one operation of the engine works from: a config and the
// tasks of the last Sync. It is never changed once stored.
type state struct {
	*Config
	// tasks are the tasks of the last Sync, by taskKey: pointers into the
	// slice Sync was given (a copy each held 100,000 tasks twice).
	tasks map[string]*Task
	// planCodes are the plans of tasks (plans), once asked for.
	plansOnce sync.Once
	planCodes []string
	// memo holds what is computed from the above alone (memo.go).
	memo memo
}

// task returns the task id of plan as of the last Sync.
func (s *state) task(plan, id string) (Task, bool) {
	t := s.taskPtr(plan, id)
	if t == nil {
		return Task{}, false
	}
	return *t, true
}

// taskKey identifies a task across plans.
func taskKey(plan, id string) string { return plan + "|" + id }

// New returns an engine.
func New(cfg Config, store Store, log *slog.Logger) *Engine {
	if cfg.Horizon == 0 {
		cfg.Horizon = 120 * 24 * time.Hour
	}
	if cfg.ReportDay == 0 {
		cfg.ReportDay = 16
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e := &Engine{store: store, log: log, batch: fireBatch}
	e.state.Store(&state{Config: &cfg})
	return e
}

// fireBatch is the most due steps Fire handles in one transaction.
const fireBatch = 50000

// SetFireBatch sets the most due steps Fire handles in one transaction
// (fireBatch unless set; n < 1 restores it). A round of more is made in
// several, its digests in the last one (Tx.HoldSteps). Call it before the
// first Fire.
func (e *Engine) SetFireBatch(n int) {
	if n < 1 {
		n = fireBatch
	}
	e.batch = n
}

// SetConfig replaces the planning config (after a reload); call Sync next.
func (e *Engine) SetConfig(cfg Config) {
	e.swap.Lock()
	defer e.swap.Unlock()
	old := e.state.Load()
	e.state.Store(&state{Config: old.inherit(cfg), tasks: old.tasks})
}

// inherit returns cfg with the defaults New gave s.
func (s *state) inherit(cfg Config) *Config {
	if cfg.Horizon == 0 {
		cfg.Horizon = s.Horizon
	}
	if cfg.ReportDay == 0 {
		cfg.ReportDay = s.ReportDay
	}
	return &cfg
}

// Apply replaces the config and the tasks together (a reload) and plans
// them as of now, as Sync does. No operation sees the new config with the
// old tasks, as SetConfig then Sync would allow in between.
func (e *Engine) Apply(cfg Config, tasks []Task, now time.Time) (SyncResult, error) {
	return e.sync(&cfg, tasks, now)
}

// policy is the reminder policy of a task of a plan: its plan's override,
// else one written by its bare id, else the general one.
func (s *state) policy(planCode, taskID string) Policy {
	_, p := s.policyOf(planCode, taskID)
	return p
}

// next computes a's next pending step after its last one, honouring a
// snooze: a step that falls while snoozed waits for the snooze's end.
func (s *state) next(a Assignment) *Pending {
	if a.State != StateOpen {
		return nil
	}
	return s.nextOf(a, s.steps(a))
}

// nextOf is next for an open a whose steps (s.steps(a)) are known.
func (s *state) nextOf(a Assignment, steps Steps) *Pending {
	st := steps.Next(a.LastStepAt, a.LastStepRank)
	if st.At.IsZero() {
		return nil
	}
	at := st.At
	if at.Before(a.SnoozedUntil) {
		at = s.Calendar.NextWorkingMoment(a.SnoozedUntil)
	}
	return &Pending{At: at, Assignment: a.Key, Step: st.Name, Rank: st.rank}
}

// errStopScan ends a scan early.
var errStopScan = errors.New("scan stopped")

// syncChunk is the number of tasks Sync plans in one transaction: small
// enough that a chunk written while the next is built (Preparer) holds
// little, large enough that commits are few. Each commit writes again the
// index pages its chunk touched and syncs the file twice: at 100,000
// tasks × 5 units, 4,000 make 26 commits where 2,000 made 51, for about
// 20 MB more live heap (the daemon's collector through a Sync keeps its
// peak below that of 2,000 chunks).
const syncChunk = 4000

// SyncResult counts what Sync changed.
type SyncResult struct {
	Created, Updated, Archived, Unscheduled int
	// Changes are the existing assignments Sync updated or archived, as
	// they were and as they are now: what a reload actually changed.
	Changes []Change
}

// Change is one assignment changed by Sync.
type Change struct {
	Before, After Assignment
}

// Sync makes the stored assignments match the tasks and the config as of
// now: new occurrences within the horizon get assignments, changed due days
// and policies move the future steps, and assignments whose task, occurrence
// or unit is gone are archived. Produced steps are never touched. The
// engine keeps pointers into tasks: the caller must not change them after.
func (e *Engine) Sync(tasks []Task, now time.Time) (SyncResult, error) {
	return e.sync(nil, tasks, now)
}

// sync is Sync with a new config when cfg is not nil.
//
// Only the tasks whose planning changed since their last Sync are planned
// again (fingerprints): each task's fingerprint is stored with its
// assignments, in the same transaction.
func (e *Engine) sync(cfg *Config, tasks []Task, now time.Time) (SyncResult, error) {
	var res SyncResult
	byKey := make(map[string]*Task, len(tasks))
	for i := range tasks {
		byKey[taskKey(tasks[i].Plan.Code, tasks[i].ID)] = &tasks[i]
	}
	e.swap.Lock()
	old := e.state.Load()
	s := &state{Config: old.Config, tasks: byKey}
	if cfg != nil {
		s.Config = old.inherit(*cfg)
	}
	e.state.Store(s)
	e.swap.Unlock()
	through := calendar.DateOf(now.Add(s.Horizon).In(s.Calendar.Location()))
	fps, err := newFingerprints(s)
	if err != nil {
		return res, fmt.Errorf("sync: %w", err)
	}
	// Plans whose fingerprint is the one of their last complete Sync have
	// nothing to plan.
	byPlan := map[string][]*Task{}
	for i := range tasks {
		t := &tasks[i]
		byPlan[t.Plan.Code] = append(byPlan[t.Plan.Code], t)
		if s.Schedules.For(t.Plan.Code, t.Task).Unscheduled {
			res.Unscheduled++
		}
	}
	planFP := map[string]uint64{}
	for code, ts := range byPlan {
		if planFP[code], err = fps.plan(code, ts, through); err != nil {
			return res, fmt.Errorf("sync: %w", err)
		}
	}
	// A plan with no assignment yet (its first start) has none to archive
	// at the end: syncGone need not read what this Sync writes.
	fresh := map[string]bool{}
	err = e.store.View(func(tx Tx) error {
		for code, fp := range planFP {
			was, ok, err := tx.SyncMark(code, "")
			if err != nil {
				return err
			}
			if ok && was == fp {
				delete(byPlan, code)
				continue
			}
			if !ok {
				empty := true
				err := tx.ForEachAssignment(code, func(Assignment) error { empty = false; return errStopScan })
				if err != nil && !errors.Is(err, errStopScan) {
					return err
				}
				fresh[code] = empty
			}
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	if len(byPlan) < len(planFP) {
		tasks = slices.DeleteFunc(slices.Clone(tasks), func(t Task) bool { return byPlan[t.Plan.Code] == nil })
	}
	// One transaction per chunk of tasks: bbolt splits its nodes only at
	// commit, so one huge transaction inserts in quadratic time. Sync is
	// idempotent: a crash between chunks is finished by the next Sync.
	// What a chunk's tasks plan (occurrences, units, fingerprints, and in
	// a plan's first start the new assignments with their first steps)
	// reads nothing stored: it is prepared a chunk ahead, on another core,
	// while the store writes the chunk before.
	chunks := make(chan preparedChunk) // one chunk ready while one is written: no more held
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(chunks)
		ordered := inKeyOrder(tasks)
		occs := newOccurrenceMemo(s.Calendar, s.ReportDay, through)
		units := unitsMemo{}
		prep, _ := e.store.(Preparer)
		for start := 0; start < len(ordered); start += syncChunk {
			c := s.prepare(ordered[start:min(start+syncChunk, len(ordered))], fps, occs, units, fresh)
			if prep != nil && c.err == nil && allMade(c.plans) {
				// Nothing to read: the records are built here too.
				var cr SyncResult
				c.commit, c.err = prep.Prepare(func(tx Tx) error {
					for _, tp := range c.plans {
						if err := s.planTask(tx, tp, through, &cr); err != nil {
							return err
						}
					}
					return nil
				})
				c.created, c.plans = cr.Created, nil
			}
			select {
			case chunks <- c:
			case <-stop:
				return
			}
			if c.err != nil {
				return
			}
		}
	}()
	// The assignments the chunk's tasks have, one after the other in one
	// buffer kept from chunk to chunk: a slice each grew by doubling, 430
	// MB allocated for the 526,480 assignments of 100,000 tasks.
	var hasBuf []Assignment
	for c := range chunks {
		if c.err != nil {
			return res, fmt.Errorf("sync: %w", c.err)
		}
		if c.commit != nil {
			if err := c.commit(); err != nil {
				return res, err
			}
			res.Created += c.created
			continue
		}
		err := e.store.Update(func(tx Tx) error {
			hasBuf = hasBuf[:0] // the last chunk's are planned
			// Reads first (see Store): what changed, and what it has now.
			todo := make([]taskPlan, 0, len(c.plans))
			for _, tp := range c.plans {
				t := tp.t
				if tp.made {
					// A plan with no assignment when this Sync began: its
					// tasks have neither marks nor assignments to read.
					todo = append(todo, tp)
					continue
				}
				if was, ok, err := tx.SyncMark(t.Plan.Code, t.ID); err != nil {
					return err
				} else if ok && was == tp.fp {
					continue
				}
				start := len(hasBuf)
				err := tx.ForEachTaskAssignment(t.Plan.Code, t.ID, func(a Assignment) error {
					hasBuf = append(hasBuf, a)
					return nil
				})
				if err != nil {
					return err
				}
				// Its own view: hasBuf may move as it grows, the view not.
				tp.has = hasBuf[start:len(hasBuf):len(hasBuf)]
				todo = append(todo, tp)
			}
			for _, tp := range todo {
				if err := s.planTask(tx, tp, through, &res); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return res, err
		}
	}
	for _, code := range slices.Sorted(maps.Keys(byPlan)) {
		err := e.store.Update(func(tx Tx) error {
			if !fresh[code] {
				if err := s.syncGone(tx, code, through, &res); err != nil {
					return err
				}
			}
			return tx.PutSyncMark(code, "", planFP[code])
		})
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// allMade reports whether every plan of a chunk was made beforehand: its
// task new, of a plan with no assignment stored.
func allMade(plans []taskPlan) bool {
	for _, tp := range plans {
		if !tp.made {
			return false
		}
	}
	return true
}

// inKeyOrder returns pointers to tasks in the order of their assignments'
// keys (plan, then task id followed by "@"): chunk after chunk, a store
// sorted by key then appends instead of inserting among what earlier
// chunks wrote, which would rewrite most of its pages at every commit.
// "I.10" comes before "I.1" here, as "I.10@" sorts before "I.1@".
func inKeyOrder(tasks []Task) []*Task {
	out := make([]*Task, len(tasks))
	for i := range tasks {
		out[i] = &tasks[i]
	}
	slices.SortFunc(out, func(a, b *Task) int {
		if c := compareBefore(a.Plan.Code, b.Plan.Code, '|'); c != 0 {
			return c
		}
		return compareBefore(a.ID, b.ID, '@')
	})
	return out
}

// compareBefore compares a+sep and b+sep without building them.
func compareBefore(a, b string, sep byte) int {
	n := min(len(a), len(b))
	if c := strings.Compare(a[:n], b[:n]); c != 0 {
		return c
	}
	switch {
	case len(a) == len(b):
		return 0
	case len(a) < len(b): // a+sep ends where b+sep goes on
		return cmp.Or(cmp.Compare(sep, b[n]), -1)
	default:
		return cmp.Or(cmp.Compare(a[n], sep), 1)
	}
}

// preparedChunk is a chunk of tasks' plans, made without the store.
type preparedChunk struct {
	plans []taskPlan
	err   error
	// commit, when set, writes the chunk's records, built beforehand
	// (Preparer): every task is new, of a plan with nothing stored.
	commit  func() error
	created int
}

// prepare computes the plans of a chunk of tasks: rule, units,
// occurrences and fingerprint, and for the tasks of a plan with no
// assignment yet (fresh) the assignments to create. It reads no store and
// runs beside the transactions; fps and the memos are its own.
func (s *state) prepare(chunk []*Task, fps *fingerprints, occs *occurrenceMemo, units unitsMemo, fresh map[string]bool) preparedChunk {
	out := make([]taskPlan, 0, len(chunk))
	for _, t := range chunk {
		tp := taskPlan{t: t}
		rule := s.Schedules.For(t.Plan.Code, t.Task)
		if rule.Unscheduled {
			tp.unscheduled = true
		} else {
			tp.units = units.of(s, t.Task)
			tp.occs = occs.of(t.Plan, t.Task, rule)
		}
		fp, err := fps.task(*t, tp.unscheduled, tp.units, tp.occs)
		if err != nil {
			return preparedChunk{err: err}
		}
		tp.fp = fp
		if fresh[t.Plan.Code] {
			tp.made = true
			tp.keys = make([]string, 0, len(tp.occs)*len(tp.units))
			tp.firsts = make([]Pending, len(tp.occs))
			for i, occ := range tp.occs {
				id := occ.ID()
				// A new assignment's first step depends on its plan, task
				// and due day, not on its unit.
				if p := s.next(Assignment{Plan: t.Plan.Code, TaskID: t.ID, Occurrence: id, DueDay: occ.DueDay, State: StateOpen}); p != nil {
					tp.firsts[i] = *p
				}
				for _, unit := range tp.units {
					tp.keys = append(tp.keys, AssignmentKey(t.Plan.Code, id, unit))
				}
			}
		}
		out = append(out, tp)
	}
	return preparedChunk{plans: out}
}

// newAssignment is the assignment of a new occurrence and unit, with its
// first step.
func (s *state) newAssignment(t *Task, occ Occurrence, unit string) Assignment {
	a := Assignment{Key: AssignmentKey(t.Plan.Code, occ.ID(), unit), Plan: t.Plan.Code, TaskID: t.ID, Occurrence: occ.ID(), Unit: unit,
		DueDay: occ.DueDay, State: StateOpen}
	a.Next = s.next(a)
	return a
}

// taskPlan is one task Sync plans again: its units and occurrences up to
// the horizon, its fingerprint, and the assignments it has.
type taskPlan struct {
	t           *Task
	unscheduled bool
	units       []string
	occs        []Occurrence
	fp          uint64
	has         []Assignment
	// made tells that the assignments of a task that had none were made
	// beforehand: keys are those of occs × units, in that order, and
	// firsts the occurrences' first steps (zero At: none), the same for
	// every unit. Kept this small, two chunks in flight hold a few MB
	// instead of whole assignments.
	made   bool
	keys   []string
	firsts []Pending
}

// planTask writes tp's assignments, archives those it no longer has up to
// the horizon, and stores its fingerprint.
func (s *state) planTask(tx Tx, tp taskPlan, through calendar.Date, res *SyncResult) error {
	t := tp.t
	if len(tp.has) == 0 && tp.made { // made beforehand: nothing to compare
		create := tx.CreateAssignment
		if fc, ok := tx.(FreshCreator); ok {
			create = fc.CreateFresh
		}
		k := 0
		for i, occ := range tp.occs {
			id := occ.ID()
			for _, unit := range tp.units {
				a := Assignment{Key: tp.keys[k], Plan: t.Plan.Code, TaskID: t.ID, Occurrence: id, Unit: unit,
					DueDay: occ.DueDay, State: StateOpen}
				k++
				if first := tp.firsts[i]; !first.At.IsZero() {
					first.Assignment = a.Key
					a.Next = &first
				}
				if err := create(a); err != nil {
					return err
				}
				res.Created++
			}
		}
		return tx.PutSyncMark(t.Plan.Code, t.ID, tp.fp)
	}
	// The assignments it has come in key order (ForEachTaskAssignment):
	// found by a binary search, and those planned marked by position,
	// instead of two maps a task (100,000 tasks in a preview's planning).
	var wbuf [16]bool
	wanted := wbuf[:0]
	if len(tp.has) > len(wbuf) {
		wanted = make([]bool, 0, len(tp.has))
	}
	wanted = wanted[:len(tp.has)]
	byKey := func(a, b Assignment) int { return strings.Compare(a.Key, b.Key) }
	if !slices.IsSortedFunc(tp.has, byKey) { // as Tx promises; a store that breaks it costs a sort
		slices.SortFunc(tp.has, byKey)
	}
	for _, occ := range tp.occs {
		for _, unit := range tp.units {
			key := AssignmentKey(t.Plan.Code, occ.ID(), unit)
			var a Assignment
			i, ok := slices.BinarySearchFunc(tp.has, key, func(a Assignment, k string) int { return strings.Compare(a.Key, k) })
			if ok {
				a, wanted[i] = tp.has[i], true
			}
			ch, changed, created, err := s.syncOne(tx, key, a, ok, t, occ, unit)
			if err != nil {
				return err
			}
			switch {
			case created:
				res.Created++
			case changed:
				res.Updated++
				res.Changes = append(res.Changes, ch)
			}
		}
	}
	later := false // kept beyond the horizon: to look at again
	for i, a := range tp.has {
		if wanted[i] || a.State == StateArchived {
			continue
		}
		if a.DueDay.After(through) {
			later = true
			continue
		}
		if err := s.archive(tx, a, res); err != nil {
			return err
		}
	}
	fp := tp.fp
	if later {
		fp = ^fp // never equal: the next Sync looks again
	}
	return tx.PutSyncMark(t.Plan.Code, t.ID, fp)
}

// archive archives an assignment whose task, occurrence or unit is gone.
func (s *state) archive(tx Tx, a Assignment, res *SyncResult) error {
	before := a
	a.State, a.Next = StateArchived, nil
	if err := tx.PutAssignment(a); err != nil {
		return err
	}
	res.Archived++
	res.Changes = append(res.Changes, Change{Before: before, After: a})
	return nil
}

// syncGone archives, up to the horizon, the assignments of the plan's tasks
// that are no longer in it: the tasks with a mark but no longer planned,
// or, at a plan's first Sync with marks (a database of an older nhacviec),
// every assignment of a task not planned.
func (s *state) syncGone(tx Tx, code string, through calendar.Date, res *SyncResult) error {
	_, marked, err := tx.SyncMark(code, "")
	if err != nil {
		return err
	}
	var gone []Assignment
	var goneTasks []string
	planned := func(task string) bool { _, ok := s.task(code, task); return ok }
	if marked {
		err = tx.ForEachSyncMark(code, func(task string, _ uint64) error {
			if !planned(task) {
				goneTasks = append(goneTasks, task)
			}
			return nil
		})
		for _, task := range goneTasks {
			if err != nil {
				break
			}
			err = tx.ForEachTaskAssignment(code, task, func(a Assignment) error {
				gone = append(gone, a)
				return nil
			})
		}
	} else {
		err = tx.ForEachAssignment(code, func(a Assignment) error {
			if !planned(a.TaskID) {
				gone = append(gone, a)
			}
			return nil
		})
	}
	if err != nil {
		return err
	}
	later := map[string]bool{}
	for _, a := range gone {
		if a.State == StateArchived {
			continue
		}
		if a.DueDay.After(through) {
			later[a.TaskID] = true
			continue
		}
		if err := s.archive(tx, a, res); err != nil {
			return err
		}
	}
	for _, task := range goneTasks {
		if !later[task] {
			if err := tx.DropSyncMark(code, task); err != nil {
				return err
			}
		}
	}
	for task := range later {
		if err := tx.PutSyncMark(code, task, 0); err != nil { // a task gone, with assignments left to archive later
			return err
		}
	}
	return nil
}

func (s *state) syncOne(tx Tx, key string, a Assignment, ok bool, t *Task, occ Occurrence, unit string) (ch Change, changed, created bool, err error) {
	if !ok {
		a = s.newAssignment(t, occ, unit)
		return Change{After: a}, true, true, tx.CreateAssignment(a)
	}
	before := a
	a.DueDay = occ.DueDay
	if a.State == StateArchived {
		a.State = StateOpen
		if !a.DoneAt.IsZero() {
			a.State = StateDone
		}
	}
	a.Next = s.next(a)
	if a.DueDay == before.DueDay && a.State == before.State && samePending(a.Next, before.Next) {
		return ch, false, false, nil
	}
	return Change{Before: before, After: a}, true, false, tx.PutAssignment(a)
}

func samePending(a, b *Pending) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.At.Equal(b.At) && a.Step == b.Step && a.Rank == b.Rank && a.Assignment == b.Assignment
}

// unitsMemo expands each distinct list of lead ids once; tasks with the
// same lead share the (read-only) result.
type unitsMemo map[string][]string

func (m unitsMemo) of(s *state, t plan.Task) []string {
	k := strings.Join(t.LeadIDs, "\x00") // no copy for the usual single lead
	if u, ok := m[k]; ok {
		return u
	}
	u := s.leadUnits(t)
	m[k] = u
	return u
}

// leadUnits expands the task's lead ids (units or groups) into unit ids.
func (s *state) leadUnits(t plan.Task) []string {
	refs := make([]org.Ref, 0, len(t.LeadIDs))
	for _, id := range t.LeadIDs {
		_, group := s.Directory.Group(id)
		refs = append(refs, org.Ref{ID: id, Group: group})
	}
	return s.Directory.ExpandAll(refs)
}

// NextWake returns when the engine should fire next, seen from now: the
// moment of the earliest pending step or of the next daily round (when an
// open item is overdue, to repeat it on its recipients' rhythm), or, when
// that moment has passed (after downtime), the next working moment from
// now — nothing goes out on a non-working day or outside working hours.
func (e *Engine) NextWake(now time.Time) (time.Time, bool, error) {
	s := e.state.Load()
	var p Pending
	var ok bool
	var round time.Time
	err := e.store.View(func(tx Tx) error {
		var err error
		if p, ok, err = tx.NextDue(); err != nil {
			return err
		}
		last, err := tx.Rhythm("")
		if err != nil {
			return err
		}
		round = s.nextRound(now, last.LastDigest)
		if ok && last.LastDigest == s.today(now) && p.At.Before(round) {
			// Today's round has run: what is due waits for the next (Fire).
			p.At = round
		}
		if ok && !round.Before(p.At) {
			return nil
		}
		// The round is needed only while someone has something to repeat
		// (Engine.repeats): an open item overdue, or coming due after its
		// second reminder.
		day := s.today(round)
		errFound := fmt.Errorf("found")
		err = tx.ForEachOpen(s.reminderReach(day), func(a Assignment) error {
			if s.repeatable(a, day) {
				return errFound
			}
			return nil
		})
		switch {
		case err == errFound:
			if !ok || round.Before(p.At) {
				p, ok = Pending{At: round}, true
			}
			return nil
		case err != nil:
			return err
		}
		return nil
	})
	if !ok || err != nil {
		return time.Time{}, ok, err
	}
	at := p.At
	if !at.After(now) {
		return s.Calendar.NextWorkingMoment(now), true, nil
	}
	return at, true, nil
}

// fired is one step produced at a moment, for one assignment.
type fired struct {
	a    Assignment
	step Step
	// key is the step's key (StepKey), made once: Fire checks it, the
	// digest lists it and Fire records it (a month at 100,000 tasks fires
	// a million steps).
	key string
}

// Fire produces every step due at now, writes their messages to the outbox
// and records the steps, in one transaction per batch. After downtime only
// the latest moment's steps of each assignment are produced (plus the highest
// escalation that was missed); the older ones are recorded as skipped, so a
// restart after a week sends one message per recipient, not a burst.
//
// Once per working day, at the round (the policy's time of day) or at a
// catch-up before it, the overdue items are repeated to each recipient
// whose rhythm calls for it or who gets news (Rhythm). A catch-up counts as
// the day's round: it also takes the steps of today's round, so that no
// one gets two digests minutes apart. A round of more due steps than a
// batch makes its digests in its last batch, of every batch's lines: one
// digest per recipient and channel however large the round.
func (e *Engine) Fire(now time.Time) ([]*notify.Message, error) {
	s := e.state.Load()
	if !s.Calendar.NextWorkingMoment(now).Equal(now) {
		return nil, nil // outside working time: NextWake says when
	}
	today := s.today(now)
	until, round, roundDone := now, false, false
	err := e.store.View(func(tx Tx) error {
		last, err := tx.Rhythm("")
		if err != nil {
			return err
		}
		roundDone = last.LastDigest == today
		first, ok, err := tx.NextDue()
		if err != nil {
			return err
		}
		roundAt := s.roundAt(today)
		catchUp := ok && first.At.Before(now)
		if last.LastDigest != today && s.today(roundAt) == today && (!now.Before(roundAt) || catchUp) {
			round = true
			if now.Before(roundAt) {
				until = roundAt
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("fire at %s: %w", now.Format(time.RFC3339), err)
	}
	if roundDone && !round {
		// At most one digest per person per working day: what falls due
		// after today's round (a reload that moved a deadline, say) goes
		// with the next one (NextWake waits for it).
		return nil, nil
	}
	var out []*notify.Message
	// held are the boxes of this round's batches before, in memory: the
	// store holds their steps only (HoldSteps), read back and made into
	// boxes again by the first batch of a process that finds some (the
	// one before stopped between the round's batches).
	var held []heldBox
	first := true
	for {
		var msgs []*notify.Message
		var n int
		var holding []heldBox // this batch's, once committed
		err := e.store.Update(func(tx Tx) error {
			due, err := tx.Due(until, e.batch)
			if err != nil {
				return err
			}
			n = len(due)
			last := n < e.batch
			// A round of more due steps than a batch makes one digest per
			// recipient all the same: the batches before the last hold
			// their boxes, with the steps recorded, and the last one makes
			// the digests of all of them.
			hold := round && !last
			// Every scan before the first write (see Store).
			var prior []heldBox
			if round && first {
				if prior, err = s.heldBefore(tx, now); err != nil {
					return err
				}
			}
			var done []notify.Item
			if !hold {
				if done, err = s.completionItems(tx, now); err != nil {
					return err
				}
			}
			var rep *repeatSet
			var recent []notify.Item
			if round && last {
				if rep, recent, err = e.rounds.repeats(s, tx, now); err != nil {
					return err
				}
			}
			all := e.takeFired(len(due))
			defer func() { e.keepFired(all) }() // nothing the transaction returns refers to it
			for _, p := range due {
				if all, err = s.fireOne(tx, p, until, now, all); err != nil {
					return err
				}
			}
			if hold {
				boxes, order, err := s.fillBoxes(tx, now, all, nil)
				if err != nil {
					return err
				}
				holding = append(prior, heldBoxes(boxes, order, all, func(string) time.Time { return now })...)
				recs := make([]StepRecord, len(all))
				for i, f := range all {
					recs[i] = StepRecord{Key: f.key, At: f.step.At, Produced: now}
					if err := tx.RecordStep(recs[i]); err != nil {
						return err
					}
				}
				return tx.HoldSteps(recs)
			}
			// The boxes before this batch, taken by the last (fillBoxes
			// clears their lines as it copies them, held's too: a failed
			// last batch ends the call, and the next reads the store).
			before := append(held, prior...)
			var carried map[string][]string
			var reported []string
			msgs, carried, reported, err = s.messages(tx, now, all, before, done, rep, recent)
			if err != nil {
				return err
			}
			for _, m := range msgs {
				if err := tx.Enqueue(m); err != nil {
					return err
				}
			}
			for _, key := range reported {
				if err := tx.Reported(key); err != nil {
					return err
				}
			}
			for _, f := range all {
				if err := tx.RecordStep(StepRecord{Key: f.key, At: f.step.At, Produced: now, Messages: carried[f.key]}); err != nil {
					return err
				}
			}
			if len(before) > 0 {
				for _, h := range before {
					for _, r := range h.steps {
						// Recorded by its batch without messages: again
						// only to add those that carry it.
						if r.Messages = carried[r.Key]; len(r.Messages) == 0 {
							continue
						}
						if err := tx.RecordStep(r); err != nil {
							return err
						}
					}
				}
				if err := tx.DropHeld(); err != nil {
					return err
				}
			}
			if round && last {
				return tx.PutRhythm("", Rhythm{LastDigest: today})
			}
			return nil
		})
		if err != nil {
			e.rounds.forget()
			return out, fmt.Errorf("fire steps due at %s: %w", now.Format(time.RFC3339), err)
		}
		first = false
		held = append(held, holding...)
		out = append(out, msgs...)
		if n < e.batch {
			return out, nil
		}
	}
}

// fireOne handles one pending step: it decides which of the assignment's
// steps up to now are produced and which skipped, and moves a to its next
// step. It appends the steps produced to out (a fired is large: no slice
// of its own to copy from).
func (s *state) fireOne(tx Tx, p Pending, until, now time.Time, out []fired) ([]fired, error) {
	a, ok, err := tx.Assignment(p.Assignment)
	if err != nil || !ok {
		return out, err
	}
	if a.State != StateOpen || a.SnoozedUntil.After(now) {
		a.Next = s.next(a)
		return out, tx.PutAssignment(a)
	}
	all := s.steps(a) // once: the memo's look-up costs as much as the rest
	steps := all.Until(a.LastStepAt, a.LastStepRank, until)
	if len(steps) == 0 {
		a.Next = s.nextOf(a, all)
		return out, tx.PutAssignment(a)
	}
	latest := steps[len(steps)-1].At
	// Mostly one step to produce and few to skip: no allocation for them.
	var pbuf [4]Step
	var sbuf [16]Step // a catch-up skips the reminders it missed
	produce, skip := pbuf[:0], sbuf[:0]
	for _, st := range steps {
		if st.At.Equal(latest) {
			produce = append(produce, st)
		} else {
			skip = append(skip, st)
		}
	}
	if !hasKind(produce, notify.KindEscalation) {
		for i := len(skip) - 1; i >= 0; i-- {
			if skip[i].Kind == notify.KindEscalation {
				produce = append([]Step{skip[i]}, produce...)
				skip = append(skip[:i], skip[i+1:]...)
				break
			}
		}
	}
	for _, st := range skip {
		if err := tx.RecordStep(StepRecord{Key: StepKey(a.Key, st.Name), At: st.At, Produced: now, Skipped: true}); err != nil {
			return out, err
		}
	}
	for _, st := range produce {
		key := StepKey(a.Key, st.Name)
		done, err := tx.StepRecorded(key)
		if err != nil {
			return out, err
		}
		if done {
			continue
		}
		if st.Kind == notify.KindCheckin && s.answered(a, st) {
			// Answered since the first request: no second one.
			if err := tx.RecordStep(StepRecord{Key: key, At: st.At, Produced: now, Skipped: true}); err != nil {
				return out, err
			}
			continue
		}
		out = append(out, fired{a: a, step: st, key: key})
	}
	last := steps[len(steps)-1]
	a.LastStep, a.LastStepAt, a.LastStepRank = last.Name, last.At, last.rank
	a.Next = s.nextOf(a, all)
	return out, tx.PutAssignment(a)
}

// completionItems describes the done marks not yet reported to the office.
func (s *state) completionItems(tx Tx, now time.Time) ([]notify.Item, error) {
	keys, err := tx.Completions(now)
	if err != nil || len(keys) == 0 {
		return nil, err
	}
	var out []notify.Item
	for _, k := range keys {
		a, ok, err := tx.Assignment(k)
		if err != nil {
			return nil, err
		}
		if !ok || a.State != StateDone {
			continue
		}
		it := s.item(now, fired{a: a, step: Step{Kind: notify.KindDone}})
		it.DoneAt, it.DoneBy = a.DoneAt, s.personName(a.DoneBy)
		out = append(out, it)
	}
	return out, nil
}

// personName is a person's name from the config, else the id as stored.
func (s *state) personName(id string) string {
	if p, ok := s.Directory.Person(id); ok && p.Name != "" {
		return p.Name
	}
	return id
}

func hasKind(steps []Step, k notify.Kind) bool {
	for _, s := range steps {
		if s.Kind == k {
			return true
		}
	}
	return false
}

// ErrNotFound is returned for an unknown assignment key.
var ErrNotFound = fmt.Errorf("assignment not found")

// Complete marks an assignment done: it gets no further step.
func (e *Engine) Complete(key, by, via, note string, at time.Time) (Assignment, error) {
	return e.change(key, func(a *Assignment) {
		a.State, a.DoneAt, a.DoneBy, a.DoneVia, a.Note = StateDone, at, by, via, note
	})
}

// Reopen undoes a done mark made by mistake: the steps continue from the
// last one produced, catching up once on what fell due meanwhile.
func (e *Engine) Reopen(key string) (Assignment, error) {
	return e.change(key, func(a *Assignment) {
		a.State, a.DoneAt, a.DoneBy, a.DoneVia = StateOpen, time.Time{}, "", ""
	})
}

// Snooze holds an assignment's steps until the given moment.
func (e *Engine) Snooze(key string, until time.Time) (Assignment, error) {
	return e.change(key, func(a *Assignment) { a.SnoozedUntil = until })
}

func (e *Engine) change(key string, fn func(*Assignment)) (Assignment, error) {
	s := e.state.Load()
	var a Assignment
	err := e.store.Update(func(tx Tx) error {
		var ok bool
		var err error
		a, ok, err = tx.Assignment(key)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: %s", ErrNotFound, key)
		}
		fn(&a)
		a.Next = s.next(a)
		return tx.PutAssignment(a)
	})
	return a, err
}

// NextFor returns the next pending step of a as it stands (nil when done,
// archived or finished): callers that change an assignment inside their own
// transaction set a.Next = e.NextFor(a) before writing it.
func (e *Engine) NextFor(a Assignment) *Pending { return e.state.Load().next(a) }

// Calendar is the working-day calendar of the current config.
func (e *Engine) Calendar() *calendar.Calendar { return e.state.Load().Calendar }

// Pinned is one planning state of the engine, for an operation that must
// not see a reload halfway (a bot or web action): its next steps and its
// calendar come from the same config.
type Pinned struct{ s *state }

// Pin returns the engine's current planning state.
func (e *Engine) Pin() Pinned { return Pinned{e.state.Load()} }

// NextFor is Engine.NextFor on the pinned state.
func (p Pinned) NextFor(a Assignment) *Pending { return p.s.next(a) }

// Calendar is the pinned state's working-day calendar.
func (p Pinned) Calendar() *calendar.Calendar { return p.s.Calendar }

// Task is the pinned state's task id of plan, as of the last Sync.
func (p Pinned) Task(plan, id string) (Task, bool) {
	t, ok := p.s.task(plan, id)
	return t, ok
}

// Plans are the codes of the plans of the pinned state's tasks, sorted.
func (p Pinned) Plans() []string { return p.s.plans() }

// Plans are the codes of the plans of the current state's tasks, sorted.
func (e *Engine) Plans() []string { return e.Pin().Plans() }

// plans are the codes of the plans of s's tasks, sorted, computed once.
func (s *state) plans() []string {
	s.plansOnce.Do(func() {
		seen := map[string]bool{}
		for _, t := range s.tasks {
			if !seen[t.Plan.Code] {
				seen[t.Plan.Code] = true
				s.planCodes = append(s.planCodes, t.Plan.Code)
			}
		}
		slices.Sort(s.planCodes)
	})
	return s.planCodes
}

// Task is the current state's task id of plan, as of the last Sync.
func (e *Engine) Task(plan, id string) (Task, bool) { return e.Pin().Task(plan, id) }
