package plan

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// parseErrors parses text that must fail and returns the problems as lines.
func parseErrors(t *testing.T, name, text string) []string {
	t.Helper()
	p, err := Parse(strings.NewReader(text), name)
	if err == nil {
		t.Fatalf("Parse(%s) succeeded with %d tasks, want errors", name, len(p.Tasks))
	}
	if p != nil {
		t.Errorf("Parse(%s) returned a plan along with errors", name)
	}
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error is %T, want Errors: %v", err, err)
	}
	if err.Error() != errs.Error() {
		t.Errorf("Error() = %q, want the joined problems %q", err.Error(), errs.Error())
	}
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Error()
	}
	return out
}

func TestParseMalformedFiles(t *testing.T) {
	const noLead = "task %s has no lead unit (Cơ quan chủ trì) and no row above it in section %s to inherit one from"
	tests := map[string][]string{
		"out-of-sequence.txt": {
			"out-of-sequence.txt:11: number 2.4 out of sequence after 2.2 (expected 2.2.1, 2.3 or 3)",
			"out-of-sequence.txt:13: number 2 out of sequence at the start of section II (expected 1)",
		},
		"too-many-cells.txt": {
			// Line 7 has 9 cells, the last three empty: that is fine.
			"too-many-cells.txt:8: row has 7 cells, expected at most 6",
		},
		"no-header.txt": {
			"no-header.txt:5: no header row (STT, Nhiệm vụ cụ thể, Tiến độ, …) before this table row",
		},
		"continuation-without-row.txt": {
			"continuation-without-row.txt:6: row with empty STT has no numbered row above it to continue",
			"continuation-without-row.txt:8: row with empty STT has no numbered row above it to continue",
		},
		"task-without-lead.txt": {
			"task-without-lead.txt:7: " + fmt.Sprintf(noLead, "I.1", "I"),
			// No inheritance across sections.
			"task-without-lead.txt:10: " + fmt.Sprintf(noLead, "II.1", "II"),
		},
		"sections-out-of-order.txt": {
			"sections-out-of-order.txt:8: section III out of order after I (expected II)",
		},
		"several-problems.txt": {
			"several-problems.txt:1: title block (lines 1-4): no plan code (“Kế hoạch số …”)",
			"several-problems.txt:7: " + fmt.Sprintf(noLead, "I.1", "I"),
			"several-problems.txt:8: row has 9 cells, expected at most 6",
			"several-problems.txt:8: number 3 out of sequence after 1 (expected 1.1 or 2)",
			`several-problems.txt:9: unrecognised STT "a)": expected a number (1, 1.1, 2.2.1) or a section numeral (I, II, …)`,
			"several-problems.txt:10: section III out of order after I (expected II)",
			"several-problems.txt:11: row with empty STT has no numbered row above it to continue",
		},
	}
	files, err := filepath.Glob("testdata/malformed/*.txt")
	if err != nil || len(files) != len(tests) {
		t.Fatalf("testdata/malformed has %d files, the test knows %d (%v)", len(files), len(tests), err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			want, ok := tests[name]
			if !ok {
				t.Fatalf("no expected errors for %s", name)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got := parseErrors(t, name, string(data))
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// doc builds a small appendix: a title block, a header, then rows whose
// cells are separated by '|'. The header is line 4, the first row line 5.
func doc(rows ...string) string {
	lines := []string{
		"PHỤ LỤC I",
		"NHIỆM VỤ NĂM 2025",
		"(Kèm theo Kế hoạch số 12/KH-SCT ngày 10/01/2025 của Sở Công Thương)",
		"STT|Nhiệm vụ cụ thể|Tiến độ|Cơ quan chủ trì|Cơ quan phối hợp|Kết quả/sản phẩm",
	}
	return strings.ReplaceAll(strings.Join(append(lines, rows...), "\n"), "|", "\t")
}

func TestParseDocumentErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"empty", "", []string{"empty:1: empty document: no title block and no table"}},
		{"blank lines", "\r\n \t \n", []string{"blank lines:1: empty document: no title block and no table"}},
		{"not utf-8", "PHỤ LỤC I\r\nKế hoạch số 1/KH\r\n\xe1\xbb\n", []string{"not utf-8:3: not valid UTF-8 text (save the file as UTF-8)"}},
		{"no header at all", "PHỤ LỤC I\nKế hoạch số 1/KH ngày 1/2/2025\n", []string{
			"no header at all:1: no header row (STT, Nhiệm vụ cụ thể, Tiến độ, …) in the document"}},
		{"no year", "Kế hoạch số 1/KH\nSTT|Nhiệm vụ cụ thể|Tiến độ|Cơ quan chủ trì|Cơ quan phối hợp|Kết quả/sản phẩm\nI|A\n1|B||VP",
			[]string{"no year:1: title block (lines 1-1): no plan year (neither “NĂM yyyy” in the title nor a date of issue)"}},
		{"invalid date", "Kế hoạch số 1/KH ngày 30/2/2025\nSTT|Nhiệm vụ cụ thể|Tiến độ|Cơ quan chủ trì|Cơ quan phối hợp|Kết quả/sản phẩm\nI|A\n1|B||VP", []string{
			`invalid date:1: invalid date of issue in "Kế hoạch số 1/KH ngày 30/2/2025"`,
			"invalid date:1: title block (lines 1-1): no plan year (neither “NĂM yyyy” in the title nor a date of issue)"}},
		{"header at top", "STT|Nhiệm vụ cụ thể|Tiến độ|Cơ quan chủ trì|Cơ quan phối hợp|Kết quả/sản phẩm\nI|A\n1|B|Năm 2025|VP", []string{
			"header at top:1: title block (no lines before the first header row): no plan code (“Kế hoạch số …”)",
			"header at top:1: title block (no lines before the first header row): no plan year (neither “NĂM yyyy” in the title nor a date of issue)"}},
		{"wrong header", doc("I|A", "STT|Nhiệm vụ|Tiến độ|Cơ quan chủ trì|Cơ quan phối hợp|Kết quả/sản phẩm", "1|B||VP"), []string{
			`wrong header:6: header row: column 2 is "Nhiệm vụ", expected "Nhiệm vụ cụ thể"`}},
		{"no tasks", doc("I|A"), []string{"no tasks:4: no tasks: the table has no numbered rows"}},
		{"row before section", doc("1|B||VP", "", "I|A", "1|B||VP"), []string{"row before section:5: numbered row 1 before any section (I, II, …)"}},
		{"first section", doc("II|A", "1|B||VP"), []string{"first section:5: section II out of order: the first section must be I"}},
		{"after the last section", doc("I|A", "1|B||VP", "XX|Z", "XX|Z"), []string{
			"after the last section:7: section XX out of order after I (expected II)",
			"after the last section:8: section XX out of order after XX, the last possible section"}},
		{"too deep", doc("I|A", "1.1.1.1.1.1.1.1.1|B||VP"), []string{"too deep:6: number 1.1.1.1.1.1.1.1.1 has more than 8 levels"}},
		{"task without text", doc("I|A", "1||Năm 2025|VP"), []string{"task without text:6: task I.1 has no text (Nhiệm vụ cụ thể)"}},
		// The empty-STT row after the rejected row belongs to it: one error.
		{"rejected row", doc("I|A", "a|B||VP", "|more", "1|B||VP"), []string{
			`rejected row:6: unrecognised STT "a": expected a number (1, 1.1, 2.2.1) or a section numeral (I, II, …)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.ReplaceAll(tt.text, "|", "\t")
			got := parseErrors(t, tt.name, text)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestParseCapsErrors(t *testing.T) {
	rows := []string{"I|A"}
	for range 300 {
		rows = append(rows, "x|B||VP")
	}
	got := parseErrors(t, "many", doc(rows...))
	if len(got) != maxErrors+1 {
		t.Fatalf("%d errors, want %d", len(got), maxErrors+1)
	}
	if !strings.HasPrefix(got[0], "many:6: ") || !strings.HasPrefix(got[maxErrors-1], "many:105: ") {
		t.Errorf("errors not in line order: %q … %q", got[0], got[maxErrors-1])
	}
	if want := "many:105: too many errors (more than 100); stopped"; got[maxErrors] != want {
		t.Errorf("last error = %q, want %q", got[maxErrors], want)
	}
}

func TestErrorFormat(t *testing.T) {
	errs := Errors{{File: "a.txt", Line: 3, Msg: "bad"}, {File: "a.txt", Line: 9, Msg: "worse"}}
	if got, want := errs.Error(), "a.txt:3: bad\na.txt:9: worse"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var e *Error
	if !errors.As(error(errs), &e) || e.Line != 3 {
		t.Errorf("errors.As found %v, want the first problem", e)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestParseReadError(t *testing.T) {
	_, err := Parse(failingReader{}, "x.txt")
	var errs Errors
	if err == nil || errors.As(err, &errs) || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("err = %v, want the wrapped read error", err)
	}
}
