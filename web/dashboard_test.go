package web

import (
	"context"
	csvpkg "encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sct-langson/nhacviec/action"
	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

var bucketRE = regexp.MustCompile(`data-bucket="([a-z_-]+)">(\d+)<`)

// totalsOf reads the four totals of the overview page.
func totalsOf(t *testing.T, body string) map[report.Bucket]int {
	t.Helper()
	got := map[report.Bucket]int{}
	for _, m := range bucketRE.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.Atoi(m[2])
		got[report.Bucket(m[1])] = n
	}
	if len(got) != 4 {
		t.Fatalf("overview shows %d buckets: %v", len(got), got)
	}
	return got
}

// TestOverviewEqualsReport: the overview's numbers are report.Build's
// (what `nhacviec report` prints) for the same moment, now and as of a
// day chosen in the page.
func TestOverviewEqualsReport(t *testing.T) {
	f := newFixture(t)
	b := f.signIn("chanh@sct.example")
	as, _ := f.db.Assignments("")
	env := f.srv.cfg.Env()
	cases := []struct {
		query string
		at    time.Time
	}{
		{"", f.clock()},
		{"?ke-hoach=" + url.QueryEscape(planCode) + "&ngay=2024-06-13", time.Date(2024, 6, 14, 0, 0, 0, 0, vietnam).Add(-time.Nanosecond)},
	}
	for _, c := range cases {
		want := report.Build(c.at, vietnam, testTasks(), as, env.Directory)
		p := b.get("/" + c.query)
		got := totalsOf(t, p.body)
		for _, bk := range report.Buckets() {
			if got[bk] != want.Totals.Counts[bk] {
				t.Errorf("%q: %s = %d, report says %d", c.query, bk, got[bk], want.Totals.Counts[bk])
			}
		}
		for _, u := range want.ByUnit {
			row := regexp.MustCompile(`data-key="` + u.Key + `">.*?</tr>`).FindString(p.body)
			nums := regexp.MustCompile(`<td class="num">(\d+)</td>`).FindAllStringSubmatch(row, -1)
			if len(nums) != 5 || nums[4][1] != strconv.Itoa(u.Total) || nums[3][1] != strconv.Itoa(u.Counts[report.Overdue]) {
				t.Errorf("%q: unit %s row %q, report %+v", c.query, u.Key, row, u)
			}
		}
	}
	// The chosen day changes the numbers: on 13/6 nothing was overdue yet.
	if got := totalsOf(t, b.get(cases[1].query).body); got[report.Overdue] != 0 || got[report.DoneOnTime] != 1 {
		t.Errorf("as of 13/6: %v", got)
	}
	if got := totalsOf(t, b.get("/").body); got[report.Overdue] != 1 {
		t.Errorf("as of 17/6: %v", got)
	}
}

