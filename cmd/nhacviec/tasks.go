package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/plan"
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
	recs, err := db.Tasks(*planCode)
	if err != nil {
		return err
	}
	assignments, err := db.Assignments("")
	if err != nil {
		return err
	}
	byTask := map[string][]assignmentView{}
	for _, a := range assignments {
		if a.State == "archived" {
			continue
		}
		av := assignmentView{Key: a.Key, Occurrence: a.Occurrence, Unit: a.Unit, Due: a.DueDay.String(), State: string(a.State),
			DoneBy: a.DoneBy, DoneVia: a.DoneVia, Note: a.Note, Evidence: len(a.Evidence)}
		if !a.DoneAt.IsZero() {
			at := a.DoneAt
			av.DoneAt = &at
			av.DoneByName = personName(cfg, db, a.DoneBy)
		}
		k := store.TaskKey(a.Plan, a.TaskID)
		byTask[k] = append(byTask[k], av)
	}
	views := make([]taskView, 0, len(recs))
	for _, r := range recs {
		if r.Archived && !*all {
			continue
		}
		v := newTaskView(r)
		v.Assignments = byTask[r.Key()]
		if v.Assignments == nil {
			v.Assignments = []assignmentView{}
		}
		views = append(views, v)
	}
	if *asJSON {
		enc := json.NewEncoder(m.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(views)
	}
	if len(views) == 0 {
		fmt.Fprintf(m.stdout, "No tasks stored. Run 'nhacviec --config %s import' first.\n", m.configPath)
		return nil
	}
	tw := tabwriter.NewWriter(m.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PLAN\tID\tTIMELINE\tKIND\tLEAD\tCOORD\tSTATUS\tDONE\tOUTPUT")
	for _, v := range views {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.Plan, v.ID, orDash(v.Timeline.Text), v.Timeline.Kind,
			strings.Join(v.LeadIDs, ","), orDash(strings.Join(v.CoordIDs, ",")), v.Status, doneSummary(v.Assignments), orDash(truncate(v.Output, 60)))
	}
	return tw.Flush()
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
