package web

import (
	"net/http"

	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/scheduler"
)

// summary is the report the overview shows: its summaries only. Of now,
// it is made from the counts the store keeps by plan, section, unit and
// due day (a few hundred numbers, whatever the number of assignments);
// of a past day (?ngay=), or from a store that keeps no counts, it is
// load's report of every assignment.
func (s *Server) summary(r *http.Request, v *viewer, env Env) (data, error) {
	tasks := env.Tasks
	sel := s.selection(r, env, tasks)
	if sel.Day != "" {
		return s.load(r, v, env)
	}
	loc := env.Calendar.Location()
	counts, ok, err := s.cfg.Store.DashCounts(sel.At, loc)
	if err != nil {
		return data{}, err
	}
	if !ok {
		return s.load(r, v, env)
	}
	plan := sel.Plan
	if plan == "tat-ca" {
		plan = ""
	}
	all := v.seesAll(env)
	cs := make([]report.Count, 0, len(counts))
	for _, c := range counts {
		if plan != "" && c.Plan != plan || !all && !v.sees(c.Unit, env) {
			continue
		}
		cs = append(cs, report.Count{Plan: c.Plan, Section: c.Section, Unit: c.Unit, Counts: map[report.Bucket]int{
			report.DoneOnTime: c.DoneOnTime, report.DoneLate: c.DoneLate, report.OpenInTime: c.InTime, report.Overdue: c.Overdue,
		}})
	}
	if plan != "" {
		kept := make([]scheduler.Task, 0, len(tasks))
		for _, t := range tasks {
			if t.Plan.Code == plan {
				kept = append(kept, t)
			}
		}
		tasks = kept
	}
	return data{sel: sel, report: report.Summarize(sel.At, loc, tasks, cs, env.Directory)}, nil
}