// TestStaffSeeOnlyTheirUnit: a staff member of tc sees and changes tc's
// assignments only, whatever URL or form field they write.
func TestStaffSeeOnlyTheirUnit(t *testing.T) {
	f := newFixture(t)
	// kt's assignment carries a document.
	root := action.Actor{Who: "root", Role: "admin", Known: true}
	if _, err := f.srv.perform(root, kKT, request{Do: "note", File: &upload{name: "kt.pdf", data: []byte("%PDF kt")}}, f.srv.cfg.Env()); err != nil {
		t.Fatal(err)
	}
	audits := len(f.audit())
	b := f.signIn("binh@sct.example")
	for path, want := range map[string]int{
		"/don-vi/tc": http.StatusOK,
		"/don-vi/kt": http.StatusForbidden,
		"/don-vi/vp": http.StatusForbidden,
		"/nhiem-vu?ke-hoach=" + url.QueryEscape(planCode) + "&ma=I.1": http.StatusForbidden,
		"/tai-lieu?nv=" + url.QueryEscape(kKT) + "&i=0":               http.StatusForbidden,
		"/nhat-ky": http.StatusForbidden,
	} {
		if p := b.get(path); p.status != want {
			t.Errorf("GET %s: %d, want %d", path, p.status, want)
		}
	}
	task := b.get("/nhiem-vu?ke-hoach=" + url.QueryEscape(planCode) + "&ma=I.2")
	if task.status != http.StatusOK || strings.Contains(task.body, "Phòng Kinh tế ·") || !strings.Contains(task.body, "Phòng Tài chính ·") {
		t.Errorf("task page of a shared task shows other units' assignments:\n%s", task.body)
	}
	over := b.get("/").body
	if strings.Contains(over, `data-key="kt"`) || !strings.Contains(over, `data-key="tc"`) {
		t.Errorf("overview of a staff member shows other units")
	}
	csv := b.get("/bao-cao.csv")
	if strings.Contains(csv.body, "Phòng Kinh tế") || !strings.Contains(csv.body, "Phòng Tài chính") {
		t.Errorf("CSV of a staff member holds other units:\n%s", csv.body)
	}
	token := b.csrf("/cua-toi")
	for _, form := range []url.Values{
		{"csrf": {token}, "nv": {kKT}, "lam": {"undo"}},
		{"csrf": {token}, "nv": {kVP}, "lam": {"done"}},
		{"csrf": {token}, "nv": {kVP}, "lam": {"note"}, "ghi-chu": {"x"}},
	} {
		if p := b.post("/thao-tac", form); p.status != http.StatusForbidden {
			t.Errorf("POST %v: %d", form, p.status)
		}
	}
	if p := b.postMultipart("/thao-tac", map[string]string{"csrf": token, "nv": kVP, "lam": "note"}, "x.pdf", []byte("x")); p.status != http.StatusForbidden {
		t.Errorf("upload to another unit: %d", p.status)
	}
	if a, v := f.assignment(kKT), f.assignment(kVP); a.State != scheduler.StateDone || v.State != scheduler.StateOpen || len(v.Notes)+len(v.Evidence) != 0 || len(f.audit()) != audits {
		t.Fatalf("a refused change was written: %+v %+v", a, v)
	}
	// The own unit's change works, from the task page.
	p := b.post("/thao-tac", url.Values{"csrf": {token}, "nv": {kTC}, "lam": {"done"}, "ghi-chu": {"xong"}})
	if p.status != http.StatusOK || f.assignment(kTC).DoneVia != "web" {
		t.Fatalf("own change: %d %s", p.status, p.body)
	}
}

// TestOfficeLeadershipAdmin: the office and the leadership see every
// unit; only admins read the audit log.
func TestOfficeLeadershipAdmin(t *testing.T) {
	f := newFixture(t)
	f.db.ApplyChange(func(tx scheduler.Tx, audit func(store.AuditEntry) error) error {
		return audit(store.AuditEntry{At: f.clock(), Who: "cuong", Via: "button", Assignment: kKT, Action: "done"})
	})
	for email, audit := range map[string]int{"chanh@sct.example": 403, "pgd@sct.example": 403, "admin@sct.example": 200} {
		b := f.signIn(email)
		for _, u := range []string{"vp", "tc", "kt"} {
			if p := b.get("/don-vi/" + u); p.status != http.StatusOK {
				t.Errorf("%s /don-vi/%s: %d", email, u, p.status)
			}
		}
		p := b.get("/nhat-ky")
		if p.status != audit {
			t.Errorf("%s /nhat-ky: %d", email, p.status)
		}
		if audit == 200 && !strings.Contains(p.body, "Lê Văn Cường") {
			t.Errorf("audit log lacks the entry:\n%s", p.body)
		}
	}
}

