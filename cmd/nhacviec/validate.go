package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/plan"
)

// planProblems are the problems of plans that parsed: timeline phrases the
// importer kept verbatim without understanding them.
func planProblems(plans []*plan.Plan) []error {
	var out []error
	for _, p := range plans {
		for _, t := range p.Tasks {
			if t.Timeline.Kind == plan.KindUnknown {
				out = append(out, &plan.Error{File: p.Source, Line: t.Line(), Msg: fmt.Sprintf(
					"task %s: timeline %q is not understood (kept verbatim): give the task a schedule in the config", t.ID, t.Timeline.Text)})
			}
		}
	}
	return out
}

func (m *Main) cmdValidate(_ context.Context, args []string) error {
	fs := m.flagSet("validate")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	cfg, err := m.loadConfig()
	if err != nil {
		fmt.Fprintln(m.stdout, err)
		return errReported
	}
	plans, problems := readPlans(cfg, cfg.PlanPaths())
	problems = append(problems, planProblems(plans)...)
	for _, p := range problems {
		fmt.Fprintln(m.stdout, p)
	}
	if _, warnings := bareRules(cfg, planIDs(plans)); len(warnings) > 0 {
		for _, w := range warnings {
			fmt.Fprintln(m.stdout, "warning:", w)
		}
	}
	m.summary(cfg, plans)
	if len(problems) == 0 {
		if err := m.expectedDigests(cfg, plans); err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		fmt.Fprintf(m.stdout, "%d problem(s) found.\n", len(problems))
		return errReported
	}
	fmt.Fprintln(m.stdout, "OK: config and plans are valid.")
	return nil
}

// summary prints what the config and plans amount to: tasks per timeline
// kind and per schedule, the tasks left unscheduled, and who cannot be
// reached.
func (m *Main) summary(cfg *config.Config, plans []*plan.Plan) {
	defer m.reach(cfg)
	fmt.Fprintf(m.stdout, "Config %s: %d units, %d groups, %d people.\n",
		cfg.Path, len(cfg.Units), len(cfg.Groups), len(cfg.People))
	for _, p := range plans {
		kinds := map[plan.Kind]int{}
		for _, t := range p.Tasks {
			kinds[t.Timeline.Kind]++
		}
		fmt.Fprintf(m.stdout, "Plan %s (%s): %d tasks;", p.Code, p.Source, len(p.Tasks))
		for _, k := range plan.Kinds {
			if kinds[k] > 0 {
				fmt.Fprintf(m.stdout, " %s %d", k, kinds[k])
			}
		}
		fmt.Fprintln(m.stdout)
		schedules := map[string]int{}
		var unscheduled []string
		for _, t := range p.Tasks {
			r := cfg.Scheduling.Schedules.For(p.Code, t)
			kind := strings.Fields(r.Describe())[0]
			schedules[kind]++
			if r.Unscheduled {
				unscheduled = append(unscheduled, fmt.Sprintf("%s (%q, %s)", t.ID, t.Timeline.Text, r.Source))
			}
		}
		fmt.Fprintf(m.stdout, "  schedules:")
		for _, k := range slices.Sorted(maps.Keys(schedules)) {
			fmt.Fprintf(m.stdout, " %s %d", k, schedules[k])
		}
		fmt.Fprintln(m.stdout)
		if len(unscheduled) > 0 {
			fmt.Fprintf(m.stdout, "  unscheduled until dates are set: %s\n", strings.Join(unscheduled, "; "))
		}
	}
}

// reach lists units no one can be reminded for and people without a channel.
func (m *Main) reach(cfg *config.Config) {
	var lost, mute []string
	for _, u := range cfg.Directory.Units() {
		if u.External {
			continue
		}
		head, ok := cfg.Directory.Person(u.Head)
		if u.Email == "" && u.Telegram == 0 && (!ok || head.Email == "" && head.Telegram == 0) {
			lost = append(lost, u.ID)
		}
	}
	for _, p := range cfg.Directory.People() {
		if p.Email == "" && p.Telegram == 0 {
			mute = append(mute, p.ID)
		}
	}
	if len(lost) > 0 {
		fmt.Fprintf(m.stdout, "Units without a contact (their reminders go to the office): %s\n", strings.Join(lost, ", "))
	}
	if len(mute) > 0 {
		fmt.Fprintf(m.stdout, "People without a channel (no e-mail, no Telegram): %s\n", strings.Join(mute, ", "))
	}
}
