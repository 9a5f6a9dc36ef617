package scheduler

import (
	"fmt"
	"strconv"
	"strings"
)

// PeriodName is how people name the period of an occurrence (the part of
// its id after '@'), in Vietnamese: "2024-06" → "tháng 6/2024",
// "2024-Q3" → "quý III/2024", "2024-H1" → "6 tháng đầu năm 2024",
// "2024-H2" → "6 tháng cuối năm 2024", "2024-Y" and "2024" → "năm 2024",
// "2024-W23" → "tuần 23/2024", "2024-12-15" → "ngày 15/12/2024". A label of
// another shape is returned as it is. Every text a person reads names
// periods with it.
func PeriodName(period string) string {
	parts := strings.Split(period, "-")
	year, err := strconv.Atoi(parts[0])
	if err != nil || len(parts[0]) != 4 {
		return period
	}
	switch len(parts) {
	case 1:
		return fmt.Sprintf("năm %d", year)
	case 2:
		p := parts[1]
		switch {
		case p == "Y":
			return fmt.Sprintf("năm %d", year)
		case p == "H1":
			return fmt.Sprintf("6 tháng đầu năm %d", year)
		case p == "H2":
			return fmt.Sprintf("6 tháng cuối năm %d", year)
		case len(p) == 2 && p[0] == 'Q' && p[1] >= '1' && p[1] <= '4':
			return fmt.Sprintf("quý %s/%d", [...]string{"I", "II", "III", "IV"}[p[1]-'1'], year)
		case len(p) == 3 && p[0] == 'W':
			if w, err := strconv.Atoi(p[1:]); err == nil && w >= 1 && w <= 53 {
				return fmt.Sprintf("tuần %d/%d", w, year)
			}
		case len(p) == 2:
			if m, err := strconv.Atoi(p); err == nil && m >= 1 && m <= 12 {
				return fmt.Sprintf("tháng %d/%d", m, year)
			}
		}
	case 3:
		m, err1 := strconv.Atoi(parts[1])
		d, err2 := strconv.Atoi(parts[2])
		if err1 == nil && err2 == nil && len(parts[1]) == 2 && len(parts[2]) == 2 && m >= 1 && m <= 12 && d >= 1 && d <= 31 {
			return fmt.Sprintf("ngày %02d/%02d/%d", d, m, year)
		}
	}
	return period
}

// OccurrenceName names an occurrence id for a person: the task id alone
// for the single occurrence of a year ("III.2.1@2024" → "III.2.1"), the
// task id and its period otherwise ("VII.2.1@2024-06" →
// "VII.2.1 (tháng 6/2024)"). An id without '@' is returned as it is.
func OccurrenceName(occurrence string) string {
	id, period, ok := strings.Cut(occurrence, "@")
	if !ok {
		return occurrence
	}
	if _, err := strconv.Atoi(period); err == nil && len(period) == 4 {
		return id
	}
	return id + " (" + PeriodName(period) + ")"
}