// TestOverdueSortable: by working days overdue, or by unit.
func TestOverdueSortable(t *testing.T) {
	f := newFixture(t)
	f.db.ApplyChange(func(tx scheduler.Tx, _ func(store.AuditEntry) error) error {
		return tx.PutAssignment(scheduler.Assignment{Key: planCode + "|II.1@2024|kt", Plan: planCode, TaskID: "II.1", Occurrence: "II.1@2024",
			Unit: "kt", DueDay: date(2024, 6, 7), State: scheduler.StateOpen})
	})
	b := f.signIn("chanh@sct.example")
	order := func(query string) []string {
		p := b.get("/qua-han" + query)
		var out []string
		for _, m := range regexp.MustCompile(`<td>(Phòng [^<]+)</td><td>[^<]+</td><td class="num late" data-days="(\d+)">`).FindAllStringSubmatch(p.body, -1) {
			out = append(out, m[1]+" "+m[2])
		}
		return out
	}
	// 17/6 (Monday): kt due Friday 7/6 is 6 working days late, tc due
	// Friday 14/6 is 1.
	if got := strings.Join(order(""), ", "); got != "Phòng Kinh tế 6, Phòng Tài chính 1" {
		t.Errorf("by days: %s", got)
	}
	if got := strings.Join(order("?sap-xep=don-vi"), ", "); got != "Phòng Tài chính 1, Phòng Kinh tế 6" {
		t.Errorf("by unit: %s", got)
	}
}

