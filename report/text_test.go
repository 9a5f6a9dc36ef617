package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/scheduler"
)

// fields folds runs of spaces so that lines compare without the alignment.
func fields(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestWriteText(t *testing.T) {
	r := Build(asOf, ict, testTasks(), testAssignments(), testDirectory(t))
	var buf bytes.Buffer
	if err := r.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		lines = append(lines, fields(l))
	}
	has := func(line string) bool {
		for _, l := range lines {
			if l == line {
				return true
			}
		}
		return false
	}
	wantLines := []string{
		"Tính đến: 10:00 ngày 15/10/2024",
		"Kế hoạch: 60/KH-SCT",
		// totals
		"Hoàn thành đúng hạn 2 22,2%",
		"Hoàn thành quá hạn 2 22,2%",
		"Chưa hoàn thành, trong hạn 2 22,2%",
		"Quá hạn chưa hoàn thành 3 33,3%",
		"Tổng số 9 100%",
		// by section
		"Mục Tên mục Hoàn thành đúng hạn Hoàn thành quá hạn Chưa hoàn thành, trong hạn Quá hạn chưa hoàn thành Tổng số",
		"I CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH CCHC 2 2 1 1 6",
		"II CẢI CÁCH THỂ CHẾ 0 0 1 1 2",
		"III CẢI CÁCH THỦ TỤC HÀNH CHÍNH 0 0 0 1 1",
		// by unit
		"Văn phòng Sở 2 1 1 0 4",
		"Phòng Quản lý công nghiệp 0 1 0 1 2",
		"Phòng Quản lý thương mại 0 0 0 2 2",
		"Phòng Kỹ thuật an toàn – Môi trường 0 0 1 0 1",
		"Tổng cộng 2 2 2 3 9",
		// overdue, with the note made before asOf
		"IV. NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH (3)",
		"1. I.5 (kỳ năm 2024) — Phòng Quản lý thương mại — hạn 11/10/2024, quá hạn 2 ngày làm việc",
		"2. II.1 (kỳ năm 2024) — Phòng Quản lý công nghiệp — hạn 14/10/2024, quá hạn 1 ngày làm việc",
		"Nhiệm vụ: Rà soát xử lý kết quả theo dõi thi hành pháp luật",
		"- 10/10/2024 09:00, Trần Thị Bình: Đang tổng hợp số liệu",
		"3. III.2.1 (kỳ năm 2024) — Phòng Quản lý thương mại — hạn 10/10/2024, quá hạn 3 ngày làm việc",
		// late, with who, when, note and evidence
		"V. NHIỆM VỤ HOÀN THÀNH QUÁ HẠN (2)",
		"1. I.4.1 (kỳ tháng 8/2024) — Văn phòng Sở — hạn 30/08/2024",
		"Hoàn thành: 04/09/2024 09:00, Nguyễn Văn An, qua dòng lệnh (muộn 1 ngày làm việc)",
		"2. I.5 (kỳ năm 2024) — Phòng Quản lý công nghiệp — hạn 11/10/2024",
		"Hoàn thành: 12/10/2024 00:00, Trần Thị Bình, qua Telegram (muộn, trong ngày nghỉ sau hạn)",
		"Ghi chú: Sáng kiến số hoá hồ sơ",
		"Tài liệu kiểm chứng:",
		"- sang-kien-qlcn.pdf (Trần Thị Bình, 12/10/2024 00:00) [evidence/I.5/sang-kien-qlcn.pdf]",
	}
	for _, w := range wantLines {
		if !has(w) {
			t.Errorf("missing line %q in:\n%s", w, out)
		}
	}
	for _, absent := range []string{"Đã gửi dự thảo", "bo-sung.pdf", "Đã công khai", " I.1 ("} {
		if strings.Contains(out, absent) {
			t.Errorf("text shows %q, made after asOf or archived", absent)
		}
	}

	t.Run("columns align", func(t *testing.T) {
		assertAligned(t, out, "Văn phòng Sở", "Phòng")
	})
}

// assertAligned checks that on the lines starting with one of the prefixes
// the first count starts at the same screen column (letters in NFC).
func assertAligned(t *testing.T, out string, prefixes ...string) {
	t.Helper()
	var starts []int
	for _, l := range strings.Split(out, "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(norm.NFC.String(l), p) {
				i := strings.IndexFunc(l, unicode.IsDigit)
				starts = append(starts, len([]rune(norm.NFC.String(l[:i]))))
				break
			}
		}
	}
	if len(starts) < 2 {
		t.Fatalf("found %d table lines, want 2 or more:\n%s", len(starts), out)
	}
	for _, s := range starts[1:] {
		if s != starts[0] {
			t.Errorf("counts start at columns %v, want one column:\n%s", starts, out)
			return
		}
	}
}

func TestWriteTextDecomposed(t *testing.T) {
	// Names typed with decomposed diacritics (NFD) still align.
	dir, err := org.New([]org.Unit{
		{ID: "a", Name: norm.NFD.String("Phòng Quản lý công nghiệp")},
		{ID: "b", Name: "Phòng Quản lý công nghiep"},
	}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	due := day(2024, time.December, 31)
	r := Build(asOf, ict, nil, []scheduler.Assignment{asg("I.1", "2024", "a", due), asg("I.1", "2024", "b", due)}, dir)
	var buf bytes.Buffer
	if err := r.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	assertAligned(t, buf.String(), "Phòng")
}

func TestWriteTextEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := Build(asOf, ict, nil, nil, nil).WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, w := range []string{"Tổng số 0 —", "IV. NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH (0)", "Không có."} {
		if !strings.Contains(fields(strings.ReplaceAll(out, "\n", " | ")), w) {
			t.Errorf("empty report lacks %q:\n%s", w, out)
		}
	}
}

// failWriter fails every write.
type failWriter struct{}

var errDisk = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errDisk }

func TestWritersReturnErrors(t *testing.T) {
	r := Build(asOf, ict, testTasks(), testAssignments(), testDirectory(t))
	for name, write := range map[string]func() error{
		"text": func() error { return r.WriteText(failWriter{}) },
		"csv":  func() error { return r.WriteCSV(failWriter{}) },
		"xlsx": func() error { return r.WriteXLSX(failWriter{}) },
	} {
		t.Run(name, func(t *testing.T) {
			if err := write(); !errors.Is(err, errDisk) {
				t.Errorf("err = %v, want it to wrap %v", err, errDisk)
			}
		})
	}
}
