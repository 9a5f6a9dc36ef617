package web

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/sct-langson/nhacviec/action"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// snapshotCache keeps the tasks and assignments decoded from the store,
// and the reports built from them, until the store or the config changes:
// decoding and sorting 50,000 assignments costs far more than showing
// the result.
type snapshotCache struct {
	mu      sync.Mutex
	version int
	dir     *org.Directory
	tasks   []scheduler.Task
	as      []scheduler.Assignment
	reports map[reportKey]report.Report
	decoded store.AssignmentCache // what the last read decoded
}

// reportKey is what a report depends on besides the store's version.
type reportKey struct {
	version int
	dir     *org.Directory
	plan    string
	unit    string // "" for every unit
	day     calendar.Date
	asOfDay bool // as of the end of day, not now
}

// maxReports bounds the reports kept (plans × days × units viewed).
const maxReports = 64

// snapshot returns the tasks, every assignment and the store's version;
// callers must not change the slices.
func (s *Server) snapshot(env Env) ([]scheduler.Task, []scheduler.Assignment, int, error) {
	v, err := s.cfg.Store.Version()
	if err != nil {
		return nil, nil, 0, err
	}
	c := &s.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tasks != nil && c.version == v && c.dir == env.Directory {
		return c.tasks, c.as, v, nil
	}
	tasks := env.Tasks
	as, err := s.cfg.Store.CachedAssignments(&c.decoded)
	if err != nil {
		return nil, nil, 0, err
	}
	if tasks == nil {
		tasks = []scheduler.Task{}
	}
	c.version, c.dir, c.tasks, c.as, c.reports = v, env.Directory, tasks, as, nil
	return tasks, as, v, nil
}

func (c *snapshotCache) report(k reportKey) (report.Report, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.reports[k]
	return r, ok
}

func (c *snapshotCache) keep(k reportKey, r report.Report) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if k.version != c.version {
		return // the store moved on while this was built
	}
	if c.reports == nil || len(c.reports) >= maxReports {
		c.reports = map[reportKey]report.Report{}
	}
	c.reports[k] = r
}

// warm keeps the office's report of now ready when the store keeps no
// dashboard counts (a database opened read-only before its migration):
// after a write (a done mark, a fired reminder) it decodes what changed
// and builds the overview's report in the background, so that the next
// person to look does not wait for it. With counts the pages of now do
// not read every assignment (the overview reads the counts, the overdue
// list and the unit pages the index of open assignments), and only a
// download would use the report: not worth building it after every write
// (2.3 s of CPU at 100,000 tasks). It returns when ctx ends.
func (s *Server) warm(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	office := &viewer{Actor: action.Actor{Who: "web:warm", Role: org.RoleAdmin, Known: true}}
	last := -1
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		v, err := s.cfg.Store.Version()
		if err != nil || v == last {
			continue
		}
		env := s.cfg.Env()
		if _, counted, err := s.cfg.Store.DashCounts(s.now(), env.Calendar.Location()); err == nil && counted {
			last = v
			continue
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
		if _, err := s.load(req, office, env); err != nil {
			s.log.Warn("web: preparing the overview failed", "err", err)
			continue
		}
		last = v
	}
}
