package report

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/scheduler"
)

var wantHeader = []string{
	"Kế hoạch", "Mục", "Tên mục", "Mã nhiệm vụ", "Kỳ", "Nội dung nhiệm vụ", "Mã đơn vị", "Đơn vị chủ trì",
	"Hạn", "Tình trạng", "Số ngày làm việc quá hạn", "Thời điểm hoàn thành", "Người xác nhận", "Qua kênh", "Ghi chú hoàn thành",
	"Ghi chú tiến độ", "Tài liệu kiểm chứng",
}

func readCSV(t *testing.T, r Report) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	body, ok := bytes.CutPrefix(buf.Bytes(), []byte{0xEF, 0xBB, 0xBF})
	if !ok {
		t.Fatalf("CSV does not start with the UTF-8 BOM: % x", buf.Bytes()[:8])
	}
	records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return records
}

func TestWriteCSV(t *testing.T) {
	r := Build(asOf, ict, testTasks(), testAssignments(), testDirectory(t))
	records := readCSV(t, r)
	if !slices.Equal(records[0], wantHeader) {
		t.Errorf("header = %q\nwant %q", records[0], wantHeader)
	}
	if len(records) != 1+len(r.Rows) {
		t.Fatalf("got %d records, want header + %d rows", len(records), len(r.Rows))
	}

	t.Run("same rows", func(t *testing.T) {
		for i, row := range r.Rows {
			rec := records[i+1]
			_, p, _ := strings.Cut(row.Occurrence, "@")
			if rec[0] != row.Plan || rec[1] != row.Section || rec[2] != row.SectionTitle || rec[3] != row.TaskID || rec[4] != scheduler.PeriodName(p) ||
				rec[5] != row.Text || rec[6] != row.Unit || rec[7] != row.UnitName || rec[8] != row.Due.String() ||
				rec[9] != row.Bucket.Label() || rec[12] != row.DoneByName || rec[14] != row.Note {
				t.Errorf("record %d = %q does not match row %+v", i+1, rec, row)
			}
		}
	})
	t.Run("done late with evidence", func(t *testing.T) {
		want := []string{
			"60/KH-SCT", "I", titleI, "I.5", "năm 2024", "Sáng kiến hoặc giải pháp mới trong CCHC", "qlcn",
			"Phòng Quản lý công nghiệp", "2024-10-11", "Hoàn thành quá hạn", "0", "2024-10-12 00:00", "Trần Thị Bình",
			"Telegram", "Sáng kiến số hoá hồ sơ", "",
			"sang-kien-qlcn.pdf (Trần Thị Bình, 12/10/2024 00:00) [evidence/I.5/sang-kien-qlcn.pdf]",
		}
		if got := records[5]; !slices.Equal(got, want) {
			t.Errorf("record 5 =\n%q\nwant\n%q", got, want)
		}
	})
	t.Run("overdue with notes", func(t *testing.T) {
		want := []string{
			"60/KH-SCT", "II", titleII, "II.1", "năm 2024", "Rà soát xử lý kết quả theo dõi thi hành pháp luật", "qlcn",
			"Phòng Quản lý công nghiệp", "2024-10-14", "Quá hạn chưa hoàn thành", "1", "", "", "", "",
			"10/10/2024 09:00, Trần Thị Bình: Đang tổng hợp số liệu", "",
		}
		if got := records[7]; !slices.Equal(got, want) {
			t.Errorf("record 7 =\n%q\nwant\n%q", got, want)
		}
	})
}

func TestWriteCSVCells(t *testing.T) {
	a := asg("I.1", "2024", "vp", day(2024, time.December, 31))
	a = done(a, at(2024, time.October, 3, 8, 0), "tp-qlcn", "telegram", "=HYPERLINK(\"http://x\")")
	a.Notes = []scheduler.Note{
		{Text: "- dòng một", By: "tp-qlcn", At: at(2024, time.October, 1, 8, 0)},
		{Text: "dòng hai, có \"ngoặc\"", By: "ai-do", At: at(2024, time.October, 2, 8, 30)},
	}
	a.Evidence = []scheduler.Evidence{
		{Name: "a.pdf", By: "tp-qlcn", At: at(2024, time.October, 1, 8, 0)},
		{Name: "@b.docx", By: "tp-qlcn", At: at(2024, time.October, 2, 8, 0)},
	}
	r := Build(asOf, ict, testTasks(), []scheduler.Assignment{a}, testDirectory(t))
	rec := readCSV(t, r)[1]
	tests := []struct{ name, got, want string }{
		{"formula defused", rec[14], "'=HYPERLINK(\"http://x\")"},
		{"notes one per line, unknown person by id",
			rec[15], "01/10/2024 08:00, Trần Thị Bình: - dòng một\n02/10/2024 08:30, ai-do: dòng hai, có \"ngoặc\""},
		{"evidence one per line", rec[16],
			"a.pdf (Trần Thị Bình, 01/10/2024 08:00)\n@b.docx (Trần Thị Bình, 02/10/2024 08:00)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("cell = %q, want %q", tt.got, tt.want)
			}
		})
	}
	t.Run("CRLF records", func(t *testing.T) {
		var buf bytes.Buffer
		if err := r.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(buf.String(), "\r\n") || strings.Count(buf.String(), "\r\n") < 2 {
			t.Errorf("records do not end in CRLF: %q", buf.String())
		}
	})
}

func TestDefuse(t *testing.T) {
	for in, want := range map[string]string{
		"":         "",
		"=1+1":     "'=1+1",
		"+84 912":  "'+84 912",
		"-5":       "'-5",
		"@SUM(A1)": "'@SUM(A1)",
		"\tx":      "'\tx",
		"Đã xong":  "Đã xong",
		"a=b":      "a=b",
	} {
		t.Run(in, func(t *testing.T) {
			if got := defuse(in); got != want {
				t.Errorf("defuse(%q) = %q, want %q", in, got, want)
			}
		})
	}
}
