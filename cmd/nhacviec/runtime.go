package main

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/scheduler"
)

// runtime is what the daemon runs on, built from one valid config and the
// tasks stored for it: the config (directory, calendar, schedules), the
// engine's config and the plans' tasks. It is never changed once built; a
// reload builds a new one and swaps it whole, and every operation (a sync,
// a fire, a weekly summary, a notice, an HTTP request) loads it once.
type runtime struct {
	cfg    *config.Config
	engine scheduler.Config
	tasks  []scheduler.Task
	// admin is who is told of refused reloads.
	admin notify.Recipient
}

// newRuntime builds the runtime of cfg, with the tasks stored in the
// database (import the plans first).
func (d *daemon) newRuntime(cfg *config.Config) (*runtime, error) {
	tasks, err := storedTasks(cfg.Scheduling.Calendar, d.db)
	if err != nil {
		return nil, err
	}
	sc := schedulerConfig(cfg)
	sc.Channels = d.chans.enabled
	return &runtime{cfg: cfg, engine: sc, tasks: tasks, admin: adminRecipient(cfg)}, nil
}

// snap is the current runtime.
func (d *daemon) snap() *runtime { return d.rt.Load() }

// liveConfig gives the HTTP doors the config of the current runtime.
type liveConfig struct{ d *daemon }

// Load returns the config of the current runtime.
func (c liveConfig) Load() *config.Config { return c.d.snap().cfg }

// restartOnly names the settings that changed between a and b and apply
// only after a restart: the channels' connections, the listeners, the
// database, the log. The delivery section follows reloads (pipelineLive).
func restartOnly(a, b *config.Config) []string {
	var out []string
	add := func(name string, x, y any) {
		if !reflect.DeepEqual(x, y) {
			out = append(out, name)
		}
	}
	add("email", a.Email, b.Email)
	add("telegram", a.Telegram, b.Telegram)
	add("http", a.HTTP, b.HTTP)
	add("web", a.Web, b.Web)
	add("database", a.DatabasePath(), b.DatabasePath())
	add("log", a.Log, b.Log)
	return out
}

// appliedChanges describes what a Sync changed, task by task: due days
// moved ("III.2.1: due 2024-12-31 → 2024-11-29"), next steps moved by a
// reminder policy ("I.2: next step reminder-5 2024-12-10 08:00 →
// reminder-2 2024-12-13 08:00"), assignments archived. Identical lines
// of several units are counted once.
func appliedChanges(changes []scheduler.Change) []string {
	counts := map[string]int{}
	var order []string
	for _, c := range changes {
		b, a := c.Before, c.After
		var line string
		switch {
		case a.State == scheduler.StateArchived && b.State != scheduler.StateArchived:
			line = fmt.Sprintf("%s: %s archived (task, occurrence or unit gone)", b.TaskID, b.Occurrence)
		case a.DueDay != b.DueDay:
			line = fmt.Sprintf("%s: due %s → %s", a.TaskID, b.DueDay, a.DueDay)
		case b.State != a.State:
			line = fmt.Sprintf("%s: %s %s → %s", a.TaskID, a.Occurrence, b.State, a.State)
		default:
			line = fmt.Sprintf("%s: next step %s → %s", a.TaskID, describeNext(b.Next), describeNext(a.Next))
		}
		if counts[line] == 0 {
			order = append(order, line)
		}
		counts[line]++
	}
	slices.Sort(order)
	out := make([]string, len(order))
	for i, line := range order {
		out[i] = line
		if n := counts[line]; n > 1 {
			out[i] += fmt.Sprintf(" (%d assignments)", n)
		}
	}
	return out
}

func describeNext(p *scheduler.Pending) string {
	if p == nil {
		return "none"
	}
	return strings.TrimSpace(p.Step + " " + p.At.Format("2006-01-02 15:04"))
}
