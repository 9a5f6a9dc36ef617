package report

import (
	"bytes"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sct-langson/nhacviec/scheduler"
)

func openXLSX(t *testing.T, r Report) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestWriteXLSX(t *testing.T) {
	r := Build(asOf, ict, testTasks(), testAssignments(), testDirectory(t))
	f := openXLSX(t, r)
	if got, want := f.GetSheetList(), []string{"Tổng hợp", "Chi tiết"}; !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}

	cells := func(sheet string, want map[string]string) {
		t.Helper()
		for ref, w := range want {
			got, err := f.GetCellValue(sheet, ref)
			if err != nil {
				t.Fatal(err)
			}
			if got != w {
				t.Errorf("%s!%s = %q, want %q", sheet, ref, got, w)
			}
		}
	}
	t.Run("summary", func(t *testing.T) {
		cells("Tổng hợp", map[string]string{
			"A2": "Tính đến: 10:00 ngày 15/10/2024",
			// by section
			"A5": "Mục", "B5": "Tên mục", "C5": "Hoàn thành đúng hạn", "D5": "Hoàn thành quá hạn",
			"E5": "Chưa hoàn thành, trong hạn", "F5": "Quá hạn chưa hoàn thành", "G5": "Tổng số",
			"A6": "I", "B6": titleI, "C6": "2", "D6": "2", "E6": "1", "F6": "1", "G6": "6",
			"A7": "II", "E7": "1", "F7": "1", "G7": "2",
			"A8": "III", "B8": titleIII, "F8": "1", "G8": "1",
			"B9": "Tổng cộng", "C9": "2", "D9": "2", "E9": "2", "F9": "3", "G9": "9",
			// by unit
			"B12": "Đơn vị", "C12": "Hoàn thành đúng hạn",
			"A13": "vp", "B13": "Văn phòng Sở", "C13": "2", "D13": "1", "E13": "1", "F13": "0", "G13": "4",
			"A14": "qlcn", "D14": "1", "F14": "1", "G14": "2",
			"A15": "qltm", "F15": "2", "G15": "2",
			"A16": "ktat", "B16": "Phòng Kỹ thuật an toàn – Môi trường", "E16": "1", "G16": "1",
			"B17": "Tổng cộng", "G17": "9",
		})
		n, err := f.GetCellValue("Tổng hợp", "G6", excelize.Options{RawCellValue: true})
		if err != nil || n != "6" {
			t.Errorf("G6 raw = %q, %v", n, err)
		}
		if typ, _ := f.GetCellType("Tổng hợp", "G6"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("counts are stored as text, want numbers")
		}
	})
	t.Run("detail", func(t *testing.T) {
		rows, err := f.GetRows("Chi tiết")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rows[0], wantHeader) {
			t.Errorf("header = %q", rows[0])
		}
		if len(rows) != 1+len(r.Rows) {
			t.Errorf("got %d rows, want header + %d", len(rows), len(r.Rows))
		}
		cells("Chi tiết", map[string]string{
			// I.5 qlcn, done late (on the Saturday after) with evidence (row 6)
			"D6": "I.5", "E6": "năm 2024", "G6": "qlcn", "H6": "Phòng Quản lý công nghiệp", "I6": "11/10/2024",
			"J6": "Hoàn thành quá hạn", "K6": "0", "L6": "12/10/2024 00:00", "M6": "Trần Thị Bình", "N6": "Telegram",
			"O6": "Sáng kiến số hoá hồ sơ",
			"Q6": "sang-kien-qlcn.pdf (Trần Thị Bình, 12/10/2024 00:00) [evidence/I.5/sang-kien-qlcn.pdf]",
			// I.5 vp, done at 16:59 UTC = 23:59 in ICT (row 5)
			"G5": "vp", "J5": "Hoàn thành đúng hạn", "K5": "", "L5": "11/10/2024 23:59",
			// II.1 overdue with a note (row 8): 1 working day
			"D8": "II.1", "J8": "Quá hạn chưa hoàn thành", "K8": "1", "L8": "", "P8": "10/10/2024 09:00, Trần Thị Bình: Đang tổng hợp số liệu",
			// III.2.1 done after asOf: shown as overdue, no done mark (row 10)
			"D10": "III.2.1", "J10": "Quá hạn chưa hoàn thành", "K10": "3", "L10": "", "M10": "",
		})
		if typ, _ := f.GetCellType("Chi tiết", "I6"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("due day I6 has type %v, want a date number", typ)
		}
	})
	t.Run("layout", func(t *testing.T) {
		panes, err := f.GetPanes("Chi tiết")
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
			t.Errorf("panes = %+v, want the header row frozen", panes)
		}
		for _, c := range []struct{ sheet, ref string }{{"Chi tiết", "A1"}, {"Chi tiết", "Q1"}, {"Tổng hợp", "C5"}, {"Tổng hợp", "B17"}} {
			id, err := f.GetCellStyle(c.sheet, c.ref)
			if err != nil {
				t.Fatal(err)
			}
			st, err := f.GetStyle(id)
			if err != nil {
				t.Fatal(err)
			}
			if st.Font == nil || !st.Font.Bold {
				t.Errorf("%s!%s is not bold", c.sheet, c.ref)
			}
		}
		for _, c := range []struct {
			sheet, col string
			want       float64
		}{{"Chi tiết", "F", 60}, {"Chi tiết", "J", 26}, {"Tổng hợp", "B", 50}} {
			if w, err := f.GetColWidth(c.sheet, c.col); err != nil || w != c.want {
				t.Errorf("%s column %s width = %v, %v; want %v", c.sheet, c.col, w, err, c.want)
			}
		}
	})
}

func TestWriteXLSXFormulaText(t *testing.T) {
	a := done(asg("I.1", "2024", "vp", day(2024, 12, 31)), asOf, "chanh-vp", "cli", "=1+1")
	f := openXLSX(t, Build(asOf, ict, nil, []scheduler.Assignment{a}, nil))
	formula, err := f.GetCellFormula("Chi tiết", "O2")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := f.GetCellValue("Chi tiết", "O2")
	if formula != "" || got != "=1+1" {
		t.Errorf("N2 = %q (formula %q), want the text =1+1", got, formula)
	}
}
