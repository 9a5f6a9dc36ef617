package store

import (
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/scheduler"
)

// The scheduler at scale: a generated plan of benchTasks tasks, each led by
// a group of 5 units (benchTasks × 5 assignments). Run with:
//
//	go test ./store -run '^$' -bench 'Scale' -benchtime 1x -benchmem -timeout 30m
//
// NHACVIEC_BENCH_TASKS is not read: the size is the issue's, 100,000.
const benchTasks = 100_000

func benchConfig(tb testing.TB) scheduler.Config {
	tb.Helper()
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	cal, err := calendar.New(calendar.Config{Location: loc})
	if err != nil {
		tb.Fatal(err)
	}
	var units []org.Unit
	var people []org.Person
	var members []string
	for i := range 5 {
		id := fmt.Sprintf("u%d", i)
		units = append(units, org.Unit{ID: id, Name: "Phòng " + id, Head: "p" + id})
		people = append(people, org.Person{ID: "p" + id, Unit: id, Email: id + "@example.vn"})
		members = append(members, id)
	}
	dir, err := org.New(units, []org.Group{{ID: "g", Name: "Các phòng", Members: members}}, people)
	if err != nil {
		tb.Fatal(err)
	}
	return scheduler.Config{Calendar: cal, Directory: dir, Policy: scheduler.DefaultPolicy, Office: "u0", Horizon: 120 * 24 * time.Hour}
}

// benchPlan spreads the deadlines over the year, one task in ten monthly.
func benchPlan(n int) []scheduler.Task {
	info := scheduler.PlanInfo{Code: "1/KH", Year: 2025, Start: calendar.Date{Year: 2025, Month: time.January, Day: 1}}
	out := make([]scheduler.Task, n)
	for i := range out {
		tl := plan.Timeline{Kind: plan.KindDate, Text: "date", Year: 2025, Month: 1 + i%12, Day: 1 + i%28}
		if i%10 == 0 {
			tl = plan.Timeline{Kind: plan.KindRecurring, Text: "Hằng tháng", Every: plan.EveryMonth}
		}
		out[i] = scheduler.Task{Plan: info, Task: plan.Task{ID: fmt.Sprintf("I.%d", i+1), Section: "I",
			Text: "Nhiệm vụ thử nghiệm số " + fmt.Sprint(i), Timeline: tl, LeadIDs: []string{"g"}}}
	}
	return out
}

