package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// previewEntry is one message of `nhacviec preview --json`, all its channels
// together.
type previewEntry struct {
	At        time.Time        `json:"at"`
	Recipient notify.Recipient `json:"recipient"`
	Channels  []string         `json:"channels"`
	Kind      notify.Kind      `json:"kind"`
	Title     string           `json:"title"`
	Items     previewItems     `json:"items"`
}

// previewItems are an entry's lines: the message's own items, written as
// previewItem (a month's preview at 100,000 tasks lists millions: a copy
// of each was a quarter of a gigabyte).
type previewItems []notify.Item

func (p previewItems) MarshalJSON() ([]byte, error) {
	if p == nil {
		return []byte("null"), nil
	}
	out := make([]previewItem, len(p))
	for i, it := range p {
		out[i] = previewItem{Kind: it.Kind, TaskID: it.TaskID, Occurrence: it.Occurrence, Unit: it.Unit, Due: it.Due, Copy: it.Copy}
	}
	return json.Marshal(out)
}

// previewItem is a line of an entry, as `preview --json` writes it.
type previewItem struct {
	Kind       notify.Kind `json:"kind"`
	TaskID     string      `json:"task_id"`
	Occurrence string      `json:"occurrence"`
	Unit       string      `json:"unit"`
	Due        time.Time   `json:"due"`
	Copy       bool        `json:"copy,omitempty"`
}

// preview runs the daemon's own engine over [from, to] on a fresh in-memory
// store: every message that would go out, assuming nothing is done.
func preview(cfg scheduler.Config, tasks []scheduler.Task, from, to time.Time) ([]previewEntry, error) {
	st := leanStore()
	cfg.Detail = scheduler.DetailTitles
	e, err := previewPlan(st, cfg, tasks, from, to)
	if err != nil {
		return nil, err
	}
	var out []previewEntry
	err = previewFire(e, from, to, func(pe previewEntry) error {
		out = append(out, pe)
		return nil
	})
	return out, err
}

// previewPlan plans the tasks on st as of from, with a horizon that covers
// [from, to].
func previewPlan(st scheduler.Store, cfg scheduler.Config, tasks []scheduler.Task, from, to time.Time) (*scheduler.Engine, error) {
	if span := to.Sub(from) + 60*24*time.Hour; cfg.Horizon < span {
		cfg.Horizon = span
	}
	e := scheduler.New(cfg, st, nil)
	if _, err := e.Sync(tasks, from); err != nil {
		return nil, err
	}
	return e, nil
}

// previewFire runs the planned engine e from from until to and hands emit
// each message as it comes, all its channels together, in time order:
// nothing is held but the messages of a few moments. emit runs on a
// goroutine of its own, one entry after the other, while the engine fires
// on (printing a month at 100,000 tasks is 50 MB of text); the entries
// are made there too, from each moment's messages. The first error emit
// returns stops the preview and is returned.
func previewFire(e *scheduler.Engine, from, to time.Time, emit func(previewEntry) error) error {
	moments := make(chan []*notify.Message, 16)
	stop := make(chan struct{})
	var emitErr error
	emitted := make(chan struct{})
	go func() {
		defer close(emitted)
		for msgs := range moments {
			for _, pe := range momentEntries(msgs) {
				if emitErr != nil {
					break
				}
				if emitErr = emit(pe); emitErr != nil {
					close(stop)
				}
			}
		}
	}()
	err := previewMoments(e, from, to, func(msgs []*notify.Message) bool {
		select {
		case moments <- msgs:
			return true
		case <-stop:
			return false
		}
	})
	close(moments)
	<-emitted
	if emitErr != nil {
		return emitErr
	}
	return err
}

// previewMoments fires e from from until to and hands send the messages
// of each moment, in time order, until send returns false.
func previewMoments(e *scheduler.Engine, from, to time.Time, send func([]*notify.Message) bool) error {
	now := from
	for {
		msgs, err := e.Fire(now)
		if err != nil {
			return err
		}
		if len(msgs) > 0 && !send(msgs) {
			return nil
		}
		next, ok, err := e.NextWake(now)
		if err != nil {
			return err
		}
		if !ok || next.After(to) {
			return nil
		}
		now = next
	}
}

