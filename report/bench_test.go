package report

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/scheduler"
)

// benchState is a year of a large plan: 200 tasks, monthly, for 3 units.
func benchState() ([]scheduler.Task, []scheduler.Assignment) {
	var tasks []scheduler.Task
	var as []scheduler.Assignment
	numerals := []string{"I", "II", "III", "IV", "V", "VI", "VII"}
	units := []string{"vp", "qlcn", "qltm"}
	for i := range 200 {
		id := fmt.Sprintf("%s.%d.%d", numerals[i%7], i%13+1, i)
		tasks = append(tasks, task(id, "MỤC "+numerals[i%7], "Nhiệm vụ số "+id, "cac-phong"))
		for m := time.January; m <= time.December; m++ {
			for j, u := range units {
				a := asg(id, fmt.Sprintf("2024-%02d", m), u, day(2024, m, 28))
				if (i+j+int(m))%3 == 0 {
					a = done(a, at(2024, m, 20+j*4, 9, 0), "chanh-vp", "telegram", "xong")
				}
				as = append(as, a)
			}
		}
	}
	return tasks, as
}

func BenchmarkBuild(b *testing.B) {
	tasks, as := benchState()
	dir := testDirectory(b)
	for b.Loop() {
		Build(asOf, ict, tasks, as, dir)
	}
}

func BenchmarkWriters(b *testing.B) {
	tasks, as := benchState()
	r := Build(asOf, ict, tasks, as, testDirectory(b))
	for name, write := range map[string]func(io.Writer) error{"text": r.WriteText, "csv": r.WriteCSV, "xlsx": r.WriteXLSX} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if err := write(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// genSource is n assignments (tasks of 5 units, one period each) made up
// on demand: a benchmark of the streamed report then measures the report's
// memory, not the fixture's.
type genSource struct{ n int }

func (g genSource) make(i int) scheduler.Assignment {
	id := fmt.Sprintf("%s.%d", []string{"I", "II", "III", "IV", "V"}[i/5%5], i/5)
	a := asg(id, "2024", []string{"vp", "qlcn", "qltm", "ktat", "khac"}[i%5], day(2024, time.Month(1+i%12), 1+i%28))
	if i%3 == 0 {
		a = done(a, at(2024, time.Month(1+i%12), 2+i%27, 9, 0), "chanh-vp", "telegram", "xong")
	}
	return a
}

func (g genSource) ForEachAssignment(_ string, fn func(scheduler.Assignment) error) error {
	for i := range g.n {
		if err := fn(g.make(i)); err != nil {
			return err
		}
	}
	return nil
}

func (g genSource) Assignment(key string) (scheduler.Assignment, bool, error) {
	_, occ, _ := strings.Cut(key, "|")
	id, _, _ := strings.Cut(occ, "@")
	_, num, _ := strings.Cut(id, ".")
	task, _ := strconv.Atoi(num)
	unit := key[strings.LastIndexByte(key, '|')+1:]
	return g.make(task*5 + slices.Index([]string{"vp", "qlcn", "qltm", "ktat", "khac"}, unit)), true, nil
}

// heapPeak measures the live heap (after a collection) every `every`
// calls of tick.
type heapPeak struct {
	every, calls int
	peak         uint64
}

func (h *heapPeak) tick() {
	h.calls++
	if h.calls%h.every == 0 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		h.peak = max(h.peak, m.HeapAlloc)
	}
}

// BenchmarkStreamMemory writes the report of n assignments streamed (csv,
// xlsx) and, for csv, built in memory, and reports the peak live heap
// while reading and writing (after a collection, every n/10 reads and writes),
// in bytes per assignment: the streamed report keeps a few bytes of key
// per assignment and one task's rows, the built one every row.
//
//	go test ./report -run '^$' -bench StreamMemory -benchtime 1x
func BenchmarkStreamMemory(b *testing.B) {
	tasks := []scheduler.Task{}
	for _, n := range []int{10000, 100000} {
		for _, c := range []struct{ name, format string }{{"stream", "csv"}, {"stream", "xlsx"}, {"build", "csv"}} {
			b.Run(fmt.Sprintf("%s-%s/assignments=%d", c.name, c.format, n), func(b *testing.B) {
				dir := testDirectory(b)
				for b.Loop() {
					runtime.GC()
					var base runtime.MemStats
					runtime.ReadMemStats(&base)
					h := &heapPeak{every: max(n/10, 1)}
					w := tickWriter{h}
					var err error
					switch {
					case c.name == "build":
						var as []scheduler.Assignment
						_ = genSource{n}.ForEachAssignment("", func(a scheduler.Assignment) error { as = append(as, a); h.tick(); return nil })
						err = Build(asOf, ict, tasks, as, dir).WriteCSV(w)
					default:
						var s *Stream
						if s, err = NewStream(asOf, ict, Lookup(tasks), tickSource{genSource{n}, h}, dir); err != nil {
							b.Fatal(err)
						}
						if c.format == "csv" {
							err = s.WriteCSV(w)
						} else {
							err = s.WriteXLSX(w)
						}
					}
					if err != nil {
						b.Fatal(err)
					}
					peak := h.peak - min(h.peak, base.HeapAlloc)
					b.ReportMetric(float64(peak)/float64(n), "peak-live-B/assignment")
					b.ReportMetric(float64(peak)/(1<<20), "peak-live-MB")
				}
			})
		}
	}
}

type tickWriter struct{ h *heapPeak }

func (w tickWriter) Write(p []byte) (int, error) { w.h.tick(); return len(p), nil }

type tickSource struct {
	genSource
	h *heapPeak
}

func (s tickSource) ForEachAssignment(plan string, fn func(scheduler.Assignment) error) error {
	return s.genSource.ForEachAssignment(plan, func(a scheduler.Assignment) error { s.h.tick(); return fn(a) })
}

func (s tickSource) Assignment(key string) (scheduler.Assignment, bool, error) {
	s.h.tick()
	return s.genSource.Assignment(key)
}
