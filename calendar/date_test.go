package calendar

import (
	"slices"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr string
	}{
		{in: "2024-02-08", want: Date{2024, time.February, 8}},
		{in: "2024-02-29", want: Date{2024, time.February, 29}},
		{in: "2025-02-29", wantErr: `invalid date "2025-02-29": no such day`},
		{in: "2024-13-01", wantErr: `invalid date "2024-13-01": no such day`},
		{in: "2024-00-10", wantErr: `invalid date "2024-00-10": no such day`},
		{in: "2024-2-8", wantErr: `invalid date "2024-2-8": want YYYY-MM-DD`},
		{in: "08/02/2024", wantErr: `invalid date "08/02/2024": want YYYY-MM-DD`},
		{in: "2024-+2-08", wantErr: `invalid date "2024-+2-08": want YYYY-MM-DD`},
		{in: "", wantErr: `invalid date "": want YYYY-MM-DD`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("ParseDate(%q) = %v, %v; want error %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestParseDays(t *testing.T) {
	d := func(s string) Date { return mustDate(t, s) }
	tests := []struct {
		in      string
		want    []Date
		wantErr string
	}{
		{in: "2024-02-08", want: []Date{d("2024-02-08")}},
		{in: "2024-02-08..2024-02-10", want: []Date{d("2024-02-08"), d("2024-02-09"), d("2024-02-10")}},
		{in: "2024-12-31..2025-01-01", want: []Date{d("2024-12-31"), d("2025-01-01")}},
		{in: "2024-01-01, 2024-04-27 .. 2024-04-28,2024-09-02", want: []Date{
			d("2024-01-01"), d("2024-04-27"), d("2024-04-28"), d("2024-09-02")}},
		{in: "2024-02-08..2024-02-08", want: []Date{d("2024-02-08")}},
		{in: "2024-02-30", wantErr: `invalid date "2024-02-30": no such day`},
		{in: "2024-01-01, 8/2/2024", wantErr: `invalid date "8/2/2024": want YYYY-MM-DD`},
		{in: "2024-02-08..2024-02-31", wantErr: `range "2024-02-08..2024-02-31": invalid date "2024-02-31": no such day`},
		{in: "2024-02-14..2024-02-08", wantErr: `range "2024-02-14..2024-02-08": ends before it starts`},
		{in: "2024-02-08..", wantErr: `range "2024-02-08..": invalid date "": want YYYY-MM-DD`},
		{in: "2024-01-01,,2024-01-02", wantErr: `days "2024-01-01,,2024-01-02": empty item`},
		{in: "", wantErr: `days "": empty item`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDays(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("ParseDays(%q) = %v, %v; want error %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("ParseDays(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestDateArithmetic(t *testing.T) {
	d := Date{2024, time.February, 28}
	tests := []struct {
		n    int
		want Date
	}{
		{0, Date{2024, time.February, 28}},
		{1, Date{2024, time.February, 29}},
		{2, Date{2024, time.March, 1}},
		{-59, Date{2023, time.December, 31}},
		{366, Date{2025, time.February, 28}},
	}
	for _, tt := range tests {
		t.Run(tt.want.String(), func(t *testing.T) {
			got := d.AddDays(tt.n)
			if got != tt.want {
				t.Fatalf("AddDays(%d) = %v, want %v", tt.n, got, tt.want)
			}
			if c := d.Compare(got); c != -cmpSign(tt.n) {
				t.Errorf("Compare = %d for n = %d", c, tt.n)
			}
			if d.Before(got) != (tt.n > 0) || d.After(got) != (tt.n < 0) {
				t.Errorf("Before/After wrong for n = %d", tt.n)
			}
		})
	}
	if wd := (Date{2025, time.September, 20}).Weekday(); wd != time.Saturday {
		t.Errorf("2025-09-20 is a %v, want Saturday", wd)
	}
	if yd := (Date{2024, time.December, 31}).yearDay(); yd != 366 {
		t.Errorf("yearDay(2024-12-31) = %d, want 366", yd)
	}
	ict := time.FixedZone("ICT", 7*3600)
	if got := DateOf(time.Date(2024, 2, 7, 17, 0, 0, 0, time.UTC).In(ict)); got != (Date{2024, time.February, 8}) {
		t.Errorf("DateOf(2024-02-07 17:00 UTC in ICT) = %v, want 2024-02-08", got)
	}
}

func cmpSign(n int) int {
	switch {
	case n > 0:
		return 1
	case n < 0:
		return -1
	}
	return 0
}

func TestDateValid(t *testing.T) {
	for _, d := range []Date{{}, {2024, 2, 30}, {2024, 0, 1}, {2024, 13, 1}, {2024, 1, 0}, {2023, 2, 29}} {
		if d.Valid() {
			t.Errorf("%v.Valid() = true", d)
		}
	}
	for _, d := range []Date{{2024, 2, 29}, {1, 1, 1}, {2199, 12, 31}} {
		if !d.Valid() {
			t.Errorf("%v.Valid() = false", d)
		}
	}
}

func TestDateText(t *testing.T) {
	var d Date
	if err := d.UnmarshalText([]byte("2026-01-10")); err != nil || d != (Date{2026, time.January, 10}) {
		t.Fatalf("UnmarshalText = %v, %v", d, err)
	}
	if b, _ := d.MarshalText(); string(b) != "2026-01-10" {
		t.Errorf("MarshalText = %q", b)
	}
	if err := d.UnmarshalText([]byte("10/01/2026")); err == nil || d != (Date{2026, time.January, 10}) {
		t.Errorf("UnmarshalText(bad) = %v, left %v", err, d)
	}
}
