package web

import (
	"net/http"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/scheduler"
)

// overdueData is the report the overdue page lists from. Of now, it holds
// only the assignments that may be overdue, read from the store's index of
// open assignments by due day (those due today at the latest) and its
// index of done ones by done time (a done mark dated after now); Build
// then puts each in its bucket as it would in the report of every
// assignment, and the page keeps the overdue ones. Of a past day, it is
// load's report of every assignment.
func (s *Server) overdueData(r *http.Request, v *viewer, env Env) (data, error) {
	tasks := env.Tasks
	sel := s.selection(r, env, tasks)
	if sel.Day != "" {
		return s.load(r, v, env)
	}
	plan := sel.Plan
	if plan == "tat-ca" {
		plan = ""
	}
	all := v.seesAll(env)
	keep := func(a scheduler.Assignment) bool {
		return (plan == "" || a.Plan == plan) && (all || v.sees(a.Unit, env))
	}
	loc := env.Calendar.Location()
	today := calendar.DateOf(sel.At.In(loc))
	var as []scheduler.Assignment
	err := s.cfg.Store.Scheduler().View(func(tx scheduler.Tx) error {
		err := tx.ForEachOpen(today, func(a scheduler.Assignment) error {
			if keep(a) {
				as = append(as, a)
			}
			return nil
		})
		if err != nil {
			return err
		}
		return tx.ForEachDoneSince(sel.At.Add(time.Nanosecond), func(a scheduler.Assignment) error {
			if a.DoneAt.After(sel.At) && keep(a) {
				as = append(as, a)
			}
			return nil
		})
	})
	if err != nil {
		return data{}, err
	}
	return data{sel: sel, report: report.Build(sel.At, loc, s.tasksOf(tasks, as), as, env.Directory)}, nil
}
