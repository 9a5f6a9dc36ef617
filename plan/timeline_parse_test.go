package plan

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestParseTimeline(t *testing.T) {
	tests := []struct {
		in   string
		want Timeline
	}{
		// blank
		{"", Timeline{Kind: KindBlank}},
		{" \u00a0 ", Timeline{Kind: KindBlank}},
		// year
		{"Trong năm 2024", Timeline{Text: "Trong năm 2024", Kind: KindYear, Year: 2024}},
		{"Năm 2025", Timeline{Text: "Năm 2025", Kind: KindYear, Year: 2025}},
		{"Trong năm", Timeline{Text: "Trong năm", Kind: KindYear}},
		{"  TRONG   NĂM  2024. ", Timeline{Text: "TRONG NĂM 2024.", Kind: KindYear, Year: 2024}},
		// recurring
		{"Thường xuyên", Timeline{Text: "Thường xuyên", Kind: KindRecurring, Every: EveryUnspecified}},
		{"thường xuyên;", Timeline{Text: "thường xuyên;", Kind: KindRecurring}},
		{"Hằng tuần", Timeline{Text: "Hằng tuần", Kind: KindRecurring, Every: EveryWeek}},
		{"Hàng tuần", Timeline{Text: "Hàng tuần", Kind: KindRecurring, Every: EveryWeek}},
		{"Hằng tháng", Timeline{Text: "Hằng tháng", Kind: KindRecurring, Every: EveryMonth}},
		{"Định kỳ hằng tháng", Timeline{Text: "Định kỳ hằng tháng", Kind: KindRecurring, Every: EveryMonth}},
		{"Định kỳ hàng tháng", Timeline{Text: "Định kỳ hàng tháng", Kind: KindRecurring, Every: EveryMonth}},
		{"Hằng quý", Timeline{Text: "Hằng quý", Kind: KindRecurring, Every: EveryQuarter}},
		{"Hàng quý", Timeline{Text: "Hàng quý", Kind: KindRecurring, Every: EveryQuarter}},
		{"6 tháng một lần", Timeline{Text: "6 tháng một lần", Kind: KindRecurring, Every: EveryHalf}},
		{"Định kỳ 6 tháng", Timeline{Text: "Định kỳ 6 tháng", Kind: KindRecurring, Every: EveryHalf}},
		{"Hằng 6 tháng", Timeline{Text: "Hằng 6 tháng", Kind: KindRecurring, Every: EveryHalf}},
		{"Hằng năm", Timeline{Text: "Hằng năm", Kind: KindRecurring, Every: EveryYear}},
		{"HÀNG NĂM", Timeline{Text: "HÀNG NĂM", Kind: KindRecurring, Every: EveryYear}},
		// regulation
		{"Theo quy định", Timeline{Text: "Theo quy định", Kind: KindRegulation}},
		{"theo  Quy định.", Timeline{Text: "theo Quy định.", Kind: KindRegulation}},
		// other plan
		{"Theo Kế hoạch kiểm tra", Timeline{Text: "Theo Kế hoạch kiểm tra", Kind: KindOtherPlan, Ref: "Kế hoạch kiểm tra"}},
		{"Theo kế hoạch của Bộ Nội vụ", Timeline{Text: "Theo kế hoạch của Bộ Nội vụ", Kind: KindOtherPlan, Ref: "kế hoạch của Bộ Nội vụ"}},
		// date
		{"Trước ngày 15/12/2025", Timeline{Text: "Trước ngày 15/12/2025", Kind: KindDate, Day: 15, Month: 12, Year: 2025}},
		{"Chậm nhất ngày 15/12/2025", Timeline{Text: "Chậm nhất ngày 15/12/2025", Kind: KindDate, Day: 15, Month: 12, Year: 2025}},
		{"Ngày 15/12/2025", Timeline{Text: "Ngày 15/12/2025", Kind: KindDate, Day: 15, Month: 12, Year: 2025}},
		{"Trước 15/12/2025", Timeline{Text: "Trước 15/12/2025", Kind: KindDate, Day: 15, Month: 12, Year: 2025}},
		{"trước ngày 5 / 1 / 2026", Timeline{Text: "trước ngày 5 / 1 / 2026", Kind: KindDate, Day: 5, Month: 1, Year: 2026}},
		{"Trước ngày 29/02/2024", Timeline{Text: "Trước ngày 29/02/2024", Kind: KindDate, Day: 29, Month: 2, Year: 2024}},
		// month
		{"Tháng 9/2025", Timeline{Text: "Tháng 9/2025", Kind: KindMonth, Month: 9, Year: 2025}},
		{"Tháng 9 năm 2025", Timeline{Text: "Tháng 9 năm 2025", Kind: KindMonth, Month: 9, Year: 2025}},
		{"tháng 12/2025", Timeline{Text: "tháng 12/2025", Kind: KindMonth, Month: 12, Year: 2025}},
		// quarter
		{"Quý III/2025", Timeline{Text: "Quý III/2025", Kind: KindQuarter, Quarter: 3, Year: 2025}},
		{"Quý 3/2025", Timeline{Text: "Quý 3/2025", Kind: KindQuarter, Quarter: 3, Year: 2025}},
		{"Quý III năm 2025", Timeline{Text: "Quý III năm 2025", Kind: KindQuarter, Quarter: 3, Year: 2025}},
		{"Quý III", Timeline{Text: "Quý III", Kind: KindQuarter, Quarter: 3}},
		{"QUÝ IV", Timeline{Text: "QUÝ IV", Kind: KindQuarter, Quarter: 4}},
		{"Quí II/2025", Timeline{Text: "Quí II/2025", Kind: KindQuarter, Quarter: 2, Year: 2025}},
		{"Quý 2 năm 2026", Timeline{Text: "Quý 2 năm 2026", Kind: KindQuarter, Quarter: 2, Year: 2026}},
		{"Định kỳ hằng quý", Timeline{Text: "Định kỳ hằng quý", Kind: KindRecurring, Every: EveryQuarter}},
		{"Định kỳ 6 tháng một lần", Timeline{Text: "Định kỳ 6 tháng một lần", Kind: KindRecurring, Every: EveryHalf}},
		{"Quý I/2025", Timeline{Text: "Quý I/2025", Kind: KindQuarter, Quarter: 1, Year: 2025}},
		// half
		{"6 tháng đầu năm", Timeline{Text: "6 tháng đầu năm", Kind: KindHalf, Half: 1}},
		{"6 tháng cuối năm 2025", Timeline{Text: "6 tháng cuối năm 2025", Kind: KindHalf, Half: 2, Year: 2025}},
		// unknown: kept, never guessed
		{"Trước ngày 31/02/2025", Timeline{Text: "Trước ngày 31/02/2025", Kind: KindUnknown}},
		{"Trước ngày 15/13/2025", Timeline{Text: "Trước ngày 15/13/2025", Kind: KindUnknown}},
		{"Tháng 13/2025", Timeline{Text: "Tháng 13/2025", Kind: KindUnknown}},
		{"Quý V/2025", Timeline{Text: "Quý V/2025", Kind: KindUnknown}},
		{"Năm 0000", Timeline{Text: "Năm 0000", Kind: KindUnknown}},
		{"Định kỳ thường xuyên", Timeline{Text: "Định kỳ thường xuyên", Kind: KindUnknown}},
		{"Định kỳ", Timeline{Text: "Định kỳ", Kind: KindUnknown}},
		{"6 tháng", Timeline{Text: "6 tháng", Kind: KindUnknown}},
		{"Hằng ngày", Timeline{Text: "Hằng ngày", Kind: KindUnknown}},
		{"Theo yêu cầu", Timeline{Text: "Theo yêu cầu", Kind: KindUnknown}},
		{"Trước 15/12", Timeline{Text: "Trước 15/12", Kind: KindUnknown}},
		{"Quý III/2025 và Quý IV/2025", Timeline{Text: "Quý III/2025 và Quý IV/2025", Kind: KindUnknown}},
		{"Trong năm 2024-2025", Timeline{Text: "Trong năm 2024-2025", Kind: KindUnknown}},
		{"Thường xuyên, liên tục", Timeline{Text: "Thường xuyên, liên tục", Kind: KindUnknown}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := ParseTimeline(tt.in); got != tt.want {
				t.Errorf("ParseTimeline(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			// Decomposed diacritics read the same and give NFC text.
			if got := ParseTimeline(norm.NFD.String(tt.in)); got != tt.want {
				t.Errorf("ParseTimeline(NFD %q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}
