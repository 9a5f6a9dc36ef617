package notify

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Letter is the one shape every channel writes a message in (e-mail HTML
// and plain text, Telegram, the console): one salutation, a one-line
// summary that counts what the title counts, sections in a fixed order
// (Quá hạn, Sắp đến hạn, Cần báo cáo tiến độ, Cần chỉ đạo, Đã hoàn thành,
// Để biết), a signature. Each task appears once in a section, its periods
// merged.
type Letter struct {
	Greeting string // "Kính gửi: Trưởng phòng Kế hoạch - Tài chính"
	Summary  string // "1 nhiệm vụ quá hạn (5 kỳ), 1 nhiệm vụ sắp đến hạn (2 kỳ)."
	Intro    string // free text of notices and summaries
	Sections []Section
	// Overview sums up the escalated items for the leadership and the
	// office, sized to one screen; the full list goes as an attachment.
	Overview  *Overview
	Signature []string // lines
}

// SectionKind names a section of a letter.
type SectionKind string

// Sections, in the order a letter shows them.
const (
	SectionOverdue  SectionKind = "overdue"  // the unit's own overdue tasks
	SectionUpcoming SectionKind = "upcoming" // due today or soon
	SectionCheckin  SectionKind = "checkin"  // progress asked for
	SectionDone     SectionKind = "done"     // completions the office must know
	SectionInfo     SectionKind = "info"     // copies for a coordinating unit, compact
)

// Section is one part of a letter.
type Section struct {
	Kind    SectionKind
	Title   string // "Quá hạn"
	Note    string // what the reader is asked to do, under the heading
	Entries []Entry
}

// Compact reports whether the section is a list of one line per task.
func (s Section) Compact() bool { return s.Kind == SectionInfo || s.Kind == SectionDone }

// Entry is one task in a section, standing for the items (periods, units)
// it merges.
type Entry struct {
	TaskID  string // "VII.2.1"
	Text    string // task text, shortened
	Output  string // expected result, shortened
	Periods string // "tháng 6, 7, 8, 9, 10/2024"; "" for a plan year's single occurrence
	Due     string // the earliest due date: "25/06/2024"
	Status  string // "quá hạn (lâu nhất 103 ngày làm việc)"
	Units   string // lead units (with their states in a copy); "" when the letter names the unit once
	Urgent  bool   // overdue or due today
	Items   []Item // the items merged, in due order
	// Links are the one-click answers of the entry's periods, when a
	// channel offers them (e-mail with the web door): one per period.
	Links []Links
}

// Links are the one-click answers to one period of a task: web addresses
// of a confirmation page for each answer.
type Links struct {
	Period string // "tháng 6/2024" when the entry merges several periods
	Done   string // "Đã hoàn thành"
	Snooze string // "Nhắc lại sau"
	Note   string // "Ghi chú / nộp tài liệu"
}

// When is the entry's periods, due date and state on one line:
// "tháng 6, 7, 8, 9, 10/2024: quá hạn (lâu nhất 103 ngày làm việc)",
// "Hạn 31/12/2024: còn 30 ngày làm việc".
func (e Entry) When() string {
	periods := len(distinct(e.Items, func(it Item) string { return it.Occurrence }))
	switch {
	case e.Status == "":
		return e.Periods
	case e.Periods != "" && periods > 1:
		return e.Periods + ": " + e.Status
	case e.Periods != "" && e.Due != "":
		return e.Periods + ", hạn " + e.Due + ": " + e.Status
	case e.Due != "":
		return "Hạn " + e.Due + ": " + e.Status
	}
	return upperFirst(e.Status)
}

// Line is the entry on one line, for compact lists and summaries:
// "VII.2.1 Triển khai số hóa… — Văn phòng Sở — tháng 6, 7/2024: quá hạn (lâu nhất 103 ngày làm việc)".
func (e Entry) Line() string {
	parts := []string{e.TaskID + " " + e.Text}
	if e.Units != "" {
		parts = append(parts, e.Units)
	}
	if w := e.When(); w != "" {
		parts = append(parts, w)
	}
	return strings.Join(parts, " — ")
}

// Overview sums up escalated items: counts per unit and the longest
// overdue tasks.
type Overview struct {
	Title string // "Cần chỉ đạo"
	// Tasks and Assignments count the escalated tasks and their (unit,
	// period) assignments.
	Tasks, Assignments int
	Units              []UnitCount // most overdue first, at most MaxOverviewUnits
	OtherUnits         int         // units not listed
	OtherAssignments   int         // their assignments
	Longest            []Entry     // the longest overdue tasks, at most MaxOverviewLongest
	MoreTasks          int         // tasks not among them
}

// UnitCount is one unit's line in an overview.
type UnitCount struct {
	Unit               string
	Tasks, Assignments int
}

// Text is "Phòng Kế hoạch - Tài chính: 2 nhiệm vụ (6 lượt)".
func (u UnitCount) Text() string {
	s := fmt.Sprintf("%s: %d nhiệm vụ", u.Unit, u.Tasks)
	if u.Assignments != u.Tasks {
		s += fmt.Sprintf(" (%d lượt)", u.Assignments)
	}
	return s
}

// Sizes of an overview: one screen of e-mail, at most two Telegram
// messages whatever the size of the plan.
const (
	MaxOverviewUnits   = 10
	MaxOverviewLongest = 10
)

// Lengths of shortened texts, in runes.
const (
	textRunes    = 110
	outputRunes  = 110
	compactRunes = 70
)

// HowToAnswer is the default last line of a signature.
const HowToAnswer = "Cách trả lời: bấm nút dưới tin Telegram, hoặc gửi cho bot /xong <mã nhiệm vụ> khi đã hoàn thành, /hoan <mã> 3 để nhắc lại sau 3 ngày làm việc, /viec <mã> để xem toàn văn nhiệm vụ."

// DefaultSignature closes a letter when the config names no one.
var DefaultSignature = []string{"nhacviec — hệ thống nhắc việc CCHC", HowToAnswer}

// Compose lays m out as a letter.
func Compose(m *Message) Letter {
	l := Letter{Greeting: "Kính gửi anh/chị,", Intro: strings.TrimSpace(m.Intro)}
	if name := strings.TrimSpace(m.To.Name); name != "" {
		l.Greeting = "Kính gửi: " + name
	}
	l.Signature = DefaultSignature
	if len(m.Items) == 0 {
		l.Signature = DefaultSignature[:1] // a notice: nothing to answer
	}
	if f := strings.TrimSpace(m.Footer); f != "" {
		l.Signature = strings.Split(strings.ReplaceAll(f, "\r\n", "\n"), "\n")
	}
	if len(m.Items) == 0 {
		return l
	}
	parts := CountParts(m.Items, false)
	if len(parts) > 0 {
		l.Summary = "Tin này gồm: " + strings.Join(parts, ", ") + "."
	}
	var own, escalated []Item
	bySection := map[SectionKind][]Item{}
	for _, it := range m.Items {
		switch {
		case it.Kind == KindEscalation:
			escalated = append(escalated, it)
		case it.Copy:
			bySection[SectionInfo] = append(bySection[SectionInfo], it)
		default:
			k := sectionOf(it)
			bySection[k] = append(bySection[k], it)
			if k != SectionDone {
				own = append(own, it)
			}
		}
	}
	// The letter names the unit once when all the reader's own items are
	// of one unit (a head's letter): no "Đơn vị chủ trì" under each task.
	oneUnit := len(distinct(own, func(it Item) string { return it.Unit })) <= 1
	for _, k := range []SectionKind{SectionOverdue, SectionUpcoming, SectionCheckin} {
		if items := bySection[k]; len(items) > 0 {
			s := Section{Kind: k, Title: SectionTitle(k), Entries: entries(items, k, !oneUnit)}
			if k == SectionCheckin {
				s.Note = CheckinNote
			}
			l.Sections = append(l.Sections, s)
		}
	}
	if len(escalated) > 0 {
		l.Overview = overview(escalated)
	}
	for _, k := range []SectionKind{SectionDone, SectionInfo} {
		if items := bySection[k]; len(items) > 0 {
			l.Sections = append(l.Sections, Section{Kind: k, Title: SectionTitle(k), Entries: entries(items, k, true)})
		}
	}
	return l
}

// SectionTitle is the Vietnamese heading of a section.
func SectionTitle(k SectionKind) string {
	switch k {
	case SectionOverdue:
		return "Quá hạn"
	case SectionUpcoming:
		return "Sắp đến hạn"
	case SectionCheckin:
		return "Cần báo cáo tiến độ"
	case SectionDone:
		return "Đã hoàn thành từ lần nhắc trước"
	case SectionInfo:
		return "Để biết (đơn vị phối hợp)"
	}
	return "Thông báo"
}

// CheckinNote says how to answer a progress request.
const CheckinNote = "Đề nghị cho biết tiến độ thực hiện (một vài dòng, có thể kèm tỷ lệ % và tài liệu kiểm chứng): trả lời tin Telegram này, hoặc gửi cho bot /ghichu <mã nhiệm vụ> <nội dung>, trước ngày chốt số liệu."

// OverviewTitle heads the overview of escalated items.
const OverviewTitle = "Cần chỉ đạo"

func sectionOf(it Item) SectionKind {
	switch {
	case it.Kind == KindDone:
		return SectionDone
	case it.Kind == KindCheckin:
		return SectionCheckin
	case it.Kind == KindOverdue, it.Kind == KindEscalation, !it.Due.IsZero() && it.WorkingDays < 0:
		return SectionOverdue
	default:
		return SectionUpcoming
	}
}

// CountParts counts items the way a title and a letter's summary both
// say it, tasks first and their (unit, period) assignments in brackets:
// "1 nhiệm vụ quá hạn (5 kỳ)". Short gives the title's wording ("1 quá
// hạn (5 kỳ)"). Copies count only in a message that holds nothing else.
func CountParts(items []Item, short bool) []string {
	// Distinct tasks and (assignment, task, occurrence, unit) per group,
	// counted with struct keys: a digest of a large plan has tens of
	// thousands of items, and a concatenated key per item was most of
	// the cost of its subject.
	type counts struct {
		tasks map[taskKey]struct{}
		asgs  map[asgKey]struct{}
	}
	groups := map[string]*counts{}
	copies := 0
	for _, it := range items {
		k := ""
		switch {
		case it.Kind == KindEscalation:
			k = "escalation"
		case it.Copy:
			copies++
			continue
		default:
			k = string(sectionOf(it))
		}
		g := groups[k]
		if g == nil {
			g = &counts{tasks: map[taskKey]struct{}{}, asgs: map[asgKey]struct{}{}}
			groups[k] = g
		}
		g.tasks[taskKeyOf(it)] = struct{}{}
		g.asgs[asgKey{it.Assignment, it.TaskID, it.Occurrence, it.Unit}] = struct{}{}
	}
	var parts []string
	add := func(key, long, brief, unit string) {
		g := groups[key]
		if g == nil {
			return
		}
		tasks, n := len(g.tasks), len(g.asgs)
		label := long
		if short {
			label = brief
		}
		s := fmt.Sprintf("%d %s", tasks, label)
		if n != tasks {
			s += fmt.Sprintf(" (%d %s)", n, unit)
		}
		parts = append(parts, s)
	}
	add("escalation", "nhiệm vụ cần chỉ đạo", "cần chỉ đạo", "lượt đơn vị")
	add(string(SectionOverdue), "nhiệm vụ quá hạn", "quá hạn", "kỳ")
	add(string(SectionUpcoming), "nhiệm vụ sắp đến hạn", "sắp đến hạn", "kỳ")
	add(string(SectionCheckin), "nhiệm vụ cần báo cáo tiến độ", "cần báo cáo tiến độ", "kỳ")
	add(string(SectionDone), "nhiệm vụ đã hoàn thành", "đã hoàn thành", "lượt đơn vị")
	if len(parts) == 0 && copies > 0 {
		tasks := map[taskKey]struct{}{}
		for _, it := range items {
			tasks[taskKeyOf(it)] = struct{}{}
		}
		if short {
			parts = append(parts, fmt.Sprintf("%d nhiệm vụ phối hợp để biết", len(tasks)))
		} else {
			parts = append(parts, fmt.Sprintf("%d nhiệm vụ phối hợp, gửi để biết", len(tasks)))
		}
	}
	return parts
}

// taskKey is taskOf's task as a map key: its plan and id.
type taskKey struct{ plan, id string }

func taskKeyOf(it Item) taskKey {
	plan, _, _ := strings.Cut(it.Assignment, "|")
	return taskKey{plan, it.TaskID}
}

// asgKey is one (unit, period) assignment counted by CountParts.
type asgKey struct{ assignment, task, occurrence, unit string }

// Subject is the subject of a letter, sorted and scanned in an inbox:
// "[Nhắc việc CCHC] Phòng KH-TC: 1 quá hạn (5 kỳ), 1 sắp đến hạn (2 kỳ) — 19/11/2024".
func Subject(who string, at time.Time, items []Item) string {
	s := "[Nhắc việc CCHC] "
	if who != "" {
		s += who + ": "
	}
	parts := CountParts(items, true)
	if len(parts) == 0 {
		parts = []string{"thông báo"}
	}
	return s + strings.Join(parts, ", ") + " — " + FormatDate(at)
}

// taskOf identifies an item's task across plans.
func taskOf(it Item) string {
	plan, _, _ := strings.Cut(it.Assignment, "|")
	return plan + "|" + it.TaskID
}

func distinct(items []Item, key func(Item) string) map[string]bool {
	out := map[string]bool{}
	for _, it := range items {
		out[key(it)] = true
	}
	return out
}

// entries merges the items of one section per task, in the order of the
// section's most urgent item of each task.
func entries(items []Item, k SectionKind, units bool) []Entry {
	var order []string
	by := map[string][]Item{}
	for _, it := range items {
		key := taskOf(it)
		if _, ok := by[key]; !ok {
			order = append(order, key)
		}
		by[key] = append(by[key], it)
	}
	out := make([]Entry, 0, len(order))
	for _, key := range order {
		out = append(out, entry(by[key], k, units))
	}
	slices.SortStableFunc(out, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(urgency(a), urgency(b)), compareIDs(a.TaskID, b.TaskID))
	})
	return out
}

