package web

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// selection is the plan and moment a page shows, read from its query.
type selection struct {
	Plan  string   // plan code, "" for all plans
	Plans []string // the plans to choose from, newest first
	Day   string   // YYYY-MM-DD as written, "" for now
	// DayText is Day as people write it: 14/06/2024.
	DayText string
	At      time.Time
	Query   template.URL // the query that keeps the selection on other links
}

// data is what the dashboard pages read: the tasks, and the report of the
// assignments the viewer may see.
type data struct {
	sel    selection
	report report.Report
}

func (s *Server) selection(r *http.Request, env Env, tasks []scheduler.Task) selection {
	years := s.facts.of(tasks).years
	sel := selection{At: s.now()}
	for p := range years {
		sel.Plans = append(sel.Plans, p)
	}
	slices.SortFunc(sel.Plans, func(a, b string) int { return cmp.Or(cmp.Compare(years[b], years[a]), strings.Compare(a, b)) })
	q := r.URL.Query()
	sel.Plan = q.Get("ke-hoach")
	if _, ok := years[sel.Plan]; !ok && sel.Plan != "tat-ca" {
		sel.Plan = ""
		if len(sel.Plans) > 0 {
			sel.Plan = sel.Plans[0]
		}
	}
	loc := env.Calendar.Location()
	if d, err := calendar.ParseDate(q.Get("ngay")); err == nil {
		// The end of that day, as `nhacviec report --at DAY`.
		sel.Day, sel.At = d.String(), d.AddDays(1).In(loc).Add(-time.Nanosecond)
		sel.DayText = fmt.Sprintf("%02d/%02d/%d", d.Day, d.Month, d.Year)
	}
	v := make([]string, 0, 2)
	if sel.Plan != "" {
		v = append(v, "ke-hoach="+urlQueryEscape(sel.Plan))
	}
	if sel.Day != "" {
		v = append(v, "ngay="+sel.Day)
	}
	sel.Query = template.URL(strings.Join(v, "&")) // escaped above
	return sel
}

// load builds the report of what v may see for the page's selection.
// A report stays valid while the store and the config do not change and
// the day does not: buckets move at midnight, or with a write.
func (s *Server) load(r *http.Request, v *viewer, env Env) (data, error) {
	tasks, all, version, err := s.snapshot(env)
	if err != nil {
		return data{}, err
	}
	sel := s.selection(r, env, tasks)
	plan := sel.Plan
	if plan == "tat-ca" {
		plan = ""
	}
	key := reportKey{version: version, dir: env.Directory, plan: plan, day: env.Calendar.Date(sel.At), asOfDay: sel.Day != ""}
	if !v.seesAll(env) {
		key.unit = v.Unit
		if key.unit == "" {
			key.unit = "-" // sees nothing
		}
	}
	if rep, ok := s.cache.report(key); ok {
		rep.At = sel.At
		return data{sel: sel, report: rep}, nil
	}
	as := all
	if plan != "" && slices.ContainsFunc(all, func(a scheduler.Assignment) bool { return a.Plan != plan }) {
		// Copy only when other plans are stored: one plan a year is the
		// common case, and 50,000 assignments are worth not copying.
		as = make([]scheduler.Assignment, 0, len(all))
		for _, a := range all {
			if a.Plan == plan {
				as = append(as, a)
			}
		}
	}
	if !v.seesAll(env) {
		mine := as[:0:0]
		for _, a := range as {
			if v.sees(a.Unit, env) {
				mine = append(mine, a)
			}
		}
		as = mine
	}
	if plan != "" {
		kept := tasks[:0:0]
		for _, t := range tasks {
			if t.Plan.Code == plan {
				kept = append(kept, t)
			}
		}
		tasks = kept
	}
	rep := report.Build(sel.At, env.Calendar.Location(), tasks, as, env.Directory)
	s.cache.keep(key, rep)
	return data{sel: sel, report: rep}, nil
}

func (s *Server) internal(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("web page failed", "path", r.URL.Path, "err", err)
	s.fail(w, r, http.StatusInternalServerError, "Đã có lỗi khi đọc dữ liệu. Hãy thử lại sau.")
}

type overviewView struct {
	Sel    selection
	Report report.Report
	All    bool // the viewer follows every unit
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request, v *viewer, env Env) {
	d, err := s.summary(r, v, env)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "overview", "Tổng quan", overviewView{Sel: d.sel, Report: d.report, All: v.seesAll(env)})
}

// late is one overdue row with its working days late, as the messages
// count them.
type late struct {
	report.Row
	Days int
}

type overdueView struct {
	Sel   selection
	Rows  []late
	Sort  string
	Total int
}

func (s *Server) overdue(w http.ResponseWriter, r *http.Request, v *viewer, env Env) {
	d, err := s.overdueData(r, v, env)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	view := overdueView{Sel: d.sel, Sort: r.URL.Query().Get("sap-xep")}
	cal := env.Calendar
	for _, row := range d.report.Rows {
		if row.Bucket == report.Overdue {
			view.Rows = append(view.Rows, late{Row: row, Days: -cal.WorkingDaysBetween(d.sel.At, row.Due.In(cal.Location()))})
		}
	}
	unitOrder := map[string]int{}
	for i, u := range env.Directory.Units() {
		unitOrder[u.ID] = i
	}
	byDays := func(a, b late) int { return cmp.Compare(b.Days, a.Days) }
	byUnit := func(a, b late) int { return cmp.Compare(unitOrder[a.Unit], unitOrder[b.Unit]) }
	if view.Sort == "don-vi" {
		slices.SortStableFunc(view.Rows, func(a, b late) int { return cmp.Or(byUnit(a, b), byDays(a, b)) })
	} else {
		view.Sort = "ngay"
		slices.SortStableFunc(view.Rows, func(a, b late) int { return cmp.Or(byDays(a, b), byUnit(a, b)) })
	}
	view.Total = len(view.Rows)
	s.render(w, r, http.StatusOK, "overdue", "Nhiệm vụ quá hạn", view)
}

