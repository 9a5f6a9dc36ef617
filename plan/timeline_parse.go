package plan

import (
	"regexp"
	"strconv"
	"strings"
)

// Timeline phrases, matched on the key of the phrase (see timelineKey).
var (
	yearTLRe    = regexp.MustCompile(`^(?:trong )?năm ([1-9]\d{3})$`)
	dateTLRe    = regexp.MustCompile(`^(?:(?:trước|chậm nhất(?: là)?)(?: ngày)?|ngày) (\d{1,2})(?:[/.\-](\d{1,2})[/.\-]| tháng (\d{1,2}) năm )([1-9]\d{3})$`)
	monthTLRe   = regexp.MustCompile(`^tháng (\d{1,2})(?:/| năm )([1-9]\d{3})$`)
	quarterTLRe = regexp.MustCompile(`^quý (i|ii|iii|iv|1|2|3|4)(?:(?:/| năm )([1-9]\d{3}))?$`)
	halfTLRe    = regexp.MustCompile(`^0?6 tháng (đầu|cuối) năm(?: ([1-9]\d{3}))?$`)
)

// recurringPeriod reads the period of a recurring phrase (after an optional
// "định kỳ", which the caller strips).
func recurringPeriod(key string) (Every, bool) {
	switch key {
	case "thường xuyên":
		return EveryUnspecified, true
	case "hằng tuần":
		return EveryWeek, true
	case "hằng tháng":
		return EveryMonth, true
	case "hằng quý":
		return EveryQuarter, true
	case "hằng 6 tháng", "6 tháng một lần":
		return EveryHalf, true
	case "hằng năm":
		return EveryYear, true
	}
	return "", false
}

// ParseTimeline classifies one Tiến độ phrase. Matching ignores case, spacing,
// Unicode normalisation, trailing punctuation and the "hàng"/"hằng" variants;
// a phrase it does not know is KindUnknown and never guessed. Text is the
// phrase after NFC and space normalisation; a Year of 0 means the plan year.
func ParseTimeline(text string) Timeline {
	return parseTimeline(clean(text))
}

// parseTimeline is ParseTimeline for a phrase that is already clean.
func parseTimeline(text string) Timeline {
	tl := Timeline{Text: text, Kind: KindUnknown}
	if text == "" {
		tl.Kind = KindBlank
		return tl
	}
	key := timelineKey(text)
	if period, ok := strings.CutPrefix(key, "định kỳ "); ok {
		if period == "6 tháng" {
			tl.Kind, tl.Every = KindRecurring, EveryHalf
		} else if every, ok := recurringPeriod(period); ok && period != "thường xuyên" {
			tl.Kind, tl.Every = KindRecurring, every
		}
		return tl
	}
	if every, ok := recurringPeriod(key); ok {
		tl.Kind, tl.Every = KindRecurring, every
		return tl
	}
	switch {
	case key == "theo quy định":
		tl.Kind = KindRegulation
	case key == "theo kế hoạch" || strings.HasPrefix(key, "theo kế hoạch "):
		tl.Kind = KindOtherPlan
		tl.Ref = strings.TrimRight(strings.TrimSpace(text[len("Theo "):]), ".;,: ")
	case key == "trong năm":
		tl.Kind = KindYear
	default:
		matchDated(&tl, key)
	}
	return tl
}

// matchDated recognises the phrases that name a year, half, quarter, month or
// day; tl is left unknown when none fits or the date does not exist.
func matchDated(tl *Timeline, key string) {
	if m := yearTLRe.FindStringSubmatch(key); m != nil {
		tl.Kind, tl.Year = KindYear, atoi(m[1])
	} else if m := halfTLRe.FindStringSubmatch(key); m != nil {
		tl.Kind, tl.Half, tl.Year = KindHalf, 1, atoi(m[2])
		if m[1] == "cuối" {
			tl.Half = 2
		}
	} else if m := quarterTLRe.FindStringSubmatch(key); m != nil {
		tl.Kind, tl.Quarter, tl.Year = KindQuarter, quarterValue(m[1]), atoi(m[2])
	} else if m := monthTLRe.FindStringSubmatch(key); m != nil {
		if month := atoi(m[1]); month >= 1 && month <= 12 {
			tl.Kind, tl.Month, tl.Year = KindMonth, month, atoi(m[2])
		}
	} else if m := dateTLRe.FindStringSubmatch(key); m != nil {
		day, month, year := atoi(m[1]), atoi(m[2]+m[3]), atoi(m[4])
		if validDate(year, month, day) {
			tl.Kind, tl.Day, tl.Month, tl.Year = KindDate, day, month, year
		}
	}
}

// timelineKey is the form phrases are matched in: lower case, one space
// between words and none around '/', no trailing punctuation, "hằng" for
// "hàng" and "quý" for "quí".
func timelineKey(text string) string {
	s := strings.ToLower(strings.TrimRight(text, ".;,: "))
	s = strings.ReplaceAll(strings.ReplaceAll(s, " /", "/"), "/ ", "/")
	words := strings.Fields(s)
	for i, w := range words {
		switch w {
		case "hàng":
			words[i] = "hằng"
		case "quí":
			words[i] = "quý"
		}
	}
	return strings.Join(words, " ")
}

// quarterValue reads a quarter numeral, Roman or Arabic.
func quarterValue(s string) int {
	switch s {
	case "i", "1":
		return 1
	case "ii", "2":
		return 2
	case "iii", "3":
		return 3
	}
	return 4
}

// atoi reads the digits a pattern captured; "" is 0.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
