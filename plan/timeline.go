package plan

// Kind classifies a timeline phrase (Tiến độ) into what the scheduler uses.
type Kind string

// The timeline kinds. Their string values appear in `nhacviec tasks --json`
// and in the config (schedule defaults per kind): never rename them.
const (
	KindBlank      Kind = "blank"      // cell left empty
	KindYear       Kind = "year"       // "Trong năm 2024", "Năm 2025": deadline at the end of Year
	KindRecurring  Kind = "recurring"  // "Thường xuyên", "Hằng tháng", "Hằng quý", "6 tháng một lần"
	KindRegulation Kind = "regulation" // "Theo quy định": the periodic reporting calendar
	KindOtherPlan  Kind = "other-plan" // "Theo Kế hoạch kiểm tra", "Theo kế hoạch của Bộ Nội vụ"
	KindDate       Kind = "date"       // "Trước ngày 15/12/2025"
	KindMonth      Kind = "month"      // "Tháng 9/2025"
	KindQuarter    Kind = "quarter"    // "Quý III/2025"
	KindHalf       Kind = "half"       // "6 tháng đầu năm", "6 tháng cuối năm 2025"
	KindUnknown    Kind = "unknown"    // kept verbatim, reported by validate
)

// Kinds lists every kind in a stable order.
var Kinds = []Kind{KindYear, KindRecurring, KindRegulation, KindOtherPlan, KindDate,
	KindMonth, KindQuarter, KindHalf, KindBlank, KindUnknown}

// Every is the period of a recurring timeline.
type Every string

// Recurrence periods. EveryUnspecified is "Thường xuyên": regular, with the
// period left to the config.
const (
	EveryUnspecified Every = ""
	EveryWeek        Every = "week"
	EveryMonth       Every = "month"
	EveryQuarter     Every = "quarter"
	EveryHalf        Every = "half-year"
	EveryYear        Every = "year"
)

// Timeline is a timeline phrase and what it was understood to mean. Text is
// always kept verbatim (after Unicode NFC and space normalisation), whatever
// the kind.
type Timeline struct {
	Text    string `json:"text"`
	Kind    Kind   `json:"kind"`
	Year    int    `json:"year,omitempty"`    // year, month, quarter, half, date; 0 when the phrase names none
	Half    int    `json:"half,omitempty"`    // 1 or 2
	Quarter int    `json:"quarter,omitempty"` // 1..4
	Month   int    `json:"month,omitempty"`   // 1..12 (month and date kinds)
	Day     int    `json:"day,omitempty"`     // date kind
	Every   Every  `json:"every,omitempty"`   // recurring kind
	Ref     string `json:"ref,omitempty"`     // other-plan kind: the plan referred to, as written
}
