package report

import (
	"fmt"
	"io"
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
