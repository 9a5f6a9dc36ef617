package plan

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/malformed/*.txt")
	seeds = append(seeds, fixture, variantFile)
	for _, path := range seeds {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(doc("I|A", "1|Nhóm:", "|thân|Quý III/2025|VP", "", header, "|tiếp||||x", "1.1|Con")))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(bytes.NewReader(data), "fuzz")
		if err != nil {
			if p != nil {
				t.Fatal("plan returned along with errors")
			}
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 || len(errs) > maxErrors+1 {
				t.Fatalf("error %T with %d problems: %v", err, len(errs), err)
			}
			for _, e := range errs {
				if e.Line < 1 || e.File != "fuzz" || e.Msg == "" {
					t.Fatalf("bad problem %#v", e)
				}
			}
			return
		}
		if p.Code == "" || p.Year == 0 || len(p.Tasks) == 0 {
			t.Fatalf("plan without code, year or tasks: %+v", p)
		}
		seen := map[string]bool{}
		for _, task := range p.Tasks {
			if task.ID == "" || seen[task.ID] || !strings.HasPrefix(task.ID, task.Section+".") {
				t.Fatalf("bad or repeated id %q in section %q", task.ID, task.Section)
			}
			seen[task.ID] = true
			if len(task.Lead) == 0 || task.Line() < 1 || task.Text == "" || len(task.Headings) == 0 {
				t.Fatalf("task %s: lead %q line %d text %q", task.ID, task.Lead, task.Line(), task.Text)
			}
			for i := 1; i < len(task.Lines); i++ {
				if task.Lines[i] <= task.Lines[i-1] {
					t.Fatalf("task %s: lines %v not increasing", task.ID, task.Lines)
				}
			}
			for _, s := range append(append([]string{task.Text, task.Output, task.Timeline.Text}, task.Lead...), task.Coord...) {
				if !utf8.ValidString(s) || !norm.NFC.IsNormalString(s) || s != collapse(s) {
					t.Fatalf("task %s: text %q not clean NFC", task.ID, s)
				}
			}
			if task.Timeline != ParseTimeline(task.Timeline.Text) {
				t.Fatalf("task %s: timeline %+v differs from ParseTimeline of its text", task.ID, task.Timeline)
			}
		}
	})
}
