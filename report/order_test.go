package report

import (
	"slices"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/scheduler"
)

func TestCompareTaskID(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"III.2.9", "III.2.10", -1},
		{"III.2.10", "III.2.9", 1},
		{"III.2", "III.2.1", -1},
		{"III.10", "III.2.1", 1},
		{"IV.1", "III.9", 1},
		{"IX.1", "X.1", -1},
		{"IX.1", "V.1", 1},
		{"VII.1", "VII.1", 0},
		{"II.1", "Z.1", -1}, // not a numeral: after the numerals
		{"II.a", "II.1", 1}, // not a number: after the numbers
	}
	for _, tt := range tests {
		t.Run(tt.a+" vs "+tt.b, func(t *testing.T) {
			if got := compareTaskID(tt.a, tt.b); got != tt.want {
				t.Errorf("compareTaskID(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestRoman(t *testing.T) {
	for s, want := range map[string]int{"I": 1, "IV": 4, "VII": 7, "IX": 9, "XIV": 14, "XL": 40, "": 0, "1": 0, "IIx": 0} {
		t.Run(s, func(t *testing.T) {
			if got := roman(s); got != want {
				t.Errorf("roman(%q) = %d, want %d", s, got, want)
			}
		})
	}
}

func TestRowOrder(t *testing.T) {
	due := day(2024, time.December, 31)
	var in []scheduler.Assignment
	// Given in string order, which is the wrong order.
	for _, id := range []string{"I.10", "I.2", "II.1", "III.10", "III.2.10", "III.2.9", "IV.1", "IX.1", "V.1", "X.1"} {
		in = append(in, asg(id, "2024", "vp", due))
	}
	// One task's occurrences, given late first, and a group task's units
	// given against the directory order.
	in = append(in,
		asg("VI.1", "2024-12", "vp", day(2024, time.December, 31)),
		asg("VI.1", "2024-W9", "vp", day(2024, time.February, 29)),
		asg("VI.1", "2024-W10", "vp", day(2024, time.March, 8)),
		asg("VII.1", "2024", "ktat", due), asg("VII.1", "2024", "qltm", due),
		asg("VII.1", "2024", "vp", due), asg("VII.1", "2024", "qlcn", due),
	)
	r := Build(asOf, ict, nil, in, testDirectory(t))
	var got []string
	for _, row := range r.Rows {
		got = append(got, row.Occurrence+"|"+row.Unit)
	}
	want := []string{
		"I.2@2024|vp", "I.10@2024|vp", "II.1@2024|vp", "III.2.9@2024|vp", "III.2.10@2024|vp",
		"III.10@2024|vp", "IV.1@2024|vp", "V.1@2024|vp",
		"VI.1@2024-W9|vp", "VI.1@2024-W10|vp", "VI.1@2024-12|vp",
		"VII.1@2024|vp", "VII.1@2024|qlcn", "VII.1@2024|qltm", "VII.1@2024|ktat",
		"IX.1@2024|vp", "X.1@2024|vp",
	}
	if !slices.Equal(got, want) {
		t.Errorf("order:\n got %q\nwant %q", got, want)
	}
	var sections []string
	for _, s := range r.BySection {
		sections = append(sections, s.Key)
	}
	if want := []string{"I", "II", "III", "IV", "V", "VI", "VII", "IX", "X"}; !slices.Equal(sections, want) {
		t.Errorf("sections = %q, want %q", sections, want)
	}
}
