package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/store"
)

// readPlans parses the plan files and resolves their unit names against the
// config. It returns the plans that read cleanly and every problem found.
func readPlans(cfg *config.Config, paths []string) ([]*plan.Plan, []error) {
	var plans []*plan.Plan
	var problems []error
	codes := map[string]string{}
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			problems = append(problems, fmt.Errorf("read plan: %w", err))
			continue
		}
		p, err := plan.Parse(f, path)
		f.Close()
		if err == nil {
			err = cfg.Directory.ResolvePlan(p)
		}
		if err != nil {
			problems = append(problems, flatten(err)...)
			continue
		}
		if prev, ok := codes[p.Code]; ok {
			problems = append(problems, fmt.Errorf("%s: plan %s is already read from %s", path, p.Code, prev))
			continue
		}
		codes[p.Code] = path
		plans = append(plans, p)
	}
	errs, _ := bareRules(cfg, plans)
	return plans, append(problems, errs...)
}

// bareRules checks the config's per-task rules written by bare task id
// against plans: errors for ids that several plans have, warnings for the
// others (config.BareRuleProblems).
func bareRules(cfg *config.Config, plans []*plan.Plan) (errs, warnings []error) {
	ids := map[string][]string{}
	for _, p := range plans {
		for _, t := range p.Tasks {
			ids[p.Code] = append(ids[p.Code], t.ID)
		}
	}
	es, warnings := cfg.BareRuleProblems(ids)
	for _, e := range es {
		errs = append(errs, e)
	}
	return errs, warnings
}

// flatten splits a list of errors into its members.
func flatten(err error) []error {
	if multi, ok := err.(interface{ Unwrap() []error }); ok {
		return multi.Unwrap()
	}
	return []error{err}
}

// importPlans reads the plans and stores them; nothing is stored unless every
// plan reads cleanly. warnings are the config's per-task rules by bare id
// that the plans make worth a word (bareRules).
func (m *Main) importPlans(cfg *config.Config, db *store.DB, paths []string) (results []store.ImportResult, warnings []error, err error) {
	plans, problems := readPlans(cfg, paths)
	if len(problems) > 0 {
		return nil, nil, errors.Join(problems...)
	}
	_, warnings = bareRules(cfg, plans)
	for _, p := range plans {
		res, err := db.ImportPlan(p)
		if err != nil {
			return results, warnings, err
		}
		results = append(results, res)
	}
	return results, warnings, nil
}

func (m *Main) cmdImport(_ context.Context, args []string) error {
	fs := m.flagSet("import")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	cfg, err := m.loadConfig()
	if err != nil {
		return err
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = cfg.PlanPaths()
	}
	if len(paths) == 0 {
		return usagef("import: no plan given and none in %s", cfg.Path)
	}
	db, err := m.openStore(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	results, warnings, err := m.importPlans(cfg, db, paths)
	for _, w := range warnings {
		fmt.Fprintln(m.stderr, "warning:", w)
	}
	for _, r := range results {
		fmt.Fprintln(m.stdout, r)
		for _, id := range r.Archived {
			fmt.Fprintf(m.stdout, "  archived %s (no longer in the document)\n", id)
		}
	}
	return err
}
