package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/action"
	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// benchDoor is a Server on a bbolt file holding p, its tasks' assignments
// (one per lead unit, a third of them done), and a signed-in session of
// the office's head: what a request of the office costs, store reads
// included.
type benchDoor struct {
	srv    *Server
	db     *store.DB
	key    string // an assignment the writes change
	h      http.Handler
	host   string
	cookie *http.Cookie
}

func newBenchDoor(b *testing.B, p *plan.Plan, dir *org.Directory, office string, cal *calendar.Calendar) benchDoor {
	b.Helper()
	db, err := store.Open(filepath.Join(b.TempDir(), "bench.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return newBenchDoorOn(b, db, db, p, dir, office, cal)
}

// newBenchDoorOn is newBenchDoor on db, the Server reading it through st.
func newBenchDoorOn(b *testing.B, db *store.DB, st Store, p *plan.Plan, dir *org.Directory, office string, cal *calendar.Calendar) benchDoor {
	b.Helper()
	if _, err := db.ImportPlan(p); err != nil {
		b.Fatal(err)
	}
	at := time.Date(p.Year, 6, 14, 9, 0, 0, 0, cal.Location())
	var as []scheduler.Assignment
	n := 0
	for _, t := range p.Tasks {
		for _, u := range dir.ExpandAll(refs(t.LeadIDs, dir)) {
			n++
			occ := t.ID + "@" + fmt.Sprint(p.Year)
			a := scheduler.Assignment{Key: scheduler.AssignmentKey(p.Code, occ, u), Plan: p.Code, TaskID: t.ID, Occurrence: occ,
				Unit: u, DueDay: calendar.Date{Year: p.Year, Month: time.Month(n%12 + 1), Day: 10}, State: scheduler.StateOpen}
			if n%3 == 0 {
				a.State, a.DoneAt, a.DoneBy, a.DoneVia = scheduler.StateDone, at.AddDate(0, -n%5, 0), "x", "web"
			}
			as = append(as, a)
		}
	}
	// In chunks, through the engine's buffered transactions (writes in
	// key order): 500,000 assignments in one unbuffered transaction take
	// minutes.
	for len(as) > 0 {
		chunk := as[:min(len(as), 50000)]
		as = as[len(chunk):]
		err := db.Scheduler().Update(func(tx scheduler.Tx) error {
			for _, a := range chunk {
				if err := tx.CreateAssignment(a); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	recs, err := db.Tasks("")
	if err != nil {
		b.Fatal(err)
	}
	tasks := make([]scheduler.Task, 0, len(recs))
	for _, r := range recs {
		tasks = append(tasks, scheduler.Task{Plan: scheduler.PlanInfo{Code: r.Plan, Year: p.Year}, Task: r.Task})
	}
	base := "http://nhacviec.example"
	s, err := New(Config{BaseURL: base, Store: st, Now: func() time.Time { return at },
		// The daemon keeps the tasks in memory.
		Env: func() Env { return Env{Directory: dir, Office: office, Calendar: cal, Tasks: tasks, Planner: noNext{}} },
	})
	if err != nil {
		b.Fatal(err)
	}
	head := ""
	if u, ok := dir.Unit(office); ok {
		head = u.Head
	}
	tok, err := db.CreateSignInToken(head, time.Hour, at)
	if err != nil {
		b.Fatal(err)
	}
	id, _, err := db.SignIn(tok, time.Hour, at)
	if err != nil {
		b.Fatal(err)
	}
	var key string
	err = db.Scheduler().View(func(tx scheduler.Tx) error {
		i := 0
		return tx.ForEachAssignment("", func(a scheduler.Assignment) error {
			if i == n/2 {
				key = a.Key
			}
			i++
			return nil
		})
	})
	if err != nil {
		b.Fatal(err)
	}
	return benchDoor{srv: s, db: db, key: key, h: s.Handler(), host: "nhacviec.example", cookie: &http.Cookie{Name: sessionCookie, Value: id}}
}

func refs(ids []string, dir *org.Directory) []org.Ref {
	var out []org.Ref
	for _, id := range ids {
		_, group := dir.Group(id)
		out = append(out, org.Ref{ID: id, Group: group})
	}
	return out
}

// write adds a note to one assignment, as a person answering does.
func (d benchDoor) write(b *testing.B) {
	err := d.db.ApplyChange(func(tx scheduler.Tx, _ func(store.AuditEntry) error) error {
		a, _, err := tx.Assignment(d.key)
		if err != nil {
			return err
		}
		a.Notes = append(a.Notes[:0], scheduler.Note{Text: "tiến độ", By: "x", At: time.Now()})
		return tx.PutAssignment(a)
	})
	if err != nil {
		b.Fatal(err)
	}
}

func (d benchDoor) overview(b *testing.B) {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Host = d.host
	req.AddCookie(d.cookie)
	rec := httptest.NewRecorder()
	d.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("overview: %d %s", rec.Code, rec.Body.String())
	}
}

// BenchmarkOverviewSeedPlan: the overview of the example plan (60/KH-SCT,
// the example config's units), for the office. Budget: 20 ms.
func BenchmarkOverviewSeedPlan(b *testing.B) {
	cfg, err := config.Load("../examples/nhacviec.yaml")
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open("../examples/ke-hoach-60-KH-SCT-2024-phu-luc-I.txt")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	p, err := plan.Parse(f, "seed")
	if err != nil {
		b.Fatal(err)
	}
	if err := cfg.Directory.ResolvePlan(p); err != nil {
		b.Fatal(err)
	}
	d := newBenchDoor(b, p, cfg.Directory, cfg.Office, cfg.Scheduling.Calendar)
	b.Run("warm", func(b *testing.B) {
		d.overview(b) // fill the cache
		cpu := cpuTime()
		for b.Loop() {
			d.overview(b)
		}
		reportCPU(b, cpu)
	})
	b.Run("after-a-write", func(b *testing.B) {
		var cpu time.Duration
		for b.Loop() {
			b.StopTimer()
			d.write(b)
			b.StartTimer()
			start := cpuTime()
			d.overview(b)
			cpu += cpuTime() - start
		}
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	})
}

// BenchmarkOverview10kTasks5Units: 10,000 tasks each led by 5 units
// (50,000 assignments). Budget: 200 ms.
func BenchmarkOverview10kTasks5Units(b *testing.B) { benchOverviewScale(b, 10000) }

// BenchmarkOverview100kTasks5Units: 100,000 tasks each led by 5 units
// (500,000 assignments), the overview of now made from the store's counts
// and, for comparison, built from every assignment as before issue #12
// (the store's counts hidden: the same code path as a past day's).
func BenchmarkOverview100kTasks5Units(b *testing.B) { benchOverviewScale(b, 100000) }

// benchOverviewScale is the office's overview of n generated tasks each
// led by 5 units.
func benchOverviewScale(b *testing.B, n int) {
	var units []org.Unit
	var ids []string
	for i := range 5 {
		id := fmt.Sprintf("u%d", i)
		units = append(units, org.Unit{ID: id, Name: fmt.Sprintf("Phòng số %d", i+1), Head: "head-" + id})
		ids = append(ids, id)
	}
	var people []org.Person
	for _, u := range units {
		people = append(people, org.Person{ID: u.Head, Name: "Trưởng " + u.Name, Unit: u.ID, Role: org.RoleHead})
	}
	dir, err := org.New(units, []org.Group{{ID: "all", Name: "Các phòng", Members: ids}}, people)
	if err != nil {
		b.Fatal(err)
	}
	cal, err := calendar.New(calendar.Config{Location: vietnam})
	if err != nil {
		b.Fatal(err)
	}
	p := &plan.Plan{Code: "99/KH-SCT", Year: 2024}
	numerals := []string{"I", "II", "III", "IV", "V", "VI", "VII"}
	for i := range n {
		s := numerals[i%7]
		p.Tasks = append(p.Tasks, plan.Task{ID: fmt.Sprintf("%s.%d.%d", s, i%50+1, i), Section: s, Headings: []string{"MỤC " + s},
			Text: fmt.Sprintf("Nhiệm vụ số %d của kế hoạch", i), LeadIDs: []string{"all"}, Lines: []int{i + 1}})
	}
	db, err := store.Open(filepath.Join(b.TempDir(), "bench.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	st := &hidingStore{DB: db}
	d := newBenchDoorOn(b, db, st, p, dir, "u0", cal)
	for _, path := range []struct {
		name string
		hide bool
	}{{"counts", false}, {"every-assignment", true}} {
		st.hide.Store(path.hide)
		b.Run(path.name+"/warm", func(b *testing.B) {
			d.overview(b) // fill the cache
			cpu := cpuTime()
			for b.Loop() {
				d.overview(b)
			}
			reportCPU(b, cpu)
		})
		// The first view after a write (here: a note on one assignment,
		// fsynced, not included in the figure) reads the store again.
		b.Run(path.name+"/after-a-write", func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				d.write(b)
				b.StartTimer()
				start := cpuTime()
				d.overview(b)
				cpu += cpuTime() - start
			}
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}

// hidingStore is the store with its dashboard counts hidden on demand:
// the overview is then built from every assignment, as before the store
// kept counts.
type hidingStore struct {
	*store.DB
	hide atomic.Bool
}

func (s *hidingStore) DashCounts(at time.Time, loc *time.Location) ([]store.DashCount, bool, error) {
	if s.hide.Load() {
		return nil, false, nil
	}
	return s.DB.DashCounts(at, loc)
}

// cpuTime is the CPU time this process used (user and system, every
// thread): on a machine shared with other builds, the work a page costs
// regardless of how long it waited for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, since time.Duration) {
	b.ReportMetric(float64((cpuTime()-since).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// BenchmarkDoneDurable: a done mark through the web's write path (the
// rules, the audit entry, one bbolt transaction fsynced), then its undo,
// on the example-sized fixture: the wait before a confirmation page.
func BenchmarkDoneDurable(b *testing.B) {
	f := &fixture{now: time.Date(2024, 6, 17, 9, 0, 0, 0, vietnam), dir: b.TempDir()}
	db, err := store.Open(filepath.Join(f.dir, "web.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	f.db = db
	db.ApplyChange(func(tx scheduler.Tx, _ func(store.AuditEntry) error) error {
		return tx.PutAssignment(scheduler.Assignment{Key: kTC, Plan: planCode, TaskID: "I.2", Occurrence: "I.2@2024", Unit: "tc",
			DueDay: date(2024, 6, 14), State: scheduler.StateOpen})
	})
	cal, _ := calendar.New(calendar.Config{Location: vietnam})
	dir := testDirectory(b)
	s, err := New(Config{BaseURL: "http://x.example", Store: db, Now: f.clock,
		Env: func() Env {
			return Env{Directory: dir, Office: "vp", Calendar: cal, Tasks: testTasks(), Planner: noNext{}}
		}})
	if err != nil {
		b.Fatal(err)
	}
	binh := action.Actor{Who: "binh", Unit: "tc", Role: org.RoleStaff, Known: true}
	env := s.cfg.Env()
	for b.Loop() {
		for _, do := range []string{"done", "undo"} {
			o, err := s.perform(binh, kTC, request{Do: do}, env)
			if err != nil || !o.OK {
				b.Fatalf("%s: %+v %v", do, o, err)
			}
		}
	}
}
