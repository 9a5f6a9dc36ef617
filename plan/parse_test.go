package plan

import (
	"bytes"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"
)

const fixture = "testdata/ke-hoach-60-KH-SCT-2024-phu-luc-I.txt"

// parseFile parses a file of testdata and fails the test on any error.
func parseFile(t testing.TB, path string) *Plan {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(bytes.NewReader(data), path)
	if err != nil {
		t.Fatalf("Parse(%s): %v", path, err)
	}
	return p
}

func TestParseAppendixMetadata(t *testing.T) {
	p := parseFile(t, fixture)
	if p.Code != "60/KH-SCT" {
		t.Errorf("Code = %q, want 60/KH-SCT", p.Code)
	}
	want := time.Date(2024, 6, 13, 0, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	if !p.Date.Equal(want) {
		t.Errorf("Date = %v, want %v", p.Date, want)
	}
	if _, off := p.Date.Zone(); off != 7*3600 {
		t.Errorf("Date zone offset = %d, want +07:00", off)
	}
	if p.Year != 2024 {
		t.Errorf("Year = %d, want 2024", p.Year)
	}
	if p.Issuer != "Sở Công Thương" {
		t.Errorf("Issuer = %q", p.Issuer)
	}
	if want := "CÁC NHIỆM VỤ, GIẢI PHÁP NHẪM NÂNG CAO CHỈ SỐ PAR INDEX NĂM 2024"; p.Title != want {
		t.Errorf("Title = %q, want %q", p.Title, want)
	}
	if p.Source != fixture {
		t.Errorf("Source = %q, want %q", p.Source, fixture)
	}
}

func TestParseAppendixTaskIDs(t *testing.T) {
	p := parseFile(t, fixture)
	want := []string{
		"I.1", "I.2", "I.3", "I.4.1", "I.5", "I.6",
		"II.1", "II.2", "II.3",
		"III.1.1", "III.1.2", "III.2.1", "III.2.2.1", "III.2.2.2", "III.2.3",
		"III.3.1", "III.3.2", "III.3.3", "III.3.4", "III.4.1", "III.4.2", "III.5.1", "III.5.2",
		"IV.1", "IV.2", "IV.3.1", "IV.3.2", "IV.3.3",
		"V.1", "V.2", "V.3",
		"VI.1.1", "VI.1.2", "VI.1.3", "VI.2.1", "VI.2.2.1", "VI.2.2.2", "VI.2.2.3",
		"VII.1.1", "VII.1.2", "VII.2.1", "VII.2.2", "VII.2.3", "VII.3.1", "VII.3.2", "VII.3.3",
	}
	var got []string
	for _, task := range p.Tasks {
		got = append(got, task.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("task ids (%d):\n got %q\nwant %q", len(got), got, want)
	}
}

func TestParseAppendixHeadingsAreNotTasks(t *testing.T) {
	p := parseFile(t, fixture)
	// VI.2.2 has its timeline and unit cells filled, yet has children.
	for _, id := range []string{"I.4", "III.1", "III.2", "III.2.2", "VI.2", "VI.2.2", "VII.2"} {
		if _, ok := p.Task(id); ok {
			t.Errorf("heading %s is a task", id)
		}
	}
}

func TestParseAppendixTasks(t *testing.T) {
	const (
		vp   = "Văn phòng Sở"
		cp   = "Các phòng thuộc Sở"
		cpcm = "Các phòng chuyên môn thuộc Sở"
		s1   = "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH CCHC"
		s3   = "CẢI CÁCH THỦ TỤC HÀNH CHÍNH (TTHC)"
		s7   = "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ"
		h32  = "Công bố, công khai TTHC và kết quả giải quyết hồ sơ"
		h72  = "Phát triển ứng dụng, dịch vụ phục vụ người dân, tổ chức:"
	)
	year2024 := Timeline{Text: "Trong năm 2024", Kind: KindYear, Year: 2024}
	tests := []Task{{
		ID: "I.1", Section: "I", Headings: []string{s1},
		Text:     "Tổ chức thực hiện các nhiệm vụ tại Kế hoạch CCHC của tỉnh năm 2024",
		Timeline: year2024, Lead: []string{vp}, Coord: []string{cp},
		Output: "100% nhiệm vụ đề ra tại Kế hoạch được thực hiện hoàn thành",
		Lines:  []int{9},
	}, {
		// Lead and coordinating cells are blank: merged with I.1's.
		ID: "I.2", Section: "I", Headings: []string{s1},
		Text:     "Báo cáo kết quả thực hiện công tác CCHC định kỳ của tỉnh",
		Timeline: Timeline{Text: "Theo quy định", Kind: KindRegulation},
		Lead:     []string{vp}, Coord: []string{cp},
		Output: "Báo cáo kết quả thực hiện của Sở gửi UBND tỉnh (qua Sở Nội vụ) đáp ứng đầy đủ về số lượng, nội dung và đúng thời gian quy định.",
		Lines:  []int{10},
	}, {
		ID: "I.3", Section: "I", Headings: []string{s1},
		Text:     "Tổ chức kiểm tra công tác CCHC năm 2024",
		Timeline: Timeline{Text: "Theo Kế hoạch kiểm tra", Kind: KindOtherPlan, Ref: "Kế hoạch kiểm tra"},
		Lead:     []string{vp}, Coord: []string{cp},
		Output: "- Hoàn thành 100% Kế hoạch kiểm tra CCHC - 100% các vấn đề phát hiện qua kiểm tra được xử lý.",
		Lines:  []int{11},
	}, {
		ID: "I.4.1", Section: "I", Headings: []string{s1, "Công tác tuyên truyền CCHC"},
		Text:     "Đăng tải nội dung, thông tin CCHC trên trang thông tin điện tử",
		Timeline: Timeline{Text: "Thường xuyên", Kind: KindRecurring, Every: EveryUnspecified},
		Lead:     []string{vp}, Coord: []string{cp},
		Output: "Tin, bài viết về những kết quả đạt được và những tồn tại, hạn chế, nguyên nhân, tình hình triển khai nhiệm vụ CCHC của các ngành, địa phương; các mô hình, cơ chế đang được triển khai thực hiện, các điển hình tốt trong CCHC được đăng tải thường xuyên và liên tục",
		Lines:  []int{13},
	}, {
		// The output cell continues after the page break (line 17).
		ID: "I.5", Section: "I", Headings: []string{s1},
		Text:     "Sáng kiến hoặc giải pháp mới trong CCHC",
		Timeline: year2024, Lead: []string{cp}, Coord: []string{vp},
		Output: "Mỗi phòng có ít nhất 01 sáng kiến hoặc giải pháp mới trong CCHC được áp dụng có hiệu quả.",
		Lines:  []int{14, 17},
	}, {
		ID: "I.6", Section: "I", Headings: []string{s1},
		Text:     "Phối hợp triển khai thực hiện việc khảo sát cán bộ, lãnh đạo quản lý phục vụ chấm điểm Chỉ số CCHC của tỉnh năm 2024",
		Timeline: Timeline{Text: "Theo kế hoạch của Bộ Nội vụ", Kind: KindOtherPlan, Ref: "kế hoạch của Bộ Nội vụ"},
		Lead:     []string{vp}, Coord: []string{cp},
		Output: "Hoàn thành 100% phiếu khảo sát, đáp ứng yêu cầu đặt ra",
		Lines:  []int{18},
	}, {
		// Task and output cells both continue on line 29.
		ID: "III.1.2", Section: "III", Headings: []string{s3, "Kiểm soát quy định thủ tục hành chính (TTHC)"},
		Text:     "Có các kiến nghị cải cách TTHC, kiến nghị cụ thể sửa đổi, bổ sung VBQPPL quy định TTHC trong năm đánh giá",
		Timeline: year2024, Lead: []string{vp}, Coord: []string{cpcm},
		Output: "- Rà soát thường xuyên các kiến nghị cải cách TTHC, kiến nghị cụ thể sửa đổi, bổ sung VBQPPL quy định TTHC - Báo cáo công tác kiểm soát TTHC của Sở",
		Lines:  []int{26, 29},
	}, {
		ID: "III.2.2.1", Section: "III", Headings: []string{s3, h32, "Công khai TTHC và các quy định có liên quan"},
		Text:     "Công khai TTHC đầy đủ, kịp thời trên Hệ thống thông tin giải quyết TTHC của tỉnh và Website của Sở.",
		Timeline: year2024, Lead: []string{vp}, Coord: []string{cpcm},
		Output: "- Công khai TTHC đầy đủ, kịp thời trên Hệ thống thông tin giải quyết TTHC của tỉnh - Trang thông tin điện tử của cơ quan công khai đầy đủ, kịp thời TTHC thuộc thẩm quyền giải quyết.",
		Lines:  []int{33},
	}, {
		// The unit loses its stray ';', the output keeps it.
		ID: "III.2.2.2", Section: "III", Headings: []string{s3, h32, "Công khai TTHC và các quy định có liên quan"},
		Text:     "Công khai TTHC đầy đủ, kịp thời tại Bộ phận Một cửa",
		Timeline: year2024, Lead: []string{vp}, Coord: []string{"Trung tâm Phục vụ hành chính công tỉnh"},
		Output: "- Cung cấp 100% TTHC được công khai đầy đủ, kịp thời tại Trung tâm Phục vụ hành chính công tỉnh;",
		Lines:  []int{34, 37},
	}, {
		// A heading row with a body row (line 39) and no children.
		ID: "III.2.3", Section: "III", Headings: []string{s3, h32},
		Text:     "Công khai tiến độ, kết quả giải quyết hồ sơ trên Hệ thống thông tin giải quyết TTHC: Tỷ lệ hồ sơ TTHC do Sở tiếp nhận, giải quyết được công khai trên Hệ thống thông tin giải quyết TTHC của tỉnh",
		Timeline: Timeline{Kind: KindBlank}, Lead: []string{vp}, Coord: []string{cpcm},
		Output: "Bảo đảm 100% hồ sơ TTHC do cơ quan tiếp nhận, giải quyết được công khai trên Hệ thống thông tin giải quyết TTHC của tỉnh (đối với các TTHC thuộc tỉnh quản lý)",
		Lines:  []int{38, 39},
	}, {
		ID: "III.4.1", Section: "III", Headings: []string{s3, "Kết quả giải quyết hồ sơ TTHC"},
		Text:     "Tỷ lệ hồ sơ TTHC tiếp nhận trong năm được giải quyết đúng hạn",
		Timeline: year2024, Lead: []string{cpcm, "Công chức tại TTPVHCC"}, Coord: []string{vp},
		Output: "- Bảo đảm tỷ lệ hồ sơ giải quyết đúng hạn 100%.",
		Lines:  []int{49},
	}, {
		ID: "VII.2.1", Section: "VII", Headings: []string{s7, h72},
		Text:     "Triển khai số hóa hồ sơ, kết quả giải quyết và cấp kết quả giải quyết TTHC điện tử đối với TTHC thuộc thẩm quyền giải quyết của cấp tỉnh",
		Timeline: Timeline{Text: "Thường xuyên", Kind: KindRecurring}, Lead: []string{cp}, Coord: []string{vp},
		Output: "Tỷ lệ đạt 100%",
		Lines:  []int{87, 90},
	}, {
		// The short form stays as written; org resolves it.
		ID: "VII.2.2", Section: "VII", Headings: []string{s7, h72},
		Text:     "Tăng tỷ lệ dịch vụ công trực tuyến toàn trình",
		Timeline: year2024, Lead: []string{"Các phòng"}, Coord: []string{vp},
		Output: "Đạt tỷ lệ tối thiểu 90%.",
		Lines:  []int{91},
	}}
	p := parseFile(t, fixture)
	for _, want := range tests {
		t.Run(want.ID, func(t *testing.T) {
			got, ok := p.Task(want.ID)
			if !ok {
				t.Fatalf("no task %s", want.ID)
			}
			compareTasks(t, got, want)
		})
	}
}

// compareTasks reports every field of got that differs from want.
func compareTasks(t *testing.T, got, want Task) {
	t.Helper()
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gv.NumField() {
		if g, w := gv.Field(i).Interface(), wv.Field(i).Interface(); !reflect.DeepEqual(g, w) {
			t.Errorf("%s:\n got %#v\nwant %#v", gv.Type().Field(i).Name, g, w)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(fixture)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(data), fixture); err != nil {
			b.Fatal(err)
		}
	}
}
