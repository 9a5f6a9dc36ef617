package scheduler

import "testing"

func TestPeriodName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2024", "năm 2024"},
		{"2024-Y", "năm 2024"},
		{"2024-06", "tháng 6/2024"},
		{"2024-12", "tháng 12/2024"},
		{"2024-Q1", "quý I/2024"},
		{"2024-Q3", "quý III/2024"},
		{"2024-Q4", "quý IV/2024"},
		{"2024-H1", "6 tháng đầu năm 2024"},
		{"2024-H2", "6 tháng cuối năm 2024"},
		{"2024-W05", "tuần 5/2024"},
		{"2024-12-15", "ngày 15/12/2024"},
		{"2024-13", "2024-13"},
		{"2024-Q5", "2024-Q5"},
		{"abc", "abc"},
		{"", ""},
	} {
		if got := PeriodName(c.in); got != c.want {
			t.Errorf("PeriodName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestPeriodNameOfEveryLabel names every label the scheduler makes: a
// label format added without a name would show its raw form to people.
func TestPeriodNameOfEveryLabel(t *testing.T) {
	labels := []string{ReportQ1.Label(2024), ReportH1.Label(2024), ReportQ3.Label(2024), ReportYear.Label(2024)}
	for _, r := range Reports {
		labels = append(labels, r.Label(2025))
	}
	for _, l := range labels {
		if PeriodName(l) == l {
			t.Errorf("report label %q has no name", l)
		}
	}
}

func TestOccurrenceName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"III.2.1@2024", "III.2.1"},
		{"VII.2.1@2024-06", "VII.2.1 (tháng 6/2024)"},
		{"I.4.1@2024-Q3", "I.4.1 (quý III/2024)"},
		{"V.1@2024-H1", "V.1 (6 tháng đầu năm 2024)"},
		{"III.2.1", "III.2.1"},
	} {
		if got := OccurrenceName(c.in); got != c.want {
			t.Errorf("OccurrenceName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