var benchStart = time.Date(2025, 3, 3, 7, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// syncedDB returns a database with the bench plan planned, built once per
// process and reopened by each benchmark.
func syncedDB(b *testing.B) (string, []scheduler.Task) {
	b.Helper()
	dir := b.TempDir()
	path := filepath.Join(dir, "bench.db")
	db, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	tasks := benchPlan(benchTasks)
	e := scheduler.New(benchConfig(b), db.Scheduler(), nil)
	if _, err := e.Sync(tasks, benchStart); err != nil {
		b.Fatal(err)
	}
	db.Close()
	return path, tasks
}

// BenchmarkScaleFirstStart: the daemon's first start on a new database:
// every assignment within the horizon created and indexed.
func BenchmarkScaleFirstStart(b *testing.B) {
	cfg := benchConfig(b)
	tasks := benchPlan(benchTasks)
	for b.Loop() {
		b.StopTimer()
		db, err := Open(filepath.Join(b.TempDir(), "bench.db"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		e := scheduler.New(cfg, db.Scheduler(), nil)
		res, err := e.Sync(tasks, benchStart)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		b.ReportMetric(float64(res.Created), "assignments")
		reportHeap(b, e) // what the running daemon keeps after starting
		db.Close()
		b.StartTimer()
	}
}

// BenchmarkScaleRestart: a later start, nothing changed: open the database
// and re-plan.
func BenchmarkScaleRestart(b *testing.B) {
	path, tasks := syncedDB(b)
	cfg := benchConfig(b)
	b.ResetTimer()
	for b.Loop() {
		db, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		e := scheduler.New(cfg, db.Scheduler(), nil)
		if _, err := e.Sync(tasks, benchStart); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		reportHeap(b, e)
		db.Close()
		b.StartTimer()
	}
}

// BenchmarkScaleWakeUp: one wake-up with nothing due: find the next moment
// from the time index and fire (nothing). This is what the daemon pays per
// wake-up whatever the number of tasks.
func BenchmarkScaleWakeUp(b *testing.B) {
	path, _ := syncedDB(b)
	db, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	e := scheduler.New(benchConfig(b), db.Scheduler(), nil)
	now := benchStart.Add(-24 * time.Hour)
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := e.NextWake(now); err != nil {
			b.Fatal(err)
		}
		if _, err := e.Fire(now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScaleFireMorning: the wake-up of a busy morning: every step due
// at one moment produced, digested and written to the outbox.
func BenchmarkScaleFireMorning(b *testing.B) {
	path, tasks := syncedDB(b)
	cfg := benchConfig(b)
	for b.Loop() {
		b.StopTimer()
		db, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		e := scheduler.New(cfg, db.Scheduler(), nil)
		if _, err := e.Sync(tasks, benchStart); err != nil {
			b.Fatal(err)
		}
		next, _, _ := e.NextWake(benchStart)
		b.StartTimer()
		msgs, err := e.Fire(next)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		items := 0
		for _, m := range msgs {
			items += len(m.Items)
		}
		b.ReportMetric(float64(items), "items")
		b.ReportMetric(float64(len(msgs)), "messages")
		db.Close()
		b.StartTimer()
	}
}

// BenchmarkScalePreviewMonth: `nhacviec preview` of one month, on the
// in-memory store.
func BenchmarkScalePreviewMonth(b *testing.B) {
	cfg := benchConfig(b)
	tasks := benchPlan(benchTasks)
	for b.Loop() {
		e := scheduler.New(cfg, scheduler.NewMemStore(), nil)
		if _, err := e.Sync(tasks, benchStart); err != nil {
			b.Fatal(err)
		}
		var msgs []*notify.Message
		now, end := benchStart, benchStart.AddDate(0, 1, 0)
		for {
			m, err := e.Fire(now)
			if err != nil {
				b.Fatal(err)
			}
			msgs = append(msgs, m...)
			next, ok, _ := e.NextWake(now)
			if !ok || next.After(end) {
				break
			}
			now = next
		}
		b.ReportMetric(float64(len(msgs)), "messages")
	}
}

// BenchmarkScaleCronRunner holds the same schedules in robfig/cron's own
// runner: one entry per assignment, plus one entry firing every
// millisecond. ns/op is the time per wake-up of the runner in steady state
// (it re-sorts every entry on each one): the clock starts after the first
// wake-up, whose first sort of every entry is reported apart
// (ms-first-wake), as is the time to add them all (ms-to-add).
func BenchmarkScaleCronRunner(b *testing.B) {
	c := cron.New()
	tasks := benchPlan(benchTasks)
	spec, _ := scheduler.ParseCron("0 8 25 * *")
	start := time.Now()
	for range tasks {
		for range 5 {
			c.Schedule(spec, cron.FuncJob(func() {}))
		}
	}
	added := time.Since(start)
	var fired atomic.Int64
	first, done := make(chan struct{}), make(chan struct{})
	target := int64(b.N) + 1
	c.Schedule(everyMillisecond{}, cron.FuncJob(func() {
		switch fired.Add(1) {
		case 1:
			close(first)
		case target:
			close(done)
		}
	}))
	t0 := time.Now()
	c.Start()
	<-first
	firstWake := time.Since(t0)
	b.ResetTimer()
	<-done
	b.StopTimer()
	<-c.Stop().Done()
	b.ReportMetric(float64(added.Milliseconds()), "ms-to-add")
	b.ReportMetric(float64(firstWake.Milliseconds()), "ms-first-wake")
	reportHeap(b, c)
}

type everyMillisecond struct{}

func (everyMillisecond) Next(t time.Time) time.Time { return t.Add(time.Millisecond) }

// BenchmarkScaleOursWakeUps is the counterpart of the cron runner: b.N
// wake-ups of our engine on the same assignments, each finding the next
// moment and firing what is due.
func BenchmarkScaleOursWakeUps(b *testing.B) {
	BenchmarkScaleWakeUp(b)
}

// reportHeap reports the live heap while keep is still in use.
func reportHeap(b *testing.B, keep any) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MiB")
	runtime.KeepAlive(keep)
}
