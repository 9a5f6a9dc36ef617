package calendar

import (
	"fmt"
	"testing"
	"time"
)

// benchTimes are moments spread over 2024–2027, official and computed years.
func benchTimes() []time.Time {
	ts := make([]time.Time, 0, 64)
	for i := range 64 {
		ts = append(ts, at(2024, 1, 1, 8, 0).AddDate(0, 0, 22*i).Add(time.Duration(i%12)*time.Hour))
	}
	return ts
}

func BenchmarkIsWorkingDay(b *testing.B) {
	c := newCalendar(b, officialConfig(b))
	ts := benchTimes()
	for _, t := range ts {
		c.IsWorkingDay(t) // compute the years before timing
	}
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		if c.IsWorkingDay(ts[i&63]) {
			n++
		}
	}
	if n == 0 {
		b.Fatal("no working day")
	}
}

func BenchmarkAddWorkingDays(b *testing.B) {
	c := newCalendar(b, officialConfig(b))
	ts := benchTimes()
	for _, t := range ts {
		c.AddWorkingDays(t, 30)
		c.AddWorkingDays(t, -30)
	}
	for _, n := range []int{30, -30} {
		b.Run(fmt.Sprintf("%+d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				c.AddWorkingDays(ts[i&63], n)
			}
		})
	}
}

func BenchmarkNextWorkingMoment(b *testing.B) {
	c := newCalendar(b, officialConfig(b))
	ts := benchTimes()
	for _, t := range ts {
		c.NextWorkingMoment(t)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.NextWorkingMoment(ts[i&63])
	}
}

func BenchmarkWorkingDaysBetween(b *testing.B) {
	c := newCalendar(b, officialConfig(b))
	ts := benchTimes()
	c.WorkingDaysBetween(ts[0], ts[63])
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.WorkingDaysBetween(ts[i&63], ts[(i+17)&63])
	}
}

// BenchmarkYear is the cost of a year's first use: the lunar arithmetic and
// the holiday rules.
func BenchmarkYear(b *testing.B) {
	c := newCalendar(b, Config{})
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.build(2000 + i%100)
	}
}

func BenchmarkToLunar(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ToLunar(2025, time.Month(1+i%12), 1+i%28)
	}
}
