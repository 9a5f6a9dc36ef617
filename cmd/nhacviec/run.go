package main

import (
	"context"
)

// cmdRun runs the daemon until ctx is cancelled (SIGINT, SIGTERM).
func (m *Main) cmdRun(ctx context.Context, args []string) error {
	fs := m.flagSet("run")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	cfg, err := m.loadConfig()
	if err != nil {
		return err
	}
	log := m.logger(cfg)
	db, err := m.openStore(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	results, err := m.importPlans(cfg, db, cfg.PlanPaths())
	if err != nil {
		return err
	}
	for _, r := range results {
		log.Info("plan imported", "plan", r.Plan, "added", len(r.Added), "updated", len(r.Updated),
			"unchanged", r.Unchanged, "archived", len(r.Archived))
	}
	log.Info("nhacviec running", "config", cfg.Path, "database", db.Path())
	<-ctx.Done()
	log.Info("nhacviec stopped")
	return nil
}
