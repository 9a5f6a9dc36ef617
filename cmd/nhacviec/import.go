package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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
	plans, _, problems := readChangedPlans(cfg, paths, nil)
	errs, _ := bareRules(cfg, planIDs(plans))
	return plans, append(problems, errs...)
}

// planDigest identifies a plan document's bytes and the names its units
// are resolved with: the same digest is the same import.
func planDigest(data []byte, cfg *config.Config) string {
	h := sha256.New()
	h.Write(data)
	h.Write([]byte{0})
	h.Write([]byte(cfg.Directory.NamesKey()))
	return hex.EncodeToString(h.Sum(nil))
}

// readChangedPlans is readPlans that skips the documents known already
// imported as they are (known, when not nil, says so by path and digest):
// those come back as their stored records, unparsed.
func readChangedPlans(cfg *config.Config, paths []string, known func(path, digest string) (store.PlanRecord, bool, error)) ([]*plan.Plan, []store.PlanRecord, []error) {
	var plans []*plan.Plan
	var same []store.PlanRecord
	var problems []error
	codes := map[string]string{}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			problems = append(problems, fmt.Errorf("read plan: %w", err))
			continue
		}
		digest := planDigest(data, cfg)
		if known != nil {
			rec, ok, err := known(path, digest)
			if err != nil {
				problems = append(problems, err)
				continue
			}
			if ok {
				if prev, dup := codes[rec.Code]; dup {
					problems = append(problems, fmt.Errorf("%s: plan %s is already read from %s", path, rec.Code, prev))
					continue
				}
				codes[rec.Code] = path
				same = append(same, rec)
				continue
			}
		}
		p, err := plan.ParseBytes(data, path)
		if err == nil {
			p.Digest = digest
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
	return plans, same, problems
}

// bareRules checks the config's per-task rules written by bare task id
// against plans: errors for ids that several plans have, warnings for the
// others (config.BareRuleProblems).
func bareRules(cfg *config.Config, ids map[string][]string) (errs, warnings []error) {
	es, warnings := cfg.BareRuleProblems(ids)
	for _, e := range es {
		errs = append(errs, e)
	}
	return errs, warnings
}

// planIDs are the task ids of each plan read.
func planIDs(plans []*plan.Plan) map[string][]string {
	ids := map[string][]string{}
	for _, p := range plans {
		for _, t := range p.Tasks {
			ids[p.Code] = append(ids[p.Code], t.ID)
		}
	}
	return ids
}

// planTaskIDs are the task ids of the plans read and of the plans unchanged
// (from the database, and only when the config has rules by bare id that
// need them).
func planTaskIDs(cfg *config.Config, db *store.DB, plans []*plan.Plan, same []store.PlanRecord) (map[string][]string, error) {
	ids := planIDs(plans)
	if len(cfg.Scheduling.BareTaskRules) == 0 {
		return ids, nil
	}
	for _, rec := range same {
		got, err := db.TaskIDs(rec.Code)
		if err != nil {
			return nil, err
		}
		ids[rec.Code] = got
	}
	return ids, nil
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
//
// A document imported before as it is now (same bytes, same unit names in
// the config) is neither parsed nor compared again: a restart with 100,000
// tasks would spend seconds finding that nothing changed.
func (m *Main) importPlans(cfg *config.Config, db *store.DB, paths []string) (results []store.ImportResult, warnings []error, err error) {
	restore := tighterGC()
	results, warnings, err = m.readAndImport(cfg, db, paths)
	restore() // the documents and their rows are garbage now
	return results, warnings, err
}

func (m *Main) readAndImport(cfg *config.Config, db *store.DB, paths []string) (results []store.ImportResult, warnings []error, err error) {
	plans, same, problems := readChangedPlans(cfg, paths, db.Imported)
	if len(problems) > 0 {
		return nil, nil, errors.Join(problems...)
	}
	ids, err := planTaskIDs(cfg, db, plans, same)
	if err != nil {
		return nil, nil, err
	}
	errs, warnings := bareRules(cfg, ids)
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	for _, rec := range same {
		results = append(results, store.ImportResult{Plan: rec.Code, Unchanged: rec.Tasks})
	}
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