// TestDownloads: the report as CSV and XLSX, for the chosen plan and day.
func TestDownloads(t *testing.T) {
	f := newFixture(t)
	b := f.signIn("chanh@sct.example")
	csv := b.get("/bao-cao.csv?ngay=2024-06-13")
	if !strings.Contains(csv.header.Get("Content-Disposition"), "bao-cao-2024-06-13.csv") || !strings.Contains(csv.body, "I.2") {
		t.Errorf("csv: %q\n%s", csv.header.Get("Content-Disposition"), csv.body)
	}
	x := b.get("/bao-cao.xlsx?ngay=2024-06-13")
	if !strings.HasPrefix(x.body, "PK") || !strings.Contains(x.header.Get("Content-Type"), "spreadsheetml") {
		t.Errorf("xlsx: %q", x.header.Get("Content-Type"))
	}
	// The workbook (written by the report's stream writer) opens, with the
	// CSV's rows in its detail sheet.
	wb, err := excelize.OpenReader(strings.NewReader(x.body))
	if err != nil {
		t.Fatalf("xlsx does not open: %v", err)
	}
	defer wb.Close()
	rows, err := wb.GetRows(report.SheetDetail)
	if err != nil {
		t.Fatal(err)
	}
	records, err := csvpkg.NewReader(strings.NewReader(strings.TrimPrefix(csv.body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(records) || len(rows) < 2 || rows[1][3] != records[1][3] {
		t.Errorf("xlsx detail: %d rows (first %q), csv: %d records (first %q)", len(rows), rows[min(1, len(rows)-1)], len(records), records[min(1, len(records)-1)])
	}
}

var hrefRE = regexp.MustCompile(`href="(/[^"]*)"`)

// TestEveryLinkWorks: following every link of the pages (two levels from
// the overview, with a plan and a day chosen) never ends on an error.
func TestEveryLinkWorks(t *testing.T) {
	f := newFixture(t)
	b := f.signIn("admin@sct.example")
	seen := map[string]bool{}
	level := []string{"/?ke-hoach=" + url.QueryEscape(planCode) + "&ngay=2024-06-17"}
	for depth := 0; depth < 3 && len(level) > 0; depth++ {
		var next []string
		for _, path := range level {
			if seen[path] {
				continue
			}
			seen[path] = true
			p := b.get(path)
			if p.status != http.StatusOK {
				t.Errorf("GET %s: %d", path, p.status)
				continue
			}
			for _, m := range hrefRE.FindAllStringSubmatch(p.body, -1) {
				next = append(next, strings.ReplaceAll(m[1], "&amp;", "&"))
			}
		}
		level = next
	}
	for _, want := range []string{"/don-vi/tc?ke-hoach=60%2FKH-SCT&ngay=2024-06-17", "/nhiem-vu?ke-hoach=60%2fKH-SCT&ma=I.2", "/qua-han"} {
		if !seen[want] {
			t.Errorf("no link to %s among %d", want, len(seen))
		}
	}
}

// noCounts is the real store keeping no dashboard counts, as a database
// of an older schema opened read-only.
type noCounts struct{ *store.DB }

func (noCounts) DashCounts(time.Time, *time.Location) ([]store.DashCount, bool, error) {
	return nil, false, nil
}

// TestWarmPreparesTheOverview: from a store without dashboard counts, after
// a write, the background warm-up builds the office's overview report
// before anyone asks for it.
func TestWarmPreparesTheOverview(t *testing.T) {
	f := newFixture(t)
	f.store = noCounts{f.db}
	f.srv = f.server(f.base)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); f.srv.warm(ctx, 5*time.Millisecond) }()
	ready := func() bool {
		v, _ := f.db.Version()
		c := &f.srv.cache
		c.mu.Lock()
		defer c.mu.Unlock()
		for k := range c.reports {
			if k.version == v && k.unit == "" && !k.asOfDay {
				return true
			}
		}
		return false
	}
	deadline := time.Now().Add(5 * time.Second)
	for !ready() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if !ready() {
		t.Fatal("no overview prepared at start")
	}
	// The warm-up stopped, a write: the report of before it is not current
	// (with the warm-up running, it might already have built the new one).
	cancel()
	<-stopped
	root := action.Actor{Who: "root", Role: "admin", Known: true}
	if _, err := f.srv.perform(root, kTC, request{Do: "done"}, f.srv.cfg.Env()); err != nil {
		t.Fatal(err)
	}
	if ready() {
		t.Fatal("the report of before the write counts as current")
	}
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	go f.srv.warm(ctx, 5*time.Millisecond)
	deadline = time.Now().Add(5 * time.Second)
	for !ready() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if !ready() {
		t.Error("no overview prepared after the write")
	}
}

// TestAdminRevokesSessions: an admin ends another person's sessions;
// nobody else may.
func TestAdminRevokesSessions(t *testing.T) {
	f := newFixture(t)
	binh := f.signIn("binh@sct.example")
	chanh := f.signIn("chanh@sct.example")
	if p := chanh.post("/thu-hoi-phien", url.Values{"csrf": {chanh.csrf("/")}, "nguoi": {"binh"}}); p.status != http.StatusForbidden {
		t.Errorf("a head revoked sessions: %d", p.status)
	}
	if p := binh.get("/"); p.status != http.StatusOK {
		t.Fatalf("binh after a refused revocation: %d", p.status)
	}
	admin := f.signIn("admin@sct.example")
	p := admin.post("/thu-hoi-phien", url.Values{"csrf": {admin.csrf("/nhat-ky")}, "nguoi": {"binh"}})
	contains(t, "revocation", p.body, "Đã thu hồi 1 phiên đăng nhập của Trần Thị Bình")
	if p := binh.get("/"); p.status != http.StatusSeeOther {
		t.Errorf("binh's session after revocation: %d", p.status)
	}
	if p := chanh.get("/"); p.status != http.StatusOK {
		t.Errorf("another person's session was ended: %d", p.status)
	}
}

// TestWarmIdleWithCounts: from a store that keeps the dashboard's counts,
// the warm-up reads no assignment after a write: no page of now needs the
// report of every assignment.
func TestWarmIdleWithCounts(t *testing.T) {
	f := newFixture(t)
	cs := &countingStore{DB: f.db}
	f.store = cs
	f.srv = f.server(f.base)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); f.srv.warm(ctx, time.Millisecond) }()
	root := action.Actor{Who: "root", Role: "admin", Known: true}
	for _, do := range []string{"done", "undo", "done"} {
		asked := cs.asked.Load()
		if _, err := f.srv.perform(root, kTC, request{Do: do}, f.srv.cfg.Env()); err != nil {
			t.Fatal(err)
		}
		// The warm-up sees the write: it asks the store for its counts.
		deadline := time.Now().Add(5 * time.Second)
		for cs.asked.Load() == asked && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if cs.asked.Load() == asked {
			t.Fatal("the warm-up did not look at the write")
		}
	}
	cancel()
	<-stopped
	if n := cs.reads.Load(); n != 0 {
		t.Errorf("the warm-up read every assignment %d times", n)
	}
}
