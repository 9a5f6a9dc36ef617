package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/report"
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
	Items     []previewItem    `json:"items"`
}

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
	return previewOn(scheduler.NewMemStore(), cfg, tasks, from, to)
}

// previewOn runs the engine over [from, to] on st: a scratch store, maybe
// holding a copy of the database's state.
func previewOn(st scheduler.Store, cfg scheduler.Config, tasks []scheduler.Task, from, to time.Time) ([]previewEntry, error) {
	if span := to.Sub(from) + 60*24*time.Hour; cfg.Horizon < span {
		cfg.Horizon = span
	}
	e := scheduler.New(cfg, st, nil)
	if _, err := e.Sync(tasks, from); err != nil {
		return nil, err
	}
	var out []previewEntry
	index := map[string]int{}
	now := from
	for {
		msgs, err := e.Fire(now)
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			key := fmt.Sprint(m.At.Unix(), m.To.ID)
			if i, ok := index[key]; ok {
				out[i].Channels = append(out[i].Channels, m.Channel)
				continue
			}
			index[key] = len(out)
			pe := previewEntry{At: m.At, Recipient: m.To, Channels: []string{m.Channel}, Kind: m.Kind, Title: m.Title}
			for _, it := range m.Items {
				pe.Items = append(pe.Items, previewItem{Kind: it.Kind, TaskID: it.TaskID, Occurrence: it.Occurrence, Unit: it.Unit, Due: it.Due, Copy: it.Copy})
			}
			out = append(out, pe)
		}
		next, ok, err := e.NextWake(now)
		if err != nil {
			return nil, err
		}
		if !ok || next.After(to) {
			return out, nil
		}
		now = next
	}
}

// previewStore is the store a preview plans on: a scratch copy of the
// database when one exists — its done marks, snoozes, steps already
// produced and each person's rhythm — else, or with fresh, an empty one;
// state says which, for the header.
func (m *Main) previewStore(ctx context.Context, cfg *config.Config, fresh bool) (st scheduler.Store, state string, done func(), err error) {
	none := func() {}
	if fresh {
		return scheduler.NewMemStore(), "no state (--fresh): every task open, nothing sent yet", none, nil
	}
	path := cfg.DatabasePath()
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return scheduler.NewMemStore(), "no state: no database yet at " + path, none, nil
	}
	db, closeDB, err := m.openForRead(ctx, cfg)
	if err != nil {
		return nil, "", nil, err
	}
	defer closeDB()
	as, err := db.Assignments("")
	if err != nil {
		return nil, "", nil, err
	}
	var open, doneN, snoozed int
	now := m.now()
	for _, a := range as {
		switch {
		case a.State == scheduler.StateDone:
			doneN++
		case a.State == scheduler.StateOpen:
			open++
			if a.SnoozedUntil.After(now) {
				snoozed++
			}
		}
	}
	dir, err := os.MkdirTemp("", "nhacviec-preview-")
	if err != nil {
		return nil, "", nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	scratch := filepath.Join(dir, "preview.db")
	if err := db.Backup(scratch); err != nil {
		cleanup()
		return nil, "", nil, err
	}
	cp, err := store.Open(scratch, store.Options{Now: m.now})
	if err != nil {
		cleanup()
		return nil, "", nil, err
	}
	state = fmt.Sprintf("the state of %s: %d assignments open (%d snoozed), %d done, and the steps already sent (--fresh ignores it)", path, open, snoozed, doneN)
	return cp.Scheduler(), state, func() { cp.Close(); cleanup() }, nil
}

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
	plans, problems := readPlans(cfg, cfg.PlanPaths())
	if len(problems) > 0 {
		return errors.Join(problems...)
	}
	st, state, closeStore, err := m.previewStore(ctx, cfg, *fresh)
	if err != nil {
		return err
	}
	defer closeStore()
	tasks := tasksFromPlans(cfg.Scheduling.Calendar, plans)
	entries, err := previewOn(st, schedulerConfig(cfg), tasks, from, to)
	if err != nil {
		return err
	}
	weekly, err := previewWeekly(cfg, st, tasks, from, to, !strings.HasPrefix(state, "the state of"))
	if err != nil {
		return err
	}
	entries = mergeByTime(entries, weekly)
	entries = mergeByTime(entries, previewDraft(cfg, from, to))
	if *asJSON {
		fmt.Fprintf(m.stderr, "nhacviec: preview from %s\n", state) // stdout stays JSON
	} else {
		fmt.Fprintf(m.stdout, "Preview from %s.\n", state)
	}
	if *stats {
		return previewStats(m.stdout, cfg.Scheduling.Calendar, entries, from, to)
	}
	if *asJSON {
		enc := json.NewEncoder(m.stdout)
		enc.SetIndent("", "  ")
		if entries == nil {
			entries = []previewEntry{}
		}
		return enc.Encode(entries)
	}
	tw := tabwriter.NewWriter(m.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tRECIPIENT\tCHANNELS\tKIND\tTASKS")
	for _, e := range entries {
		var tasks []string
		for _, it := range e.Items {
			s := it.Occurrence + " " + string(it.Kind)
			if it.Copy {
				s += " (copy)"
			}
			tasks = append(tasks, s)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.At.In(cfg.Location).Format("2006-01-02 15:04"), e.Recipient.ID,
			orDash(strings.Join(e.Channels, ",")), e.Kind, strings.Join(tasks, "; "))
	}
	fmt.Fprintf(tw, "%d messages from %s to %s.\n", len(entries), from.In(cfg.Location).Format("2006-01-02 15:04"), to.In(cfg.Location).Format("2006-01-02 15:04"))
	return tw.Flush()
}