// momentEntries are the entries of one moment's messages: one per
// message a recipient gets, with the channels it goes by. A message goes
// once by each channel, so a channel met again for the same recipient is
// another message: a round of more than one batch of steps (50,000) gives
// a recipient a digest per batch, and each is shown with its own items.
func momentEntries(msgs []*notify.Message) []previewEntry {
	var moment []previewEntry
	index := map[string]int{} // the recipient's last entry
	for _, m := range msgs {
		key := fmt.Sprint(m.At.Unix(), m.To.ID)
		if i, ok := index[key]; ok && !slices.Contains(moment[i].Channels, m.Channel) {
			moment[i].Channels = append(moment[i].Channels, m.Channel)
			continue
		}
		index[key] = len(moment)
		pe := previewEntry{At: m.At, Recipient: m.To, Channels: []string{m.Channel}, Kind: m.Kind, Title: m.Title,
			Items: previewItems(m.Items)}
		if len(pe.Items) == 0 {
			pe.Items = nil
		}
		moment = append(moment, pe)
	}
	return moment
}

// previewStore is the store a preview plans on: a scratch copy of the
// database when one exists — its done marks, snoozes, steps already
// produced and each person's rhythm — else, or with fresh, an empty one;
// state says which, for the header.
func (m *Main) previewStore(ctx context.Context, cfg *config.Config, fresh bool) (st scheduler.Store, state string, done func(), err error) {
	none := func() {}
	if fresh {
		return leanStore(), "no state (--fresh): every task open, nothing sent yet", none, nil
	}
	path := cfg.DatabasePath()
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return leanStore(), "no state: no database yet at " + path, none, nil
	}
	db, closeDB, err := m.openForRead(ctx, cfg)
	if err != nil {
		return nil, "", nil, err
	}
	defer closeDB()
	counts, err := db.AssignmentCounts()
	if err != nil {
		return nil, "", nil, err
	}
	n := 0
	for _, k := range counts {
		n += k
	}
	restore := copyCollector(n)
	mem, c, err := memCopy(db, cfg.Directory, m.now(), copyBatch)
	if err != nil {
		restore()
		return nil, "", nil, err
	}
	state = fmt.Sprintf("the state of %s: %d assignments open (%d snoozed), %d done, and the steps already sent (--fresh ignores it)", path, c.open, c.snoozed, c.done)
	return mem, state, restore, nil
}

// heldPerAssignment is about what a preview holds once planned for each
// assignment of the database it copies: 257 MB for 526,480 at 100,000
// tasks × 5 units.
const heldPerAssignment = 500

// copyCollector sets, before a preview copies a database of n
// assignments, the collector previewCollector would set once planned,
// when that is the large preview's (no percentage, the soft limit alone),
// and returns what puts it back: the copy and the planning then collect
// only near the limit, not each time the heap doubles on its way to the
// hundreds of megabytes it will hold (four collections at 100,000 tasks,
// a second of CPU). previewCollector then finds the limit set and leaves
// it. A smaller preview is left to previewCollector, which reads what it
// really holds.
func copyCollector(n int) (restore func()) {
	held := uint64(n) * heldPerAssignment
	if uint64(previewMemoryLimit(held)) > 4*held {
		return func() {}
	}
	return previewCollector(held)
}

// smallPreview is the most tasks for which a preview lets its heap grow to
// five times what it holds between collections (previewGCPercent).
const smallPreview = 2000

// previewGCPercent is the garbage collector's percentage for a preview of
// tasks tasks. A preview is a batch that allocates its messages round
// after round: a small plan holds a few megabytes, so the runtime's default
// (a collection each time the heap doubles, from 4 MiB) collected the seed
// plan's year a dozen times, a third of its time. Up to smallPreview tasks
// (a heap of tens of megabytes) it collects at five times; above, at
// 100,000 tasks, the heap holds hundreds of megabytes and doubling is
// already the most the memory allows: false, the default stays.
func previewGCPercent(tasks int) (int, bool) {
	if tasks <= smallPreview {
		return 400, true
	}
	return 0, false
}

