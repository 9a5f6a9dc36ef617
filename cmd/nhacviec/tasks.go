package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

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
	views := make([]taskView, 0, len(recs))
	for _, r := range recs {
		if r.Archived && !*all {
			continue
		}
		views = append(views, newTaskView(r))
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
	fmt.Fprintln(tw, "PLAN\tID\tTIMELINE\tKIND\tLEAD\tCOORD\tSTATUS\tOUTPUT")
	for _, v := range views {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.Plan, v.ID, orDash(v.Timeline.Text), v.Timeline.Kind,
			strings.Join(v.LeadIDs, ","), orDash(strings.Join(v.CoordIDs, ",")), v.Status, orDash(truncate(v.Output, 60)))
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
