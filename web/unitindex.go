package web

import (
	"net/http"
	"time"

	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// unitViewOf is a unit's page. Of now, its lists come from the unit's
// open assignments (the store's index of open ones, decoding only the
// unit's) and its done marks dated after now, put in buckets by
// report.Build as in the report of every assignment, and its number done
// from the store's counts; of a past day, or from a store without counts,
// from load's report of every assignment.
func (s *Server) unitViewOf(r *http.Request, v *viewer, env Env, unit string) (unitView, error) {
	tasks := env.Tasks
	sel := s.selection(r, env, tasks)
	loc := env.Calendar.Location()
	var counts []store.DashCount
	ok := false
	if sel.Day == "" {
		var err error
		if counts, ok, err = s.cfg.Store.DashCounts(sel.At, loc); err != nil {
			return unitView{}, err
		}
	}
	if !ok {
		d, err := s.load(r, v, env)
		if err != nil {
			return unitView{}, err
		}
		return s.unitView(d, env, unit), nil
	}
	plan := sel.Plan
	if plan == "tat-ca" {
		plan = ""
	}
	if !v.sees(unit, env) { // the handlers answer 403 before
		return s.unitView(data{sel: sel}, env, unit), nil
	}
	done := 0
	for _, c := range counts {
		if c.Unit == unit && (plan == "" || c.Plan == plan) {
			done += c.DoneOnTime + c.DoneLate
		}
	}
	keep := func(a scheduler.Assignment) bool { return a.Unit == unit && (plan == "" || a.Plan == plan) }
	var as []scheduler.Assignment
	err := s.cfg.Store.ForEachOpenOf(unit, func(a scheduler.Assignment) error {
		if keep(a) {
			as = append(as, a)
		}
		return nil
	})
	if err != nil {
		return unitView{}, err
	}
	err = s.cfg.Store.Scheduler().View(func(tx scheduler.Tx) error {
		return tx.ForEachDoneSince(sel.At.Add(time.Nanosecond), func(a scheduler.Assignment) error {
			if a.DoneAt.After(sel.At) && keep(a) {
				as = append(as, a)
			}
			return nil
		})
	})
	if err != nil {
		return unitView{}, err
	}
	d := data{sel: sel, report: report.Build(sel.At, loc, s.tasksOf(tasks, as), as, env.Directory)}
	view := s.unitView(d, env, unit)
	view.Done = done
	return view, nil
}

// tasksOf returns the tasks of the assignments as, each once.
func (s *Server) tasksOf(tasks []scheduler.Task, as []scheduler.Assignment) []scheduler.Task {
	facts := s.facts.of(tasks)
	var out []scheduler.Task
	seen := map[int]bool{}
	for _, a := range as {
		if i, ok := facts.task[a.Plan+"|"+a.TaskID]; ok && !seen[i] {
			seen[i] = true
			out = append(out, tasks[i])
		}
	}
	return out
}