// previewMemoryLimit is the soft memory limit of a large preview that
// holds live bytes once planned (unless GOMEMLIMIT sets one): twice that,
// and at least 800 MiB. The rounds' digests come on top of what it holds,
// and a collection each time the heap doubles let the heap reach twice
// the most it held, whenever a collection came as a round's digests were
// all made: at 100,000 tasks from 780 MB to 930 MB of RSS from one run to
// the next. The runtime collects earlier when the heap nears the limit;
// a preview that holds more than half of it is left at the default.
func previewMemoryLimit(live uint64) int64 {
	return max(800<<20, 2*int64(live))
}

// previewCollector sets the collector of a large preview that holds live
// bytes once planned, and returns what puts it back as it was: a soft
// memory limit (previewMemoryLimit) and, when the limit is at most four
// times what it holds (at 100,000 tasks), no collection before the heap
// nears it: the collections the runtime's percentage called for as the
// heap doubled came every second, each going through all the preview
// holds. A smaller preview keeps the percentage (at 10,000 tasks the
// limit alone let its RSS grow from 136 to 480 MiB). A limit set by
// GOMEMLIMIT (or the process) is left alone, and the percentage with it.
func previewCollector(live uint64) (restore func()) {
	if debug.SetMemoryLimit(-1) != math.MaxInt64 {
		return func() {}
	}
	limit := debug.SetMemoryLimit(previewMemoryLimit(live))
	if uint64(previewMemoryLimit(live)) > 4*live {
		return func() { debug.SetMemoryLimit(limit) }
	}
	pct := debug.SetGCPercent(-1)
	return func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(limit)
	}
}

// heapLive is the heap the last collection found live.
func heapLive() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// leanStore is an empty MemStore that keeps only what the engine reads.
func leanStore() *scheduler.MemStore {
	st := scheduler.NewMemStore()
	st.Lean()
	return st
}

// stateCounts are what the preview's header says of a database's state.
type stateCounts struct{ open, snoozed, done int }