// previewWeekly lists the weekly summaries to the office's head that run
// sends in [from, to]: at each weekly moment (moved to a working moment),
// titled from the assignments' state then. Done marks do not change during
// a preview, so the state at the end of it tells every moment's buckets.
// With catchUp (a daemon starting without state), the last week's summary
// missed within the week before from goes at from's working moment, as run
// sends it on its first start.
func previewWeekly(cfg *config.Config, st scheduler.Store, tasks []scheduler.Task, from, to time.Time, catchUp bool) ([]previewEntry, error) {
	w := cfg.Scheduling.Weekly
	u, ok := cfg.Directory.Unit(cfg.Office)
	if w == nil || !ok {
		return nil, nil
	}
	head, ok := cfg.Directory.Person(u.Head)
	if !ok {
		return nil, nil
	}
	var as []scheduler.Assignment
	err := st.View(func(tx scheduler.Tx) error {
		return tx.ForEachAssignment("", func(a scheduler.Assignment) error {
			as = append(as, a)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	to0 := notify.Recipient{ID: head.ID, Name: head.Name, Email: head.Email, TelegramID: head.Telegram}
	cal := cfg.Scheduling.Calendar
	var out []previewEntry
	add := func(at, moment time.Time) {
		r := report.Build(at, cfg.Location, tasks, as, cfg.Directory, report.WithCalendar(cal))
		title, _ := r.Weekly(moment.AddDate(0, 0, -7))
		out = append(out, previewEntry{At: at, Recipient: to0, Kind: notify.KindInfo,
			Channels: scheduler.Channels(cfg.Directory, to0, enabledChannels(cfg), cfg.Delivery.AllChannels),
			Title:    "[Nhắc việc CCHC] " + title + " — " + notify.FormatDate(moment)})
	}
	seen := map[time.Time]bool{}
	if catchUp {
		// As weeklyDue at the daemon's first working moment: the latest
		// weekly moment by then, if it came before from.
		start := cal.NextWorkingMoment(from)
		var last time.Time
		for t := w.Next(from.AddDate(0, 0, -8)); !t.IsZero(); t = w.Next(t) {
			at := cal.NextWorkingMoment(t)
			if at.After(start) {
				break
			}
			last = at
		}
		if !last.IsZero() && last.Before(from) && start.Sub(last) <= 7*24*time.Hour && !start.After(to) {
			add(start, last)
		}
	}
	for t := w.Next(from.Add(-time.Nanosecond)); !t.IsZero() && !t.After(to); t = w.Next(t) {
		at := cal.NextWorkingMoment(t)
		if at.After(to) || seen[at] {
			continue
		}
		seen[at] = true
		add(at, at)
	}
	slices.SortStableFunc(out, func(a, b previewEntry) int { return a.At.Compare(b.At) })
	return out, nil
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

// mergeByTime merges two lists ordered by time, a's first at equal times.
func mergeByTime(a, b []previewEntry) []previewEntry {
	out := make([]previewEntry, 0, len(a)+len(b))
	for len(a) > 0 || len(b) > 0 {
		if len(b) == 0 || len(a) > 0 && !a[0].At.After(b[0].At) {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}
