package report

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/scheduler"
)

// memSource puts assignments in a MemStore and returns a transaction of
// it (MemStore transactions only hold its lock, so one can outlive View).
func memSource(t testing.TB, as []scheduler.Assignment) Assignments {
	t.Helper()
	st := scheduler.NewMemStore()
	err := st.Update(func(tx scheduler.Tx) error {
		for _, a := range as {
			a.Next = nil
			if err := tx.PutAssignment(a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var src Assignments
	_ = st.View(func(tx scheduler.Tx) error { src = tx; return nil })
	return src
}

// trickyState mixes what the order of the report has to get right: two
// plans, a task unknown to the tasks given, task ids that compare equal
// (I.01 and I.1, with different titles), Roman sections past IX, unknown
// units, and a section whose first task has no title.
func trickyState() ([]scheduler.Task, []scheduler.Assignment) {
	tasks := testTasks()
	as := testAssignments()
	other := func(a scheduler.Assignment) scheduler.Assignment {
		a.Plan = "12/KH-SCT"
		a.Key = scheduler.AssignmentKey(a.Plan, a.Occurrence, a.Unit)
		return a
	}
	noTitle := task("X.2", "", "Không có tiêu đề mục", "vp")
	tasks = append(tasks,
		task("I.01", "MỤC I VIẾT KHÁC", "Nhiệm vụ số không một", "vp"),
		task("X.10", "MỤC X", "Nhiệm vụ X.10", "vp"), noTitle,
		task("IX.1", "MỤC IX", "Nhiệm vụ IX.1", "vp"))
	for i, u := range []string{"qltm", "vp", "la", "qlcn"} {
		for _, id := range []string{"I.01", "I.1", "X.10", "X.2", "IX.1", "IV.3"} { // IV.3: no task
			a := asg(id, "2024-10", u, day(2024, time.October, 8+i))
			if i == 1 {
				a = done(a, at(2024, time.October, 9, 8, 0), "tp-qltm", "web", "=SUM(A1)")
				a.Notes = []scheduler.Note{{Text: "ghi chú", By: "nguoi-la", At: at(2024, time.October, 1, 8, 0)}}
			}
			as = append(as, a)
			if i == 2 {
				as = append(as, other(a))
			}
		}
	}
	return tasks, as
}

func TestStreamEqualsBuild(t *testing.T) {
	bigTasks, bigAs := benchState()
	trickyTasks, trickyAs := trickyState()
	for _, c := range []struct {
		name  string
		tasks []scheduler.Task
		as    []scheduler.Assignment
		dir   *org.Directory
	}{
		{"fixture", testTasks(), testAssignments(), testDirectory(t)},
		{"no directory", testTasks(), testAssignments(), nil},
		{"tricky", trickyTasks, trickyAs, testDirectory(t)},
		{"year of 200 tasks", bigTasks, bigAs, testDirectory(t)},
		{"empty", testTasks(), nil, testDirectory(t)},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := Build(asOf, ict, c.tasks, c.as, c.dir)
			s, err := NewStream(asOf, ict, Lookup(c.tasks), memSource(t, c.as), c.dir)
			if err != nil {
				t.Fatal(err)
			}
			if s.Seen != len(c.as) {
				t.Errorf("Seen = %d, want %d", s.Seen, len(c.as))
			}
			if !reflect.DeepEqual(s.BySection, want.BySection) || !reflect.DeepEqual(s.ByUnit, want.ByUnit) || !reflect.DeepEqual(s.Totals, want.Totals) {
				t.Errorf("summaries differ:\nstream %+v\n%+v\n%+v\nbuild  %+v\n%+v\n%+v", s.BySection, s.ByUnit, s.Totals, want.BySection, want.ByUnit, want.Totals)
			}
			var rows []Row
			if err := s.each(func(r Row) error { rows = append(rows, r); return nil }); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rows, want.Rows) && (len(rows) != 0 || len(want.Rows) != 0) {
				t.Errorf("rows differ:\nstream %+v\nbuild  %+v", rows, want.Rows)
			}
			for _, f := range []struct {
				name          string
				stream, build func(io.Writer) error
			}{{"csv", s.WriteCSV, want.WriteCSV}, {"text", s.WriteText, want.WriteText}} {
				var got, exp bytes.Buffer
				if err := f.stream(&got); err != nil {
					t.Fatal(err)
				}
				if err := f.build(&exp); err != nil {
					t.Fatal(err)
				}
				if got.String() != exp.String() {
					t.Errorf("%s differs:\nstream:\n%s\nbuild:\n%s", f.name, got.String(), exp.String())
				}
			}
			if len(c.as) > 1000 {
				return // reading the sheets back is slow; csv and text had the same rows
			}
			var got, exp bytes.Buffer
			if err := s.WriteXLSX(&got); err != nil {
				t.Fatal(err)
			}
			if err := want.WriteXLSX(&exp); err != nil {
				t.Fatal(err)
			}
			for _, sheet := range []string{SheetSummary, SheetDetail} {
				if g, w := sheetRows(t, got.Bytes(), sheet), sheetRows(t, exp.Bytes(), sheet); !reflect.DeepEqual(g, w) {
					t.Errorf("sheet %s differs:\nstream %q\nbuild  %q", sheet, g, w)
				}
			}
		})
	}
}

func sheetRows(t *testing.T, data []byte, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// countingSource counts the assignments read one by one.
type countingSource struct {
	Assignments
	reads int
}

func (c *countingSource) Assignment(key string) (scheduler.Assignment, bool, error) {
	c.reads++
	return c.Assignments.Assignment(key)
}

// readsAtWrite records, at each write, how many assignments had been read.
type readsAtWrite struct {
	src    *countingSource
	writes []int
}

func (w *readsAtWrite) Write(p []byte) (int, error) {
	w.writes = append(w.writes, w.src.reads)
	return len(p), nil
}

// TestStreamWritesWhileReading fails when a writer gathers the rows before
// writing them: the first rows must reach the writer before most
// assignments are read.
func TestStreamWritesWhileReading(t *testing.T) {
	tasks, as := benchState() // 7,200 assignments
	for name, write := range map[string]func(*Stream, io.Writer) error{
		"csv":  (*Stream).WriteCSV,
		"text": (*Stream).WriteText,
	} {
		t.Run(name, func(t *testing.T) {
			src := &countingSource{Assignments: memSource(t, as)}
			s, err := NewStream(asOf, ict, Lookup(tasks), src, testDirectory(t))
			if err != nil {
				t.Fatal(err)
			}
			if src.reads != 0 {
				t.Fatalf("the first pass read %d assignments one by one", src.reads)
			}
			w := &readsAtWrite{src: src}
			if err := write(s, w); err != nil {
				t.Fatal(err)
			}
			if len(w.writes) < 10 {
				t.Fatalf("%d writes, want the output in many pieces", len(w.writes))
			}
			if first := w.writes[1]; first > len(as)/10 {
				t.Errorf("first rows written after %d of %d assignments were read", first, len(as))
			}
		})
	}
}

// TestStreamXLSXOpens checks the streamed workbook as a reader sees it:
// sheets, typed cells, styles, the frozen header, the filter and widths.
func TestStreamXLSXOpens(t *testing.T) {
	s, err := NewStream(asOf, ict, Lookup(testTasks()), memSource(t, testAssignments()), testDirectory(t))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{SheetSummary, SheetDetail}) {
		t.Errorf("sheets = %q", got)
	}
	for ref, want := range map[string]string{"A6": "I", "G9": "9", "B13": "Văn phòng Sở"} {
		if got, _ := f.GetCellValue(SheetSummary, ref); got != want {
			t.Errorf("%s!%s = %q, want %q", SheetSummary, ref, got, want)
		}
	}
	for ref, want := range map[string]string{"D6": "I.5", "I6": "11/10/2024", "L6": "12/10/2024 00:00", "J8": "Quá hạn chưa hoàn thành", "K8": "1"} {
		if got, _ := f.GetCellValue(SheetDetail, ref); got != want {
			t.Errorf("%s!%s = %q, want %q", SheetDetail, ref, got, want)
		}
	}
	if typ, _ := f.GetCellType(SheetDetail, "I6"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("due day I6 has type %v, want a date number", typ)
	}
	if typ, _ := f.GetCellType(SheetSummary, "G9"); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("G9 is text, want a number")
	}
	if panes, err := f.GetPanes(SheetDetail); err != nil || !panes.Freeze || panes.TopLeftCell != "A2" {
		t.Errorf("panes = %+v, %v", panes, err)
	}
	if w, _ := f.GetColWidth(SheetDetail, "F"); w != 60 {
		t.Errorf("column F width %v, want 60", w)
	}
	names := f.GetDefinedName()
	if !slices.ContainsFunc(names, func(d excelize.DefinedName) bool {
		return d.Name == "_xlnm._FilterDatabase" && d.RefersTo == fmt.Sprintf("'%s'!$A$1:$Q$10", SheetDetail)
	}) {
		t.Errorf("no filter on A1:Q10 of the detail sheet: %+v", names)
	}
}
