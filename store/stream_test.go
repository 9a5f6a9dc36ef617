package store

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/scheduler"
)

func TestForEachTaskInTasksOrder(t *testing.T) {
	c := &clock{t: time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)}
	db := mustOpen(t, filepath.Join(t.TempDir(), "n.db"), c)
	// Key order (I.1, I.10, I.2, …) is not document order; an archived
	// task goes last; a second plan comes after.
	var idsDoc []string
	for i := range 30 {
		idsDoc = append(idsDoc, fmt.Sprintf("I.%d", 30-i))
	}
	if _, err := db.ImportPlan(samplePlan(idsDoc...)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportPlan(samplePlan(slices.Delete(slices.Clone(idsDoc), 4, 5)...)); err != nil { // archives I.26
		t.Fatal(err)
	}
	other := samplePlan("II.2", "II.1")
	other.Code = "70/KH-SCT"
	if _, err := db.ImportPlan(other); err != nil {
		t.Fatal(err)
	}
	for _, planCode := range []string{"", "60/KH-SCT", "70/KH-SCT", "none"} {
		want, err := db.Tasks(planCode)
		if err != nil {
			t.Fatal(err)
		}
		var got []TaskRecord
		if err := db.ForEachTask(planCode, func(r TaskRecord) error { got = append(got, r); return nil }); err != nil {
			t.Fatal(err)
		}
		key := func(r TaskRecord) string { return r.Key() + " " + strconv.FormatBool(r.Archived) }
		if g, w := mapped(got, key), mapped(want, key); !slices.Equal(g, w) {
			t.Errorf("plan %q: ForEachTask order %q, want Tasks' %q", planCode, g, w)
		}
	}
}

func mapped[T any](s []T, f func(T) string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = f(v)
	}
	return out
}

