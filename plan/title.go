package plan

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Patterns of the title block, matched on the original (NFC, clean) text so
// that the captured parts keep their case.
var (
	codeRe     = regexp.MustCompile(`(?i)kế\s*hoạch\s+số\s*:?\s*(\d+\s*/\s*[\p{L}\p{N}][\p{L}\p{N}.\-]*)`)
	dateRe     = regexp.MustCompile(`(?i)ngày\s+(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\b`)
	dateLongRe = regexp.MustCompile(`(?i)ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})\b`)
	issuerRe   = regexp.MustCompile(`(?i)\bcủa\s+([^()]+)`)
	yearRe     = regexp.MustCompile(`(?i)(?:^|\s)năm\s+(\d{4})\b`)
	appendixRe = regexp.MustCompile(`(?i)^phụ\s+lục\b`)
	attachedRe = regexp.MustCompile(`(?i)^\(?\s*kèm\s+theo\b`)
)

// hoChiMinh is the zone of the plan's dates. time.LoadLocation needs the
// system tz database; a fixed +07:00 (Vietnam has no DST) stands in for it.
func hoChiMinh() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*3600)
}

// parseTitle reads the plan's metadata from the lines before the first header
// row (end is the line number of that header, or one past the last line).
func parseTitle(p *Plan, lines []srcLine, end int, errs *problems) {
	var title []string
	inTitle := true
	codeLine := -1
	for i, l := range lines {
		text := strings.Join(l.cells, " ")
		switch {
		case appendixRe.MatchString(text):
			title, inTitle = nil, true // the title starts after "PHỤ LỤC …"
			continue
		case attachedRe.MatchString(text) || codeRe.MatchString(text):
			inTitle = false
		}
		if p.Code == "" {
			if m := codeRe.FindStringSubmatch(text); m != nil {
				p.Code = strings.TrimRight(strings.Join(strings.Fields(m[1]), ""), ".-")
				codeLine = i
			}
		}
		if inTitle {
			title = append(title, text)
		}
	}
	p.Title = strings.Join(title, " ")

	span := "title block (no lines before the first header row)"
	if end > 1 {
		span = "title block (lines 1-" + strconv.Itoa(end-1) + ")"
	}
	if p.Code == "" {
		errs.add(1, "%s: no plan code (“Kế hoạch số …”)", span)
	}
	// The date belongs to the line that names the plan; failing that, the
	// first date anywhere in the block.
	order := lines
	if codeLine >= 0 {
		order = append([]srcLine{lines[codeLine]}, lines...)
	}
	for _, l := range order {
		text := strings.Join(l.cells, " ")
		if d, ok := titleDate(text); ok {
			if d.IsZero() {
				errs.add(l.num, "invalid date of issue in %q", text)
			}
			p.Date = d
			break
		}
	}
	if m := yearRe.FindStringSubmatch(p.Title); m != nil {
		p.Year, _ = strconv.Atoi(m[1])
	} else if !p.Date.IsZero() {
		p.Year = p.Date.Year()
	}
	if p.Year == 0 {
		errs.add(1, "%s: no plan year (neither “NĂM yyyy” in the title nor a date of issue)", span)
	}
	if codeLine < 0 {
		return
	}
	code := strings.Join(lines[codeLine].cells, " ")
	if loc := codeRe.FindStringIndex(code); loc != nil {
		if m := issuerRe.FindStringSubmatch(code[loc[1]:]); m != nil {
			p.Issuer = strings.TrimRight(strings.TrimSpace(m[1]), ".;,")
		}
	}
}

// titleDate finds "ngày 13/6/2024" or "ngày 13 tháng 6 năm 2024" in text; ok
// reports a date was written, and a zero time means it does not exist.
func titleDate(text string) (d time.Time, ok bool) {
	m := dateRe.FindStringSubmatch(text)
	if m == nil {
		m = dateLongRe.FindStringSubmatch(text)
	}
	if m == nil {
		return time.Time{}, false
	}
	day, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[2])
	year, _ := strconv.Atoi(m[3])
	if !validDate(year, month, day) {
		return time.Time{}, true
	}
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, hoChiMinh()), true
}

// validDate reports whether day/month/year is a real calendar date.
func validDate(year, month, day int) bool {
	if year < 1000 || month < 1 || month > 12 || day < 1 {
		return false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	return t.Day() == day && int(t.Month()) == month
}
