package web

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// countingStore is the real store that can hide its dashboard counts (as
// a database that keeps none) and counts the reads of every assignment.
type countingStore struct {
	*store.DB
	hide  atomic.Bool
	reads atomic.Int32
	ver   atomic.Int32
	asked atomic.Int32 // calls of DashCounts
}

// Version, while the counts are hidden, changes at every call: the pages
// built from every assignment are built again, not taken from the cache
// (which keeps a report of now until midnight, while a done mark dated
// later in the day — only a test's clock makes one — moves at its time).
func (s *countingStore) Version() (int, error) {
	if s.hide.Load() {
		return -int(s.ver.Add(1)), nil
	}
	return s.DB.Version()
}

func (s *countingStore) DashCounts(at time.Time, loc *time.Location) ([]store.DashCount, bool, error) {
	s.asked.Add(1)
	if s.hide.Load() {
		return nil, false, nil
	}
	return s.DB.DashCounts(at, loc)
}

func (s *countingStore) CachedAssignments(c *store.AssignmentCache) ([]scheduler.Assignment, error) {
	s.reads.Add(1)
	return s.DB.CachedAssignments(c)
}

// TestOverviewFromCounts: the overview of now, made from the counts the
// store keeps without reading any assignment, is the page built from
// every assignment, byte for byte — for the office, a leader and a unit's
// staff, one plan or all (assignments of a plan without tasks and of
// unknown tasks included), at moments across midnights, with done marks
// around their deadlines and one made after the moment shown.
func TestOverviewFromCounts(t *testing.T) {
	f := newFixture(t)
	cs := &countingStore{DB: f.db}
	f.store = cs
	f.srv = f.server(f.base)
	f.ts.Config.Handler = f.srv.Handler()
	seedDashboard(t, f)
	viewers := map[string]*browser{
		"office": f.signIn("chanh@sct.example"), "leader": f.signIn("pgd@sct.example"), "staff": f.signIn("binh@sct.example"),
	}
	for _, step := range []time.Duration{0, 14 * time.Hour, 24 * time.Hour, 5 * 24 * time.Hour} {
		f.advance(step)
		for who, b := range viewers {
			for _, path := range []string{"/", "/?ke-hoach=tat-ca", "/?ke-hoach=" + planCode} {
				cs.hide.Store(false)
				before := cs.reads.Load()
				got := b.get(path)
				if n := cs.reads.Load() - before; n != 0 {
					t.Errorf("%s %s: the overview of now read every assignment %d times", who, path, n)
				}
				cs.hide.Store(true)
				want := b.get(path)
				if got.status != 200 || got.body != want.body {
					t.Fatalf("%s %s at %v: from counts (%d):\n%s\nfrom every assignment (%d):\n%s", who, path, f.clock(), got.status, got.body, want.status, want.body)
				}
			}
		}
	}
	// The check above compares something: the pages differ by viewer and
	// show the counts of the other plan under "tat-ca".
	all := viewers["office"].get("/?ke-hoach=tat-ca").body
	contains(t, "the overview of every plan", all, "7/KH-UBND I", "ngoai")
}