// urgency orders entries: longest overdue first, then nearest due.
func urgency(e Entry) int {
	least := 1 << 30
	for _, it := range e.Items {
		if !it.Due.IsZero() {
			least = min(least, it.WorkingDays)
		}
	}
	return least
}

// compareIDs orders task ids by section then number: "I.4.1" < "IV.1".
func compareIDs(a, b string) int { return strings.Compare(a, b) }

func entry(items []Item, k SectionKind, units bool) Entry {
	items = slices.Clone(items)
	slices.SortStableFunc(items, func(a, b Item) int {
		return cmp.Or(a.Due.Compare(b.Due), strings.Compare(a.Occurrence, b.Occurrence))
	})
	first := items[0]
	compact := k == SectionInfo || k == SectionDone
	e := Entry{TaskID: first.TaskID, Items: items}
	if compact {
		e.Text = Shorten(first.Text, compactRunes)
	} else {
		e.Text = Shorten(first.Text, textRunes)
		e.Output = Shorten(first.Output, outputRunes)
	}
	e.Periods = MergePeriods(items)
	var earliest Item
	worst := 1 << 30
	for _, it := range items {
		if !it.Due.IsZero() && (earliest.Due.IsZero() || it.Due.Before(earliest.Due)) {
			earliest = it
		}
		if !it.Due.IsZero() {
			worst = min(worst, it.WorkingDays)
		}
	}
	if !earliest.Due.IsZero() {
		e.Due = earliest.DueText()
	}
	e.Urgent = worst <= 0 && worst != 1<<30
	switch {
	case k == SectionDone:
		e.Status = doneStatus(items)
	case k == SectionInfo:
		e.Units = leadStates(items)
		e.Status = mergedStatus(items, worst, earliest)
	case k == SectionCheckin && first.Ask != "":
		e.Status, e.Periods = "Cho biết "+first.Ask, ""
		if e.Due != "" {
			e.Status += "; hạn nhiệm vụ " + e.Due
		}
		e.Due = ""
	default:
		e.Status = mergedStatus(items, worst, earliest)
	}
	if units && k != SectionInfo {
		e.Units = unitList(items)
	}
	return e
}