// memCopy copies the engine's state in db into a MemStore, for a preview
// to plan and fire on: every assignment with its next step, the steps
// produced, the completions not yet reported and the rhythm of every
// person and unit mailbox of dir (the engine's only recipients). A
// scratch database would do the same at the cost of a disk write and an
// fsync per moment of the preview. The MemStore is lean (MemStore.Lean).
//
// The assignments are read and decoded on a goroutine of their own, in
// batches, while this one stores them (at 100,000 tasks half a second
// each): the database is the preview's alone (or a snapshot), so two
// read transactions see the same state.
func memCopy(db *store.DB, dir *org.Directory, now time.Time, batchSize int) (*scheduler.MemStore, stateCounts, error) {
	var c stateCounts
	mem := leanStore()
	counts, err := db.AssignmentCounts()
	if err != nil {
		return nil, c, err
	}
	n := 0
	for _, k := range counts {
		n += k
	}
	mem.Reserve(n)
	batches := make(chan []scheduler.Assignment, 4)
	free := make(chan []scheduler.Assignment, 8) // batches stored, for the reader to fill again
	stop := make(chan struct{})
	read := make(chan error, 1)
	go func() {
		defer close(batches)
		read <- db.Scheduler().View(func(tx scheduler.Tx) error {
			var batch []scheduler.Assignment
			send := func() error {
				select {
				case batches <- batch:
					batch = nil
					return nil
				case <-stop:
					return errStopCopy
				}
			}
			err := tx.ForEachAssignment("", func(a scheduler.Assignment) error {
				if batch == nil {
					select {
					case batch = <-free:
					default:
						batch = make([]scheduler.Assignment, 0, batchSize)
					}
				}
				batch = append(batch, a)
				if len(batch) == batchSize {
					return send()
				}
				return nil
			})
			if err == nil && len(batch) > 0 {
				err = send()
			}
			return err
		})
	}()
	defer func() {
		close(stop)
		for range batches { // the reader stops at its next batch
		}
	}()
	steps, err := db.StepRecords()
	if err != nil {
		return nil, c, err
	}
	ids := []string{""}
	for _, p := range dir.People() {
		ids = append(ids, p.ID)
	}
	for _, u := range dir.Units() {
		ids = append(ids, "unit:"+u.ID)
	}
	pending := map[string]bool{}
	rhythms := map[string]scheduler.Rhythm{}
	var held []scheduler.StepRecord // of a round the daemon has not finished
	err = db.Scheduler().View(func(tx scheduler.Tx) error {
		unreported, err := tx.Completions(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			return err
		}
		if held, err = tx.HeldSteps(); err != nil {
			return err
		}
		for _, k := range unreported {
			pending[k] = true
		}
		for _, id := range ids {
			r, err := tx.Rhythm(id)
			if err != nil {
				return err
			}
			if r.LastDigest != (calendar.Date{}) || len(r.Shown) > 0 {
				rhythms[id] = r
			}
		}
		return nil
	})
	if err != nil {
		return nil, c, err
	}
	err = mem.Update(func(mt scheduler.Tx) error {
		for batch := range batches {
			for _, a := range batch {
				switch {
				case a.State == scheduler.StateDone:
					c.done++
				case a.State == scheduler.StateOpen:
					c.open++
					if a.SnoozedUntil.After(now) {
						c.snoozed++
					}
				}
				if err := mt.PutAssignment(a); err != nil {
					return err
				}
				if a.State == scheduler.StateDone && !pending[a.Key] {
					if err := mt.Reported(a.Key); err != nil {
						return err
					}
				}
			}
			clear(batch) // the store keeps copies: nothing of it stays alive
			select {
			case free <- batch[:0]:
			default:
			}
		}
		if err := <-read; err != nil {
			return err
		}
		for _, r := range steps {
			if err := mt.RecordStep(r); err != nil {
				return err
			}
		}
		for _, id := range ids {
			if r, ok := rhythms[id]; ok {
				if err := mt.PutRhythm(id, r); err != nil {
					return err
				}
			}
		}
		if len(held) > 0 {
			return mt.HoldSteps(held)
		}
		return nil
	})
	return mem, c, err
}

// copyBatch is the number of assignments memCopy's reader hands over at a
// time.
const copyBatch = 4096

// errStopCopy stops memCopy's reader when the copy failed.
var errStopCopy = errors.New("copy stopped")

