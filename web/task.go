package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/sct-langson/nhacviec/action"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

type assignmentView struct {
	scheduler.Assignment
	UnitName string
	Period   string
	CanAct   bool
	Open     bool
	Done     bool
	Evidence []evidenceView
}

type evidenceView struct {
	scheduler.Evidence
	Index int
	Saved bool // a copy is kept: it can be downloaded
}

type taskView struct {
	Task        scheduler.Task
	LeadNames   []string
	CoordNames  []string
	Assignments []assignmentView
	History     []store.AuditEntry
	Names       map[string]string
}

func names(env Env) map[string]string {
	m := map[string]string{}
	for _, p := range env.Directory.People() {
		m[p.ID] = p.Name
	}
	for _, u := range env.Directory.Units() {
		m["unit:"+u.ID] = u.Name
	}
	return m
}

func (s *Server) unitName(env Env, id string) string {
	if u, ok := env.Directory.Unit(id); ok {
		return u.Name
	}
	if g, ok := env.Directory.Group(id); ok {
		return g.Name
	}
	return id
}

func viewOf(a scheduler.Assignment, v *viewer, s *Server, env Env) assignmentView {
	av := assignmentView{Assignment: a, UnitName: s.unitName(env, a.Unit), Period: scheduler.OccurrenceName(a.Occurrence),
		CanAct: v != nil && v.May(a), Open: a.State == scheduler.StateOpen, Done: a.State == scheduler.StateDone}
	for i, ev := range a.Evidence {
		av.Evidence = append(av.Evidence, evidenceView{Evidence: ev, Index: i, Saved: ev.Path != ""})
	}
	return av
}

func (s *Server) taskPage(w http.ResponseWriter, r *http.Request, v *viewer, env Env) {
	plan, id := r.URL.Query().Get("ke-hoach"), r.URL.Query().Get("ma")
	tasks := env.Tasks
	i := slices.IndexFunc(tasks, func(t scheduler.Task) bool { return t.Plan.Code == plan && t.ID == id })
	if i < 0 {
		s.fail(w, r, http.StatusNotFound, "Không có nhiệm vụ này trong kế hoạch.")
		return
	}
	as, err := s.cfg.Store.Assignments(plan)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	view := taskView{Task: tasks[i], Names: names(env)}
	for _, u := range tasks[i].LeadIDs {
		view.LeadNames = append(view.LeadNames, s.unitName(env, u))
	}
	for _, u := range tasks[i].CoordIDs {
		view.CoordNames = append(view.CoordNames, s.unitName(env, u))
	}
	for _, a := range as {
		if a.TaskID != id || a.State == scheduler.StateArchived || !v.sees(a.Unit, env) {
			continue
		}
		view.Assignments = append(view.Assignments, viewOf(a, v, s, env))
		es, err := s.cfg.Store.Audit(store.AuditFilter{Assignment: a.Key})
		if err != nil {
			s.internal(w, r, err)
			return
		}
		view.History = append(view.History, es...)
	}
	if len(view.Assignments) == 0 && !v.seesAll(env) {
		s.fail(w, r, http.StatusForbidden, "Nhiệm vụ này không thuộc đơn vị của bạn.")
		return
	}
	slices.SortStableFunc(view.History, func(a, b store.AuditEntry) int { return a.At.Compare(b.At) })
	s.render(w, r, http.StatusOK, "task", "Nhiệm vụ "+id, view)
}

// assignment reads one assignment.
func (s *Server) assignment(key string) (scheduler.Assignment, bool, error) {
	var a scheduler.Assignment
	var ok bool
	err := s.cfg.Store.Scheduler().View(func(tx scheduler.Tx) (err error) {
		a, ok, err = tx.Assignment(key)
		return err
	})
	return a, ok, err
}

// evidenceFile downloads an evidence file with the name it was given.
func (s *Server) evidenceFile(w http.ResponseWriter, r *http.Request, v *viewer, env Env) {
	key := r.URL.Query().Get("nv")
	i, err := strconv.Atoi(r.URL.Query().Get("i"))
	a, ok, rerr := s.assignment(key)
	switch {
	case rerr != nil:
		s.internal(w, r, rerr)
		return
	case !ok || err != nil || i < 0 || i >= len(a.Evidence) || a.Evidence[i].Path == "":
		s.fail(w, r, http.StatusNotFound, "Không có tài liệu này.")
		return
	case !v.sees(a.Unit, env):
		s.fail(w, r, http.StatusForbidden, "Bạn không có quyền xem tài liệu của đơn vị này.")
		return
	}
	ev := a.Evidence[i]
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", contentDisposition(ev.Name))
	http.ServeFile(w, r, ev.Path)
}

var _ = action.Done
