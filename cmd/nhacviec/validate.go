package main

import (
	"context"
	"fmt"

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
	m.summary(cfg, plans)
	if len(problems) > 0 {
		fmt.Fprintf(m.stdout, "%d problem(s) found.\n", len(problems))
		return errReported
	}
	fmt.Fprintln(m.stdout, "OK: config and plans are valid.")
	return nil
}

// summary prints what the config and plans amount to.
func (m *Main) summary(cfg *config.Config, plans []*plan.Plan) {
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
	}
}