func (m *Main) cmdPreview(ctx context.Context, args []string) error {
	fs := m.flagSet("preview")
	fromS := fs.String("from", "", "first `DATE` (YYYY-MM-DD[THH:MM]); default now")
	toS := fs.String("to", "", "last `DATE`, inclusive; default 30 days after --from")
	nowS := fs.String("now", "", "set the clock to `TIME`")
	asJSON := fs.Bool("json", false, "print JSON")
	stats := fs.Bool("stats", false, "print per recipient the days with mail, the messages and the items instead")
	fresh := fs.Bool("fresh", false, "plan from no state (every task open, nothing sent), not from the database's")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	cfg, err := m.loadConfig()
	if err != nil {
		return err
	}
	if err := m.clockFlag(*nowS, cfg, nil); err != nil {
		return err
	}
	// To the second: the same --now gives the same output, byte for byte.
	from := m.now().Truncate(time.Second)
	if *fromS != "" {
		if from, err = parseNow(*fromS, cfg.Location); err != nil {
			return err
		}
	}
	to := from.AddDate(0, 0, 30)
	if *toS != "" {
		if to, err = parseNow(*toS, cfg.Location); err != nil {
			return err
		}
		if len(*toS) == len("2006-01-02") {
			to = to.AddDate(0, 0, 1).Add(-time.Second) // the whole last day
		}
	}
	if to.Before(from) {
		return usagef("preview: --to %s is before --from %s", *toS, *fromS)
	}
	// The plans are read on the other core while the database is copied:
	// at 100,000 tasks each takes about a second, and neither needs the
	// other.
	type read struct {
		plans    []*plan.Plan
		problems []error
	}
	reading := make(chan read, 1)
	go func() {
		plans, problems := readPlans(cfg, cfg.PlanPaths())
		reading <- read{plans, problems}
	}()
	st, state, closeStore, err := m.previewStore(ctx, cfg, *fresh)
	r := <-reading
	if len(r.problems) > 0 {
		if err == nil {
			closeStore()
		}
		return errors.Join(r.problems...)
	}
	if err != nil {
		return err
	}
	defer closeStore()
	plans := r.plans
	tasks := tasksFromPlans(cfg.Scheduling.Calendar, plans)
	if pct, ok := previewGCPercent(len(tasks)); ok {
		defer debug.SetGCPercent(debug.SetGCPercent(pct)) // as it was after: tests run previews in-process
	}
	sc := schedulerConfig(cfg)
	// The messages carry what is printed: titles for JSON only.
	sc.Detail = scheduler.DetailItems
	if *asJSON && !*stats {
		sc.Detail = scheduler.DetailTitles
	}
	e, err := previewPlan(st, sc, tasks, from, to)
	if err != nil {
		return err
	}
	if _, small := previewGCPercent(len(tasks)); !small {
		defer previewCollector(heapLive())()
	}
	// Firing changes no assignment's state or due day: the weekly
	// summaries are known once planned. They are read now, and titled on
	// another core while the engine fires (52 for a year).
	weeklyDone := make(chan []previewEntry, 1)
	if to0, ok := weeklyRecipient(cfg); ok {
		ws, err := previewWeeklyState(cfg, st, to)
		if err != nil {
			return err
		}
		go func() {
			weeklyDone <- previewWeekly(cfg, to0, ws, from, to, !strings.HasPrefix(state, "the state of"))
		}()
	} else {
		weeklyDone <- nil // off, or no one to send them to: nothing to read
	}
	if *asJSON {
		fmt.Fprintf(m.stderr, "nhacviec: preview from %s\n", state) // stdout stays JSON
	} else {
		fmt.Fprintf(m.stdout, "Preview from %s.\n", state)
	}
	var out previewOutput
	switch {
	case *stats:
		out = newPreviewStats(m.stdout, cfg.Scheduling.Calendar)
	case *asJSON:
		out = &previewJSON{w: m.stdout}
	default:
		if out, err = newPreviewTable(m.stdout, cfg.Location); err != nil {
			return err
		}
	}
	defer out.close()
	// In time order, the engine's messages first at equal times, then the
	// weekly summaries, then the report drafts.
	var others [][]previewEntry // once the weekly summaries are titled
	drafts := previewDraft(cfg, from, to)
	flush := func(before time.Time, all bool) error {
		if others == nil {
			others = [][]previewEntry{<-weeklyDone, drafts}
		}
		for {
			best := -1
			for i, l := range others {
				if len(l) > 0 && (all || l[0].At.Before(before)) && (best < 0 || l[0].At.Before(others[best][0].At)) {
					best = i
				}
			}
			if best < 0 {
				return nil
			}
			if err := out.add(others[best][0]); err != nil {
				return err
			}
			others[best] = others[best][1:]
		}
	}
	err = previewFire(e, from, to, func(pe previewEntry) error {
		if err := flush(pe.At, false); err != nil {
			return err
		}
		return out.add(pe)
	})
	if err != nil {
		return err
	}
	if err := flush(time.Time{}, true); err != nil {
		return err
	}
	return out.finish(from, to)
}

// enabledChannels are the channels the config sets up; nil (all) when none
// is, as the daemon prints every message then.
func enabledChannels(cfg *config.Config) []string {
	var out []string
	if cfg.EmailEnabled() {
		out = append(out, notify.ChannelEmail)
	}
	if cfg.TelegramEnabled() {
		out = append(out, notify.ChannelTelegram)
	}
	return out
}
