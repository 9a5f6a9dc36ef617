package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/internal/keyarena"
	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// taskView is one task as `nhacviec tasks --json` prints it. Scripts depend
// on it: add fields, never rename or remove them (README, "JSON output").
type taskView struct {
	Plan       string        `json:"plan"`
	ID         string        `json:"id"`
	Section    string        `json:"section"`
	Headings   []string      `json:"headings"`
	Text       string        `json:"text"`
	Timeline   plan.Timeline `json:"timeline"`
	Lead       []string      `json:"lead"`
	LeadIDs    []string      `json:"lead_ids"`
	Coord      []string      `json:"coord"`
	CoordIDs   []string      `json:"coord_ids"`
	Output     string        `json:"output"`
	Lines      []int         `json:"lines"`
	Status     string        `json:"status"` // "active" or "archived"
	Created    time.Time     `json:"created"`
	Updated    time.Time     `json:"updated"`
	ArchivedAt *time.Time    `json:"archived_at,omitempty"`
	// Assignments are the task's occurrences per lead unit and their state.
	Assignments []assignmentView `json:"assignments"`
}

// assignmentView is one assignment of a task in `tasks --json`.
type assignmentView struct {
	Key        string     `json:"key"`
	Occurrence string     `json:"occurrence"`
	Unit       string     `json:"unit"`
	Due        string     `json:"due"` // YYYY-MM-DD
	State      string     `json:"state"`
	DoneAt     *time.Time `json:"done_at,omitempty"`
	DoneBy     string     `json:"done_by,omitempty"`      // person id, or telegram:<user id>
	DoneByName string     `json:"done_by_name,omitempty"` // as the config or the invite names them
	DoneVia    string     `json:"done_via,omitempty"`     // telegram, cli
	Note       string     `json:"note,omitempty"`
	Evidence   int        `json:"evidence,omitempty"` // documents attached
}

