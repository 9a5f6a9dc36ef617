package plan

import (
	"reflect"
	"strings"
	"testing"
)

// parseDoc parses doc(rows...) and fails on any error.
func parseDoc(t *testing.T, rows ...string) *Plan {
	t.Helper()
	p, err := Parse(strings.NewReader(doc(rows...)), "t.txt")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func task(t *testing.T, p *Plan, id string) Task {
	t.Helper()
	task, ok := p.Task(id)
	if !ok {
		t.Fatalf("no task %s", id)
	}
	return task
}

const header = "STT|Nhiệm vụ cụ thể|Tiến độ|Cơ quan chủ trì|Cơ quan phối hợp|Kết quả/sản phẩm"

func TestParseInheritsUnitCells(t *testing.T) {
	p := parseDoc(t,
		"I|A",
		"1|Nhóm|Năm 2025|Văn phòng Sở|Thanh tra Sở|Kết quả nhóm", // a heading still fills merged cells
		"1.1|Một|||",
		"1.2|Hai||Các phòng||Kết quả hai",
		"1.3|Ba|||Phòng A, Phòng B",
		"1.4|Bốn",
	)
	tests := []struct {
		id               string
		lead, coord      []string
		timeline, output string
	}{
		{"I.1.1", []string{"Văn phòng Sở"}, []string{"Thanh tra Sở"}, "", ""},
		{"I.1.2", []string{"Các phòng"}, []string{"Thanh tra Sở"}, "", "Kết quả hai"},
		{"I.1.3", []string{"Các phòng"}, []string{"Phòng A", "Phòng B"}, "", ""},
		{"I.1.4", []string{"Các phòng"}, []string{"Phòng A", "Phòng B"}, "", ""},
	}
	for _, tt := range tests {
		got := task(t, p, tt.id)
		// Timeline and output never inherit.
		if !reflect.DeepEqual(got.Lead, tt.lead) || !reflect.DeepEqual(got.Coord, tt.coord) ||
			got.Timeline.Kind != KindBlank || got.Output != tt.output {
			t.Errorf("%s: lead %q coord %q timeline %q output %q; want %q %q blank %q",
				tt.id, got.Lead, got.Coord, got.Timeline.Text, got.Output, tt.lead, tt.coord, tt.output)
		}
	}
	// Inherited slices are copies: changing one task leaves the others alone.
	p2 := parseDoc(t, "I|A", "1|Một||Văn phòng Sở", "2|Hai")
	p2.Tasks[0].Lead[0] = "changed"
	if got := task(t, p2, "I.2").Lead[0]; got != "Văn phòng Sở" {
		t.Errorf("I.2 lead = %q after changing I.1", got)
	}
}

func TestParseContinuationAndBody(t *testing.T) {
	p := parseDoc(t,
		"I. CÔNG TÁC CHỈ ĐẠO|||||",
		"1|Việc cắt ngang|Năm 2025|Văn phòng Sở||Đầu",
		"",
		header,
		"|phần sau||||cuối",
		"2|Nhóm có thân:",
		"|nội dung thân|Hằng quý|Thanh tra Sở",
		"|thêm nữa||||kết quả",
		"3.|Nhóm có thân và con",
		"|thân",
		"3.1|Con||Văn phòng Sở",
		"II.|CẢI CÁCH",
		"",
		header,
		"|THỂ CHẾ",
		"1|Việc||Văn phòng Sở",
	)
	t.Run("page break", func(t *testing.T) {
		got := task(t, p, "I.1")
		if got.Text != "Việc cắt ngang phần sau" || got.Output != "Đầu cuối" || !reflect.DeepEqual(got.Lines, []int{6, 9}) {
			t.Errorf("I.1 = %q / %q lines %v", got.Text, got.Output, got.Lines)
		}
		if want := []string{"CÔNG TÁC CHỈ ĐẠO"}; !reflect.DeepEqual(got.Headings, want) {
			t.Errorf("I.1 headings = %q, want %q", got.Headings, want)
		}
	})
	t.Run("body rows", func(t *testing.T) {
		got := task(t, p, "I.2")
		want := Task{ID: "I.2", Section: "I", Headings: []string{"CÔNG TÁC CHỈ ĐẠO"},
			Text:     "Nhóm có thân: nội dung thân thêm nữa",
			Timeline: Timeline{Text: "Hằng quý", Kind: KindRecurring, Every: EveryQuarter},
			Lead:     []string{"Thanh tra Sở"}, Output: "kết quả", Lines: []int{10, 11, 12}}
		compareTasks(t, got, want)
	})
	t.Run("children win over a body", func(t *testing.T) {
		if _, ok := p.Task("I.3"); ok {
			t.Error("I.3 has a child yet is a task")
		}
		want := []string{"CÔNG TÁC CHỈ ĐẠO", "Nhóm có thân và con: thân"}
		if got := task(t, p, "I.3.1").Headings; !reflect.DeepEqual(got, want) {
			t.Errorf("I.3.1 headings = %q, want %q", got, want)
		}
	})
	t.Run("section title across a page", func(t *testing.T) {
		if got := task(t, p, "II.1").Headings; !reflect.DeepEqual(got, []string{"CẢI CÁCH THỂ CHẾ"}) {
			t.Errorf("II.1 headings = %q", got)
		}
	})
}
