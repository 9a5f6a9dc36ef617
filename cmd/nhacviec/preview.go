package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/scheduler"
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
	if span := to.Sub(from) + 60*24*time.Hour; cfg.Horizon < span {
		cfg.Horizon = span
	}
	e := scheduler.New(cfg, scheduler.NewMemStore(), nil)
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

func (m *Main) cmdPreview(_ context.Context, args []string) error {
	fs := m.flagSet("preview")
	fromS := fs.String("from", "", "first `DATE` (YYYY-MM-DD[THH:MM]); default now")
	toS := fs.String("to", "", "last `DATE`, inclusive; default 30 days after --from")
	nowS := fs.String("now", "", "set the clock to `TIME`")
	asJSON := fs.Bool("json", false, "print JSON")
	stats := fs.Bool("stats", false, "print per recipient the days with mail, the messages and the items instead")
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
	entries, err := preview(schedulerConfig(cfg), tasksFromPlans(cfg.Scheduling.Calendar, plans), from, to)
	if err != nil {
		return err
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