func newTaskView(r store.TaskRecord) taskView {
	v := taskView{
		Plan: r.Plan, ID: r.ID, Section: r.Section, Headings: nonNil(r.Headings), Text: r.Text,
		Timeline: r.Timeline, Lead: nonNil(r.Lead), LeadIDs: nonNil(r.LeadIDs), Coord: nonNil(r.Coord),
		CoordIDs: nonNil(r.CoordIDs), Output: r.Output, Lines: r.Lines, Status: "active",
		Created: r.Created, Updated: r.Updated,
	}
	if r.Archived {
		v.Status = "archived"
		at := r.ArchivedAt
		v.ArchivedAt = &at
	}
	return v
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (m *Main) cmdTasks(ctx context.Context, args []string) error {
	fs := m.flagSet("tasks")
	asJSON := fs.Bool("json", false, "print JSON")
	planCode := fs.String("plan", "", "only the plan with this `CODE`")
	all := fs.Bool("all", false, "include archived tasks")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	cfg, err := m.loadConfig()
	if err != nil {
		return err
	}
	db, closeDB, err := m.openForRead(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	out := bufio.NewWriterSize(m.stdout, 64<<10)
	var emit func(taskView) error
	var finish func(n int) error
	if *asJSON {
		arr := &jsonArray{w: out}
		emit, finish = arr.add, func(int) error { return arr.close() }
	} else {
		// The table aligns its columns: the tabwriter holds its text (a
		// line per task) until the end.
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		emit = func(v taskView) error {
			_, err := fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.Plan, v.ID, orDash(v.Timeline.Text), v.Timeline.Kind,
				strings.Join(v.LeadIDs, ","), orDash(strings.Join(v.CoordIDs, ",")), v.Status, doneSummary(v.Assignments), orDash(truncate(v.Output, 60)))
			return err
		}
		fmt.Fprintln(tw, "PLAN\tID\tTIMELINE\tKIND\tLEAD\tCOORD\tSTATUS\tDONE\tOUTPUT")
		finish = func(n int) error {
			if n == 0 {
				fmt.Fprintf(out, "No tasks stored. Run 'nhacviec --config %s import' first.\n", m.configPath)
				return nil
			}
			return tw.Flush()
		}
	}
	n, err := m.streamTasks(cfg, db, *planCode, *all, emit)
	if err != nil {
		return err
	}
	if err := finish(n); err != nil {
		return err
	}
	return out.Flush()
}

// streamTasks calls emit with each task to list, in plan and document
// order, and returns how many. It holds the keys of the assignments, not
// the assignments: a first pass over them in one read transaction keeps
// each task's keys, then each task is read with its assignments and
// emitted before the next is read. The task records come from a second
// read transaction inside the first; both only read.
func (m *Main) streamTasks(cfg *config.Config, db *store.DB, planCode string, all bool, emit func(taskView) error) (int, error) {
	names := map[string]string{} // who marked done → name
	n := 0
	err := db.Scheduler().View(func(view scheduler.Tx) error {
		tx := newReleasingTx(view, db)
		var keys taskKeys
		err := tx.ForEachAssignment(planCode, func(a scheduler.Assignment) error {
			if a.State != scheduler.StateArchived {
				keys.add(store.TaskKey(a.Plan, a.TaskID), a.Key)
			}
			return nil
		})
		if err != nil {
			return err
		}
		return db.ForEachTask(planCode, func(r store.TaskRecord) error {
			if r.Archived && !all {
				return nil
			}
			v := newTaskView(r)
			v.Assignments = []assignmentView{}
			for _, k := range keys.of(r.Key()) {
				a, ok, err := tx.Assignment(k)
				if err != nil {
					return err
				}
				if !ok {
					return fmt.Errorf("assignment %s vanished in a read transaction", k)
				}
				av := assignmentView{Key: a.Key, Occurrence: a.Occurrence, Unit: a.Unit, Due: a.DueDay.String(), State: string(a.State),
					DoneBy: a.DoneBy, DoneVia: a.DoneVia, Note: a.Note, Evidence: len(a.Evidence)}
				if !a.DoneAt.IsZero() {
					at := a.DoneAt
					av.DoneAt = &at
					name, ok := names[a.DoneBy]
					if !ok {
						name = personName(cfg, db, a.DoneBy)
						names[a.DoneBy] = name
					}
					av.DoneByName = name
				}
				v.Assignments = append(v.Assignments, av)
			}
			n++
			return emit(v)
		})
	})
	return n, err
}

// taskKeys keeps the assignment keys of each task: a key costs the bytes
// after its task's key and a few more (keyarena), not a string and a
// decoded assignment. Read in key order, a task's keys come together: a
// task keeps the first and their number; keys that come apart from the
// others of their task (none, from the store) are kept aside.
type taskKeys struct {
	arena    keyarena.Arena
	byTask   map[string]keySpan
	apart    map[string][]keyarena.Ref
	last     string // the task of the last key added
	lastSide bool   // and whether that key went aside
}

type keySpan struct {
	first keyarena.Ref
	n     uint32
}

func (k *taskKeys) add(task, key string) {
	if k.byTask == nil {
		k.byTask, k.apart = map[string]keySpan{}, map[string][]keyarena.Ref{}
	}
	ref := k.arena.Add(task, key)
	span, seen := k.byTask[task]
	switch {
	case !seen:
		k.byTask[task] = keySpan{first: ref, n: 1}
		k.lastSide = false
	case task == k.last && !k.lastSide:
		span.n++
		k.byTask[task] = span
	default:
		k.apart[task] = append(k.apart[task], ref)
		k.lastSide = true
	}
	k.last = task
}

// of returns the keys of a task's assignments, in the order added.
func (k *taskKeys) of(task string) []string {
	span := k.byTask[task]
	out := make([]string, 0, int(span.n)+len(k.apart[task]))
	for i, r := uint32(0), span.first; i < span.n; i, r = i+1, k.arena.Next(r) {
		out = append(out, k.arena.Get(task, r))
	}
	for _, r := range k.apart[task] {
		out = append(out, k.arena.Get(task, r))
	}
	return out
}

// jsonArray writes a JSON array one element at a time, byte for byte as a
// json.Encoder with SetIndent("", "  ") writes the whole slice.
type jsonArray struct {
	w   io.Writer
	n   int
	buf bytes.Buffer
	enc *json.Encoder
}

func (j *jsonArray) add(v taskView) error {
	if j.enc == nil {
		j.enc = json.NewEncoder(&j.buf)
		j.enc.SetIndent("  ", "  ")
	}
	j.buf.Reset()
	if err := j.enc.Encode(v); err != nil {
		return err
	}
	sep := ",\n  "
	if j.n == 0 {
		sep = "[\n  "
	}
	j.n++
	if _, err := io.WriteString(j.w, sep); err != nil {
		return err
	}
	_, err := j.w.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
	return err
}

func (j *jsonArray) close() error {
	end := "\n]\n"
	if j.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(j.w, end)
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// truncate shortens s to n runes, marking the cut.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// doneSummary is "2/5" (assignments done of those planned so far), with who
// and when when there is one assignment.
func doneSummary(as []assignmentView) string {
	if len(as) == 0 {
		return "-"
	}
	done := 0
	var last assignmentView
	for _, a := range as {
		if a.State == "done" {
			done++
			last = a
		}
	}
	if len(as) == 1 && done == 1 {
		return fmt.Sprintf("done %s by %s", last.DoneAt.Format("2006-01-02"), orDash(last.DoneByName))
	}
	return fmt.Sprintf("%d/%d", done, len(as))
}

// personName names who marked a task: a configured person, a person bound
// by invite ("telegram:<id>"), or "admin".
func personName(cfg *config.Config, db *store.DB, who string) string {
	if p, ok := cfg.Directory.Person(who); ok {
		return p.Name
	}
	if id, ok := strings.CutPrefix(who, "telegram:"); ok {
		var uid int64
		if _, err := fmt.Sscan(id, &uid); err == nil {
			if b, ok, _ := db.Binding(uid); ok {
				return b.Name
			}
		}
	}
	return who
}