// TestReleaseMappedDropsPagesKeepsData reads 20 MB of assignments through
// the mapping, releases it within the same read transaction, and checks
// that the file's pages left the process's resident set while every value
// still reads the same.
func TestReleaseMappedDropsPagesKeepsData(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("ReleaseMapped acts on Linux only")
	}
	c := &clock{t: time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "n.db")
	db := mustOpen(t, path, c)
	note := strings.Repeat("ghi chú tiến độ ", 250) // 4 KB
	const n = 5000
	err := db.Scheduler().Update(func(tx scheduler.Tx) error {
		for i := range n {
			occ := fmt.Sprintf("I.%d@2024", i)
			a := scheduler.Assignment{Key: scheduler.AssignmentKey("60/KH-SCT", occ, "vp"), Plan: "60/KH-SCT", TaskID: fmt.Sprintf("I.%d", i),
				Occurrence: occ, Unit: "vp", DueDay: calendar.Date{Year: 2024, Month: 12, Day: 31}, State: scheduler.StateOpen, Note: note}
			if err := tx.PutAssignment(a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Scheduler().View(func(tx scheduler.Tx) error {
		count := func() int {
			k := 0
			if err := tx.ForEachAssignment("", func(a scheduler.Assignment) error {
				if a.Note == note {
					k++
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return k
		}
		if k := count(); k != n {
			t.Fatalf("%d assignments read, want %d", k, n)
		}
		before := mappedRSS(t, path)
		if before < 15<<20 {
			t.Fatalf("the file's resident pages are %d KB after reading it all, want > 15 MB", before>>10)
		}
		if err := db.ReleaseMapped(); err != nil {
			t.Fatal(err)
		}
		if after := mappedRSS(t, path); after > before/4 {
			t.Errorf("resident pages of the file: %d KB before the release, %d KB after", before>>10, after>>10)
		}
		if k := count(); k != n {
			t.Errorf("after the release, %d assignments read the same, want %d", k, n)
		}
		// A Releaser read after read keeps a few MB of the file resident.
		if err := db.ReleaseMapped(); err != nil {
			t.Fatal(err)
		}
		rel, peak := db.NewReleaser(), 0
		err := tx.ForEachAssignment("", func(a scheduler.Assignment) error {
			rel.Read()
			if rel.n%500 == 0 {
				peak = max(peak, mappedRSS(t, path))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if peak > 8<<20 || peak == 0 {
			t.Errorf("reading %d assignments through a Releaser, %d KB of the file were resident at most, want 0 < x < 8 MB", n, peak>>10)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// mappedRSS sums the resident bytes of this process's mappings of path.
func mappedRSS(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	total, in := 0, false
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		switch {
		case len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":"):
			in = len(fields) >= 6 && fields[len(fields)-1] == path
		case in && len(fields) == 3 && fields[0] == "Rss:":
			kb, _ := strconv.Atoi(fields[1])
			total += kb << 10
		}
	}
	return total
}

// TestForEachTaskDecodesOnce: ForEachTask allocates per task about what
// one decoding of a task allocates (it decoded every task twice, once to
// order them, once for fn).
func TestForEachTaskDecodesOnce(t *testing.T) {
	c := &clock{t: time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)}
	db := mustOpen(t, filepath.Join(t.TempDir(), "n.db"), c)
	const n = 500
	var ids []string
	for i := range n {
		ids = append(ids, fmt.Sprintf("I.%d", n-i))
	}
	p := samplePlan(ids...)
	for i := range p.Tasks {
		p.Tasks[i].Headings = []string{"I. CẢI CÁCH THỂ CHẾ", "1. Rà soát"}
		p.Tasks[i].Coord, p.Tasks[i].CoordIDs = []string{"Phòng Quản lý công nghiệp"}, []string{"qlcn"}
	}
	if _, err := db.ImportPlan(p); err != nil {
		t.Fatal(err)
	}
	recs, err := db.Tasks("")
	if err != nil {
		t.Fatal(err)
	}
	key, value := []byte(recs[0].Key()), encodeTask(recs[0])
	one := testing.AllocsPerRun(20, func() {
		if _, err := decodeTask(key, value); err != nil {
			t.Fatal(err)
		}
	})
	seen := 0
	all := testing.AllocsPerRun(5, func() {
		seen = 0
		if err := db.ForEachTask("", func(TaskRecord) error { seen++; return nil }); err != nil {
			t.Fatal(err)
		}
	})
	if seen != n {
		t.Fatalf("ForEachTask gave %d tasks, want %d", seen, n)
	}
	if perTask := all / n; perTask > one+1 {
		t.Errorf("ForEachTask allocates %.1f times per task; one decoding allocates %.0f: it decodes a task more than once", perTask, one)
	}
}

// TestTaskOrderReadsTheRecord: taskOrder, which steps over a stored task
// without decoding it, finds the record's plan, position and archived flag
// whatever its fields hold, and refuses what decodeTask refuses.
func TestTaskOrderReadsTheRecord(t *testing.T) {
	at := time.Date(2024, 6, 1, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	for i, r := range []TaskRecord{
		{Plan: "60/KH-SCT", Seq: 0},
		{Plan: "60/KH-SCT", Seq: 41, Created: at, Updated: at.UTC(), Archived: true, ArchivedAt: at},
		{Plan: "Kế hoạch số 7", Seq: 300000, Archived: false, ArchivedAt: at},
		{Plan: "x", Seq: 7, Archived: true},
	} {
		r.Task = samplePlan(fmt.Sprintf("II.%d", i)).Tasks[0]
		if i%2 == 1 {
			r.Headings, r.Coord, r.CoordIDs, r.Lines = []string{"II", "2. Một"}, []string{"A", "B"}, []string{"a", "b"}, []int{1, 2, 300}
			r.Output, r.Timeline.Every, r.Timeline.Ref, r.Timeline.Month = "Báo cáo", "month", "Kế hoạch kiểm tra", 9
		}
		key := []byte(r.Key())
		for _, v := range [][]byte{encodeTask(r), mustJSON(t, r)} {
			o, err := taskOrder(key, v)
			if err != nil {
				t.Fatalf("record %d: %v", i, err)
			}
			if o != (order{plan: len(r.Plan), seq: r.Seq, archived: r.Archived}) {
				t.Errorf("record %d: order %+v, want plan %d, seq %d, archived %t", i, o, len(r.Plan), r.Seq, r.Archived)
			}
		}
		v := encodeTask(r)
		for cut := 1; cut < len(v); cut++ {
			if _, err := taskOrder(key, v[:cut]); err == nil {
				t.Errorf("record %d cut at %d of %d bytes: no error", i, cut, len(v))
				break
			}
		}
		if _, err := taskOrder(key, append(slices.Clone(v), 0)); err == nil {
			t.Errorf("record %d with a trailing byte: no error", i)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// BenchmarkForEachTask reads 20,000 stored tasks in Tasks' order.
func BenchmarkForEachTask(b *testing.B) {
	c := &clock{t: time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)}
	db := mustOpen(b, filepath.Join(b.TempDir(), "n.db"), c)
	var ids []string
	for i := range 20000 {
		ids = append(ids, fmt.Sprintf("I.%d", 20000-i))
	}
	if _, err := db.ImportPlan(samplePlan(ids...)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := db.ForEachTask("", func(TaskRecord) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
