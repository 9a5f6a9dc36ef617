package calendar

import "testing"

func TestParseClock(t *testing.T) {
	tests := []struct {
		in      string
		want    Clock
		wantErr string
	}{
		{in: "07:30", want: 450},
		{in: "7:30", want: 450},
		{in: "00:00", want: 0},
		{in: "17:00", want: 1020},
		{in: "24:00", want: 1440},
		{in: "24:01", wantErr: `invalid time of day "24:01": out of range 00:00–24:00`},
		{in: "07:60", wantErr: `invalid time of day "07:60": out of range 00:00–24:00`},
		{in: "7h30", wantErr: `invalid time of day "7h30": want HH:MM`},
		{in: "07:3", wantErr: `invalid time of day "07:3": want HH:MM`},
		{in: "-1:30", wantErr: `invalid time of day "-1:30": want HH:MM`},
		{in: "", wantErr: `invalid time of day "": want HH:MM`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseClock(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("ParseClock(%q) = %v, %v; want error %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseClock(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestClockString(t *testing.T) {
	tests := []struct {
		c    Clock
		want string
	}{
		{NewClock(7, 30), "07:30"},
		{DefaultWorkEnd, "17:00"},
		{NewClock(24, 0), "24:00"},
		{Clock(-5), "Clock(-5)"},
		{Clock(1441), "Clock(1441)"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.c.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
	var c Clock
	if err := c.UnmarshalText([]byte("13:30")); err != nil || c != NewClock(13, 30) || c.Hour() != 13 || c.Minute() != 30 {
		t.Errorf("UnmarshalText(13:30) = %v, %v", c, err)
	}
	if b, _ := c.MarshalText(); string(b) != "13:30" {
		t.Errorf("MarshalText = %q", b)
	}
}