// seedDashboard adds 400 assignments in random states to the fixture's
// database: due around the fixture's day, done around their deadlines,
// of a plan without tasks, of unknown tasks and units, one done after the
// fixture's moment and two overdue ones done after every moment the tests
// show.
func seedDashboard(t *testing.T, f *fixture) {
	t.Helper()
	r := rand.New(rand.NewPCG(3, 4))
	units := []string{"vp", "tc", "kt", "ngoai"}
	tasks := []string{"I.1", "I.2", "II.1", "II.9", "III.4"}
	err := f.db.ApplyChange(func(tx scheduler.Tx, _ func(store.AuditEntry) error) error {
		for i := range 400 {
			p := planCode
			if i%5 == 0 {
				p = "7/KH-UBND" // no tasks in the config
			}
			id := tasks[r.IntN(len(tasks))]
			occ := fmt.Sprintf("%s@%d", id, i)
			u := units[r.IntN(len(units))]
			a := scheduler.Assignment{Key: scheduler.AssignmentKey(p, occ, u), Plan: p, TaskID: id, Occurrence: occ, Unit: u,
				DueDay: date(2024, 6, 10+r.IntN(15)), State: scheduler.StateOpen}
			switch r.IntN(4) {
			case 0:
				a.State, a.DoneBy, a.DoneVia = scheduler.StateDone, "binh", "web"
				a.DoneAt = a.DueDay.AddDays(1).In(vietnam).Add(time.Duration(r.IntN(9*4)-6*4) * 15 * time.Minute)
			case 1:
				a.State = scheduler.StateArchived
			}
			switch i {
			case 7: // done after the first moment shown
				a.State, a.DoneAt, a.DueDay = scheduler.StateDone, f.now.Add(30*time.Hour), date(2024, 6, 17)
			case 11, 12: // overdue, done after every moment shown
				a.State, a.DoneAt, a.DueDay = scheduler.StateDone, f.now.AddDate(0, 1, 0), date(2024, 6, 12)
			}
			if err := tx.PutAssignment(a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOverdueFromIndex: the overdue page of now reads the open
// assignments due today at the latest and the done marks dated after now
// from the store's indices, not every assignment, and lists the same rows
// as the report of every assignment — for the office, a leader and a
// unit's staff, one plan or all, at moments across midnights.
func TestOverdueFromIndex(t *testing.T) {
	f := newFixture(t)
	cs := &countingStore{DB: f.db}
	f.store = cs
	f.srv = f.server(f.base)
	f.ts.Config.Handler = f.srv.Handler()
	seedDashboard(t, f)
	office := f.signIn("chanh@sct.example")
	overdueRows := func(d data) []report.Row {
		var out []report.Row
		for _, r := range d.report.Rows {
			if r.Bucket == report.Overdue {
				out = append(out, r)
			}
		}
		return out
	}
	total := 0
	for _, step := range []time.Duration{0, 14 * time.Hour, 24 * time.Hour, 5 * 24 * time.Hour} {
		f.advance(step)
		env := f.srv.cfg.Env()
		for _, who := range []string{"chanh", "lead", "binh"} {
			actor, ok := f.srv.resolve(who, env)
			if !ok {
				t.Fatalf("no %s", who)
			}
			v := &viewer{Actor: actor}
			for _, query := range []string{"", "?ke-hoach=tat-ca", "?ke-hoach=" + planCode} {
				req := httptest.NewRequest(http.MethodGet, "/qua-han"+query, nil)
				before := cs.reads.Load()
				got, err := f.srv.overdueData(req, v, env)
				if err != nil {
					t.Fatal(err)
				}
				if n := cs.reads.Load() - before; n != 0 {
					t.Errorf("%s %s: the overdue page of now read every assignment %d times", who, query, n)
				}
				cs.hide.Store(true) // a new version: no cached report
				want, err := f.srv.load(req, v, env)
				cs.hide.Store(false)
				if err != nil {
					t.Fatal(err)
				}
				if g, w := overdueRows(got), overdueRows(want); !reflect.DeepEqual(g, w) {
					t.Fatalf("%s %s at %v: %d rows from the index, %d from every assignment:\n got %+v\nwant %+v", who, query, f.clock(), len(g), len(w), g, w)
				}
				total += len(overdueRows(want))
			}
		}
		before := cs.reads.Load()
		if p := office.get("/qua-han?ke-hoach=tat-ca"); p.status != http.StatusOK || !strings.Contains(p.body, "Quá hạn") {
			t.Fatalf("overdue page: %d %s", p.status, p.body)
		}
		if n := cs.reads.Load() - before; n != 0 {
			t.Errorf("the overdue page read every assignment %d times", n)
		}
	}
	if total == 0 {
		t.Fatal("no overdue row compared")
	}
}

// TestUnitPageFromIndex: a unit's page of now ("Việc của tôi" too) reads
// the unit's open assignments from the store's index and its number done
// from the counts, not every assignment, and shows what the report of
// every assignment gives — overdue, due soon, later, in the same order,
// and the number done — for each unit, viewers who see it, one plan or
// all, at moments across midnights.
func TestUnitPageFromIndex(t *testing.T) {
	f := newFixture(t)
	cs := &countingStore{DB: f.db}
	f.store = cs
	f.srv = f.server(f.base)
	f.ts.Config.Handler = f.srv.Handler()
	seedDashboard(t, f)
	staff := f.signIn("binh@sct.example")
	listed := 0
	for _, step := range []time.Duration{0, 14 * time.Hour, 24 * time.Hour, 5 * 24 * time.Hour} {
		f.advance(step)
		env := f.srv.cfg.Env()
		for _, who := range []string{"chanh", "lead", "binh"} {
			actor, _ := f.srv.resolve(who, env)
			v := &viewer{Actor: actor}
			for _, unit := range []string{"vp", "tc", "kt"} {
				if !v.sees(unit, env) {
					continue
				}
				for _, query := range []string{"", "?ke-hoach=tat-ca", "?ke-hoach=" + planCode} {
					req := httptest.NewRequest(http.MethodGet, "/don-vi/"+unit+query, nil)
					before := cs.reads.Load()
					got, err := f.srv.unitViewOf(req, v, env, unit)
					if err != nil {
						t.Fatal(err)
					}
					if n := cs.reads.Load() - before; n != 0 {
						t.Errorf("%s %s%s: the unit's page of now read every assignment %d times", who, unit, query, n)
					}
					cs.hide.Store(true) // no counts, a new version: the report of every assignment
					want, err := f.srv.unitViewOf(req, v, env, unit)
					cs.hide.Store(false)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s %s%s at %v:\n got %+v\nwant %+v", who, unit, query, f.clock(), got, want)
					}
					listed += len(want.Overdue) + len(want.DueSoon) + len(want.Later) + want.Done
				}
			}
		}
		before := cs.reads.Load()
		if p := staff.get("/cua-toi"); p.status != http.StatusOK || !strings.Contains(p.body, "Việc của tôi") {
			t.Fatalf("Việc của tôi: %d %s", p.status, p.body)
		}
		if n := cs.reads.Load() - before; n != 0 {
			t.Errorf("Việc của tôi read every assignment %d times", n)
		}
	}
	if listed == 0 {
		t.Fatal("nothing compared")
	}
}