// mergedStatus is the state of the periods of one task together.
func mergedStatus(items []Item, worst int, earliest Item) string {
	if earliest.Due.IsZero() {
		return "chưa xác định thời hạn"
	}
	periods := len(distinct(items, func(it Item) string { return it.Occurrence }))
	if periods == 1 {
		it := earliest
		it.WorkingDays = worst
		return it.Status()
	}
	if worst < 0 {
		return fmt.Sprintf("quá hạn (lâu nhất %d ngày làm việc)", -worst)
	}
	return "gần nhất hạn " + earliest.DueText() + ", " + earliest.Status()
}

func doneStatus(items []Item) string {
	it := items[len(items)-1]
	if len(items) == 1 {
		return it.Status()
	}
	return fmt.Sprintf("%d lượt hoàn thành, gần nhất %s", len(items), it.Status())
}

// unitList names the units of items, each once.
func unitList(items []Item) string {
	var names []string
	for _, it := range items {
		if it.Unit != "" && !slices.Contains(names, it.Unit) {
			names = append(names, it.Unit)
		}
	}
	return strings.Join(names, ", ")
}

// leadStates names every lead unit of a copied task with its state,
// units in the same state together: "Phòng KH-TC, Phòng QLCN: chưa xong;
// Phòng QLTM: đã xong". A unit is not done while any of its periods is open.
func leadStates(items []Item) string {
	open := map[string]bool{}
	var order []string
	note := func(unit string, done bool) {
		if unit == "" {
			return
		}
		if _, ok := open[unit]; !ok {
			order = append(order, unit)
			open[unit] = false
		}
		if !done {
			open[unit] = true
		}
	}
	for _, it := range items {
		if len(it.Leads) == 0 {
			note(it.Unit, false)
		}
		for _, ls := range it.Leads {
			note(ls.Unit, ls.Done)
		}
	}
	var pending, done []string
	for _, u := range order {
		if open[u] {
			pending = append(pending, u)
		} else {
			done = append(done, u)
		}
	}
	var parts []string
	if len(pending) > 0 {
		parts = append(parts, strings.Join(pending, ", ")+": chưa xong")
	}
	if len(done) > 0 {
		parts = append(parts, strings.Join(done, ", ")+": đã xong")
	}
	return strings.Join(parts, "; ")
}