// unitView lists one unit's assignments by urgency.
type unitView struct {
	Sel                     selection
	Unit                    string
	Name                    string
	Overdue, DueSoon, Later []late
	Done                    int
	Mine                    bool
}

// dueSoonDays is how many working days ahead count as due soon.
const dueSoonDays = 10

func (s *Server) unitView(d data, env Env, unit string) unitView {
	cal := env.Calendar
	view := unitView{Sel: d.sel, Unit: unit, Name: unit}
	if u, ok := env.Directory.Unit(unit); ok {
		view.Name = u.Name
	}
	for _, row := range d.report.Rows {
		if row.Unit != unit {
			continue
		}
		days := cal.WorkingDaysBetween(d.sel.At, row.Due.In(cal.Location()))
		switch row.Bucket {
		case report.Overdue:
			view.Overdue = append(view.Overdue, late{row, -days})
		case report.OpenInTime:
			if days <= dueSoonDays {
				view.DueSoon = append(view.DueSoon, late{row, days})
			} else {
				view.Later = append(view.Later, late{row, days})
			}
		default:
			view.Done++
		}
	}
	slices.SortStableFunc(view.Overdue, func(a, b late) int { return cmp.Compare(b.Days, a.Days) })
	slices.SortStableFunc(view.DueSoon, func(a, b late) int { return cmp.Compare(a.Days, b.Days) })
	slices.SortStableFunc(view.Later, func(a, b late) int { return cmp.Compare(a.Days, b.Days) })
	return view
}

func (s *Server) unitPage(w http.ResponseWriter, r *http.Request, v *viewer, env Env) {
	unit := r.PathValue("unit")
	if _, ok := env.Directory.Unit(unit); !ok {
		s.fail(w, r, http.StatusNotFound, "Không có đơn vị này.")
		return
	}
	if !v.sees(unit, env) {
		s.fail(w, r, http.StatusForbidden, "Bạn không có quyền xem nhiệm vụ của đơn vị này.")
		return
	}
	view, err := s.unitViewOf(r, v, env, unit)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "unit", view.Name, view)
}

func (s *Server) mine(w http.ResponseWriter, r *http.Request, v *viewer, env Env) {
	if v.Unit == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	view, err := s.unitViewOf(r, v, env, v.Unit)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	view.Mine = true
	s.render(w, r, http.StatusOK, "unit", "Việc của tôi", view)
}

func (s *Server) download(format string) func(http.ResponseWriter, *http.Request, *viewer, Env) {
	return func(w http.ResponseWriter, r *http.Request, v *viewer, env Env) {
		d, err := s.load(r, v, env)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		name := "bao-cao-" + d.sel.At.In(env.Calendar.Location()).Format("2006-01-02")
		switch format {
		case "csv":
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
			err = d.report.WriteCSV(w)
		default:
			w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
			err = d.report.WriteXLSX(w)
		}
		if err != nil {
			s.log.Error("write a web report download", "format", format, "err", err)
		}
	}
}

type auditView struct {
	Entries []store.AuditEntry
	Names   map[string]string
	People  []org.Person
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, v *viewer, env Env) {
	if !v.Admin() {
		s.fail(w, r, http.StatusForbidden, "Chỉ quản trị viên được xem nhật ký thay đổi.")
		return
	}
	es, err := s.cfg.Store.Audit(store.AuditFilter{})
	if err != nil {
		s.internal(w, r, err)
		return
	}
	slices.Reverse(es)
	if len(es) > 500 {
		es = es[:500]
	}
	s.render(w, r, http.StatusOK, "audit", "Nhật ký thay đổi", auditView{Entries: es, Names: names(env), People: env.Directory.People()})
}

// revokeSessions ends every session of a person (a lost phone, someone
// who left): admins only.
func (s *Server) revokeSessions(w http.ResponseWriter, r *http.Request, v *viewer, env Env) {
	if err := s.readForm(w, r); err != nil {
		s.fail(w, r, http.StatusForbidden, err.Error())
		return
	}
	if !v.Admin() {
		s.fail(w, r, http.StatusForbidden, "Chỉ quản trị viên được thu hồi phiên đăng nhập.")
		return
	}
	who := r.PostFormValue("nguoi")
	p, ok := env.Directory.Person(who)
	if !ok {
		s.fail(w, r, http.StatusBadRequest, "Không có người này trong danh sách.")
		return
	}
	n, err := s.cfg.Store.RevokeSessions(who, s.now())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.log.Info("web sessions revoked", "who", who, "by", v.Who, "count", n)
	s.render(w, r, http.StatusOK, "result", "Thu hồi phiên đăng nhập",
		resultView{outcome: outcome{OK: true, Text: fmt.Sprintf("Đã thu hồi %d phiên đăng nhập của %s.", n, p.Name)}, Back: "/nhat-ky"})
}
