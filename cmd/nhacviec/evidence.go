package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// cmdEvidence writes the evidence bundle of a year's plans (or one plan).
func (m *Main) cmdEvidence(ctx context.Context, args []string) error {
	fs := m.flagSet("evidence")
	year := fs.Int("year", 0, "the plans of `YEAR`")
	planCode := fs.String("plan", "", "only the plan `CODE` (60/KH-SCT)")
	out := fs.String("o", "", "write the zip to `FILE` (required)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if *out == "" || (*year == 0 && *planCode == "") {
		return usagef("evidence: -o FILE and --year YEAR or --plan CODE are required")
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
	all, err := storedTasks(cfg.Scheduling.Calendar, db)
	if err != nil {
		return err
	}
	var tasks []scheduler.Task
	plans := map[string]bool{}
	for _, t := range all {
		if (*year == 0 || t.Plan.Year == *year) && (*planCode == "" || t.Plan.Code == *planCode) {
			tasks = append(tasks, t)
			plans[t.Plan.Code] = true
		}
	}
	if len(tasks) == 0 {
		return fmt.Errorf("evidence: no imported plan matches --year %d --plan %q", *year, *planCode)
	}
	var assignments []scheduler.Assignment
	for code := range plans {
		as, err := db.Assignments(code)
		if err != nil {
			return err
		}
		assignments = append(assignments, as...)
	}
	pr, pw := io.Pipe()
	done := make(chan report.BundleSummary, 1)
	go func() {
		sum, err := report.WriteEvidenceBundle(pw, tasks, assignments, cfg.Directory, cfg.Location,
			func(path string) (io.ReadCloser, error) { return os.Open(path) })
		pw.CloseWithError(err)
		done <- sum
	}()
	if err := store.WriteFileAtomic(*out, pr); err != nil {
		pr.CloseWithError(err)
		<-done
		return fmt.Errorf("evidence: %w", err)
	}
	sum := <-done
	fmt.Fprintf(m.stdout, "Evidence bundle written to %s: %s of %s", *out, plural(sum.Files, "document"), plural(sum.Tasks, "task"))
	if sum.Missing > 0 {
		fmt.Fprintf(m.stdout, "; %d listed in %s but not in the bundle (kept in Telegram only, or missing on disk)", sum.Missing, report.BundleIndex)
	}
	fmt.Fprintln(m.stdout, ".")
	return nil
}

// plural is "1 task", "2 tasks".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