// overview sums up escalated items.
func overview(items []Item) *Overview {
	o := &Overview{Title: OverviewTitle}
	o.Tasks = len(distinct(items, taskOf))
	o.Assignments = len(distinct(items, func(it Item) string { return it.Assignment }))
	type acc struct {
		tasks, assigns map[string]bool
	}
	per := map[string]*acc{}
	for _, it := range items {
		a := per[it.Unit]
		if a == nil {
			a = &acc{map[string]bool{}, map[string]bool{}}
			per[it.Unit] = a
		}
		a.tasks[taskOf(it)] = true
		a.assigns[it.Assignment] = true
	}
	var units []UnitCount
	for u, a := range per {
		units = append(units, UnitCount{Unit: u, Tasks: len(a.tasks), Assignments: len(a.assigns)})
	}
	slices.SortFunc(units, func(a, b UnitCount) int {
		return cmp.Or(-cmp.Compare(a.Assignments, b.Assignments), -cmp.Compare(a.Tasks, b.Tasks), strings.Compare(a.Unit, b.Unit))
	})
	if len(units) > MaxOverviewUnits {
		for _, u := range units[MaxOverviewUnits:] {
			o.OtherUnits++
			o.OtherAssignments += u.Assignments
		}
		units = units[:MaxOverviewUnits]
	}
	o.Units = units
	all := entries(items, SectionOverdue, true)
	for i := range all {
		all[i].Units = shortUnitList(all[i].Items, 3)
	}
	if len(all) > MaxOverviewLongest {
		o.MoreTasks = len(all) - MaxOverviewLongest
		all = all[:MaxOverviewLongest]
	}
	for i := range all {
		all[i].Output = ""
		all[i].Text = Shorten(all[i].Items[0].Text, compactRunes)
	}
	o.Longest = all
	return o
}

// shortUnitList names at most n units, then how many more.
func shortUnitList(items []Item, n int) string {
	var names []string
	for _, it := range items {
		if it.Unit != "" && !slices.Contains(names, it.Unit) {
			names = append(names, it.Unit)
		}
	}
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(" và %d đơn vị khác", len(names)-n)
}

// Shorten cuts s to at most n runes at a word boundary, with "…": digests
// show the beginning of long task texts, the full text is one click away.
func Shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndex(cut, " "); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.-–—") + "…"
}

func upperFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}
