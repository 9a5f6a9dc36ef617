package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

const planCode = "60/KH-SCT"

// Keys of the fixture's assignments.
const (
	kVP   = planCode + "|I.1@2024|vp"  // office, due 28/6, open
	kTC   = planCode + "|I.2@2024|tc"  // tài chính, due 14/6, open: overdue at 17/6
	kKT   = planCode + "|I.2@2024|kt"  // kinh tế, due 14/6, done on time
	kTC2  = planCode + "|II.1@2024|tc" // tài chính, due 31/12, open
	kGone = planCode + "|II.9@2024|tc" // archived
)

var vietnam = time.FixedZone("ICT", 7*3600)

type noNext struct{}

func (noNext) NextFor(scheduler.Assignment) *scheduler.Pending { return nil }

// fixture is a Server on a real bbolt file behind a real HTTP listener.
type fixture struct {
	t     *testing.T
	db    *store.DB
	srv   *Server
	ts    *httptest.Server
	base  string
	mu    sync.Mutex
	now   time.Time
	mails []*notify.Message
	dir   string
	// envCalls counts the reads of the daemon's state (Config.Env).
	envCalls atomic.Int32
	// store, when set, is what server gives the Server instead of db.
	store Store
}

func testDirectory(t testing.TB) *org.Directory {
	d, err := org.New(
		[]org.Unit{{ID: "vp", Name: "Văn phòng Sở", Head: "chanh"}, {ID: "tc", Name: "Phòng Tài chính"}, {ID: "kt", Name: "Phòng Kinh tế"}},
		[]org.Group{{ID: "cac-phong", Name: "Các phòng thuộc Sở", Members: []string{"vp", "tc", "kt"}}},
		[]org.Person{
			{ID: "chanh", Name: "Nguyễn Văn Chánh", Unit: "vp", Role: org.RoleHead, Email: "chanh@sct.example"},
			{ID: "binh", Name: "Trần Thị Bình", Unit: "tc", Role: org.RoleStaff, Email: "binh@sct.example"},
			{ID: "cuong", Name: "Lê Văn Cường", Unit: "kt", Role: org.RoleStaff, Email: "cuong@sct.example"},
			{ID: "lead", Name: "Phó Giám đốc", Role: org.RoleLeader, Email: "pgd@sct.example"},
			{ID: "root", Name: "Quản trị", Role: org.RoleAdmin, Email: "admin@sct.example"},
		})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func testTasks() []scheduler.Task {
	p := scheduler.PlanInfo{Code: planCode, Year: 2024}
	mk := func(id, text string, lead ...string) scheduler.Task {
		section := id[:strings.IndexByte(id, '.')]
		heading := map[string]string{"I": "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "II": "CẢI CÁCH THỂ CHẾ"}[section]
		return scheduler.Task{Plan: p, Task: plan.Task{ID: id, Section: section, Headings: []string{heading},
			Text: text, Timeline: plan.Timeline{Text: "Trong năm 2024"}, LeadIDs: lead, Output: "Báo cáo"}}
	}
	return []scheduler.Task{
		mk("I.1", "Xây dựng kế hoạch CCHC năm 2024", "vp"),
		mk("I.2", "Báo cáo <kết quả> & đánh giá", "tc", "kt"),
		mk("II.1", "Rà soát văn bản quy phạm pháp luật", "tc"),
	}
}

func date(y, m, d int) calendar.Date { return calendar.Date{Year: y, Month: time.Month(m), Day: d} }

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, now: time.Date(2024, 6, 17, 9, 0, 0, 0, vietnam), dir: t.TempDir()}
	db, err := store.Open(filepath.Join(f.dir, "web.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.db = db
	as := []scheduler.Assignment{
		{Key: kVP, Plan: planCode, TaskID: "I.1", Occurrence: "I.1@2024", Unit: "vp", DueDay: date(2024, 6, 28), State: scheduler.StateOpen},
		{Key: kTC, Plan: planCode, TaskID: "I.2", Occurrence: "I.2@2024", Unit: "tc", DueDay: date(2024, 6, 14), State: scheduler.StateOpen},
		{Key: kKT, Plan: planCode, TaskID: "I.2", Occurrence: "I.2@2024", Unit: "kt", DueDay: date(2024, 6, 14), State: scheduler.StateDone,
			DoneAt: time.Date(2024, 6, 13, 10, 0, 0, 0, vietnam), DoneBy: "cuong", DoneVia: "telegram"},
		{Key: kTC2, Plan: planCode, TaskID: "II.1", Occurrence: "II.1@2024", Unit: "tc", DueDay: date(2024, 12, 31), State: scheduler.StateOpen},
		{Key: kGone, Plan: planCode, TaskID: "II.9", Occurrence: "II.9@2024", Unit: "tc", DueDay: date(2024, 12, 31), State: scheduler.StateArchived},
	}
	err = db.ApplyChange(func(tx scheduler.Tx, _ func(store.AuditEntry) error) error {
		for _, a := range as {
			if err := tx.PutAssignment(a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.ts = httptest.NewUnstartedServer(nil)
	f.base = "http://" + f.ts.Listener.Addr().String()
	f.srv = f.server(f.base)
	f.ts.Config.Handler = f.srv.Handler()
	f.ts.Start()
	t.Cleanup(f.ts.Close)
	return f
}

func (f *fixture) server(base string) *Server {
	f.t.Helper()
	cal, err := calendar.New(calendar.Config{Location: vietnam})
	if err != nil {
		f.t.Fatal(err)
	}
	dir := testDirectory(f.t)
	var st Store = f.db
	if f.store != nil {
		st = f.store
	}
	s, err := New(Config{
		BaseURL: base, Store: st, Now: f.clock, EvidenceDir: filepath.Join(f.dir, "evidence"),
		Env: func() Env {
			f.envCalls.Add(1)
			return Env{Directory: dir, Office: "vp", Calendar: cal, Tasks: testTasks(), Planner: noNext{}}
		},
		SendEmail: func(_ context.Context, m *notify.Message) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.mails = append(f.mails, m)
			return nil
		},
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

func (f *fixture) lastMail() *notify.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.mails) == 0 {
		return nil
	}
	return f.mails[len(f.mails)-1]
}

// browser is a client with its own cookies, as one person's browser.
type browser struct {
	f *fixture
	c *http.Client
}

func (f *fixture) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{f: f, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type resp struct {
	status int
	body   string
	header http.Header
}

func (b *browser) do(req *http.Request) resp {
	b.f.t.Helper()
	r, err := b.c.Do(req)
	if err != nil {
		b.f.t.Fatal(err)
	}
	defer r.Body.Close()
	body, _ := io.ReadAll(r.Body)
	return resp{status: r.StatusCode, body: string(body), header: r.Header}
}

func (b *browser) get(path string) resp {
	req, _ := http.NewRequest(http.MethodGet, b.f.base+path, nil)
	return b.do(req)
}

// post sends a form as a same-origin browser does.
func (b *browser) post(path string, form url.Values) resp {
	req, _ := http.NewRequest(http.MethodPost, b.f.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.f.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the token of the forms of the page at path.
func (b *browser) csrf(path string) string {
	b.f.t.Helper()
	p := b.get(path)
	m := csrfRE.FindStringSubmatch(p.body)
	if m == nil {
		b.f.t.Fatalf("no CSRF token on %s (%d): %s", path, p.status, p.body)
	}
	return m[1]
}

// signIn signs a person in through the e-mailed one-time link.
func (f *fixture) signIn(email string) *browser {
	f.t.Helper()
	b := f.browser()
	before := f.lastMail()
	p := b.post("/dang-nhap", url.Values{"csrf": {b.csrf("/dang-nhap")}, "email": {email}})
	if p.status != http.StatusOK {
		f.t.Fatalf("sign-in request: %d %s", p.status, p.body)
	}
	m := f.lastMail()
	if m == nil || m == before {
		f.t.Fatalf("no sign-in mail to %s", email)
	}
	link := regexp.MustCompile(`https?://\S+`).FindString(m.Intro)
	path := strings.TrimPrefix(link, f.base)
	p = b.post(strings.SplitN(path, "?", 2)[0], url.Values{"csrf": {b.csrf(path)}})
	if p.status != http.StatusSeeOther {
		f.t.Fatalf("sign-in link: %d %s", p.status, p.body)
	}
	return b
}

func (f *fixture) assignment(key string) scheduler.Assignment {
	f.t.Helper()
	a, ok, err := f.srv.assignment(key)
	if err != nil || !ok {
		f.t.Fatalf("assignment %s: %v %v", key, ok, err)
	}
	return a
}

func (f *fixture) audit() []store.AuditEntry {
	es, err := f.db.Audit(store.AuditFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	return es
}

func contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}
