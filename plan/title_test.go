package plan

import (
	"strings"
	"testing"
	"time"
)

func TestParseTitleBlock(t *testing.T) {
	const table = "\nSTT\tNhiệm vụ cụ thể\tTiến độ\tCơ quan chủ trì\tCơ quan phối hợp\tKết quả/sản phẩm\nI\tA\n1\tB\t\tVăn phòng Sở\n"
	tests := []struct {
		name, block                string
		code, title, issuer        string
		year, day, month, dateYear int
	}{
		{"fixture layout",
			"PHỤ LỤC I\nCÁC NHIỆM VỤ NĂM 2024\n(Kèm theo Kế hoạch số 60/KH-SCT ngày 13/6/2024 của Sở Công Thương)",
			"60/KH-SCT", "CÁC NHIỆM VỤ NĂM 2024", "Sở Công Thương", 2024, 13, 6, 2024},
		{"two title lines, long date, upper case",
			"PHỤ LỤC II\nCÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH\nNĂM 2025\n(KÈM THEO KẾ HOẠCH SỐ 7/KH-UBND NGÀY 05 THÁNG 01 NĂM 2025 CỦA UBND TỈNH)",
			"7/KH-UBND", "CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2025", "UBND TỈNH", 2025, 5, 1, 2025},
		{"year from the date",
			"PHỤ LỤC\nDANH MỤC NHIỆM VỤ\n(Kèm theo Kế hoạch số 3 / KH-SCT ngày 2/1/2026)",
			"3/KH-SCT", "DANH MỤC NHIỆM VỤ", "", 2026, 2, 1, 2026},
		{"no appendix line, title year differs from date",
			"KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2025\nKèm theo Kế hoạch số 99/KH-SCT ngày 20/12/2024 của Sở Công Thương Lạng Sơn.",
			"99/KH-SCT", "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2025", "Sở Công Thương Lạng Sơn", 2025, 20, 12, 2024},
		{"two columns of a letterhead",
			"UBND TỈNH LẠNG SƠN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nPHỤ LỤC I\nNHIỆM VỤ NĂM 2024\n(Kèm theo Kế hoạch số 60/KH-SCT ngày 13/6/2024 của Sở Công Thương)",
			"60/KH-SCT", "NHIỆM VỤ NĂM 2024", "Sở Công Thương", 2024, 13, 6, 2024},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(strings.NewReader(tt.block+table), "t.txt")
			if err != nil {
				t.Fatal(err)
			}
			if p.Code != tt.code || p.Title != tt.title || p.Issuer != tt.issuer || p.Year != tt.year {
				t.Errorf("got code %q title %q issuer %q year %d, want %q %q %q %d",
					p.Code, p.Title, p.Issuer, p.Year, tt.code, tt.title, tt.issuer, tt.year)
			}
			if y, m, d := p.Date.Date(); y != tt.dateYear || int(m) != tt.month || d != tt.day {
				t.Errorf("Date = %v, want %d/%d/%d", p.Date, tt.day, tt.month, tt.dateYear)
			}
			if h, m, s := p.Date.Clock(); h+m+s != 0 {
				t.Errorf("Date %v is not midnight", p.Date)
			}
			if _, off := p.Date.Zone(); off != 7*3600 {
				t.Errorf("Date %v not in Asia/Ho_Chi_Minh", p.Date)
			}
		})
	}
}

func TestHoChiMinh(t *testing.T) {
	d := time.Date(2024, 6, 13, 0, 0, 0, 0, hoChiMinh())
	if got := d.UTC(); !got.Equal(time.Date(2024, 6, 12, 17, 0, 0, 0, time.UTC)) {
		t.Errorf("midnight 13/6/2024 ICT = %v UTC, want 2024-06-12 17:00", got)
	}
}
