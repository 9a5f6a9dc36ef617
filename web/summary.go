package web

import (
	"net/http"
	"sync"

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
	return data{sel: sel, report: report.Summarize(sel.At, loc, s.facts.of(tasks).titles, cs, env.Directory)}, nil
}

// taskFacts are what the dashboard's pages take from every task: the
// plans' years (the plans to choose from) and the sections' names.
type taskFacts struct {
	years  map[string]int // plan code → year
	titles report.SectionTitles
	task   map[string]int // plan code|task id → index in the tasks
}

// factsCache keeps the taskFacts of the daemon's tasks, which change only
// with them (a new slice at a sync or a reload): finding them reads every
// task, 100,000 of them in a large province.
type factsCache struct {
	mu    sync.Mutex
	tasks []scheduler.Task // the slice they were found in
	facts taskFacts
}

func (c *factsCache) of(tasks []scheduler.Task) taskFacts {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.facts.years == nil || len(tasks) != len(c.tasks) || len(tasks) > 0 && &tasks[0] != &c.tasks[0] {
		years := map[string]int{}
		task := make(map[string]int, len(tasks))
		for i, t := range tasks {
			years[t.Plan.Code] = t.Plan.Year
			task[t.Plan.Code+"|"+t.ID] = i
		}
		c.tasks, c.facts = tasks, taskFacts{years: years, titles: report.TitlesOf(tasks), task: task}
	}
	return c.facts
}
