package bot

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/sct-langson/nhacviec/scheduler"
)

// TaskRef is a task id as a user writes it, normalized: "III.2.2.1",
// with a period ("2024-09") for one occurrence of a recurring task.
type TaskRef struct {
	Task   string
	Period string
}

// String is "III.2.2.1" or "I.4.1@2024-09".
func (r TaskRef) String() string {
	if r.Period == "" {
		return r.Task
	}
	return r.Task + "@" + r.Period
}

// taskRefPattern reads a section numeral, then numbers separated by dots,
// spaces allowed around them, then an optional @period.
var taskRefPattern = regexp.MustCompile(`^\s*([IVXivx]+)\s*\.?\s*([0-9]+(?:\s*\.\s*[0-9]+)*)\.?(?:\s*@\s*([0-9A-Za-z-]+))?`)

// ParseTaskRef reads a task id at the start of s, tolerant of case and
// spacing ("iii.2.2.1", "III. 2.2.1", "I.4.1 @ 2024-09"), and returns it
// and the rest of s, trimmed.
func ParseTaskRef(s string) (ref TaskRef, rest string, ok bool) {
	m := taskRefPattern.FindStringSubmatchIndex(s)
	if m == nil {
		return TaskRef{}, s, false
	}
	rest = s[m[1]:]
	if r := []rune(rest); len(r) > 0 && (unicode.IsLetter(r[0]) || unicode.IsDigit(r[0])) {
		return TaskRef{}, s, false
	}
	num := strings.Join(strings.Fields(s[m[4]:m[5]]), "")
	ref.Task = strings.ToUpper(s[m[2]:m[3]]) + "." + num
	if m[6] >= 0 {
		ref.Period = normalizePeriod(s[m[6]:m[7]])
	}
	return ref, strings.TrimSpace(strings.TrimLeft(rest, ",:;")), true
}

// normalizePeriod writes a period as the scheduler does: upper case,
// months with two digits ("2024-9" → "2024-09").
func normalizePeriod(p string) string {
	p = strings.ToUpper(p)
	if len(p) == 6 && p[4] == '-' && p[5] >= '1' && p[5] <= '9' {
		p = p[:5] + "0" + p[5:]
	}
	return p
}

// normalizeTaskID is a stored task id as ParseTaskRef writes one.
func normalizeTaskID(id string) string {
	return strings.TrimRight(strings.ToUpper(strings.Join(strings.Fields(id), "")), ".")
}

// periodOf is the period of an occurrence id, "" if none.
func periodOf(occurrence string) string {
	_, p, _ := strings.Cut(occurrence, "@")
	return p
}

// Matches reports whether a is an occurrence of the task r names (of its
// period, when r has one).
func (r TaskRef) Matches(a scheduler.Assignment) bool {
	return normalizeTaskID(a.TaskID) == r.Task && (r.Period == "" || strings.EqualFold(periodOf(a.Occurrence), r.Period))
}

// forTaskAssignments calls fn with every assignment, not archived, of the
// task ref names (of its period, when it has one). They are read by their
// keys in each of plans (the engine's). When that finds none, the plans'
// task ids are read from the sync marks (every task with assignments not
// archived has one), for a stored id written unlike ParseTaskRef's form,
// and its assignments read by their keys: an id that names no task then
// costs a read of the marks, not of every assignment (1.3 s at 100,000
// tasks × 5 units, inside the bot's write transaction). Every assignment
// is read only when the engine plans no plan yet (the daemon's bot
// answers while its first plan runs)
// (TestChooseFindsTasksWhenKeysFindNone).
func forTaskAssignments(tx scheduler.Tx, plans []string, ref TaskRef, fn func(scheduler.Assignment) error) error {
	found := 0
	collect := func(a scheduler.Assignment) error {
		if a.State == scheduler.StateArchived || !ref.Matches(a) {
			return nil
		}
		found++
		return fn(a)
	}
	for _, code := range plans {
		if err := tx.ForEachTaskAssignment(code, ref.Task, collect); err != nil {
			return err
		}
	}
	if found > 0 {
		return nil
	}
	if len(plans) == 0 {
		return tx.ForEachAssignment("", collect)
	}
	type task struct{ plan, id string }
	var odd []task // stored ids of ref's task, written otherwise
	for _, code := range plans {
		err := tx.ForEachSyncMark(code, func(id string, _ uint64) error {
			if id != ref.Task && normalizeTaskID(id) == ref.Task {
				odd = append(odd, task{code, id})
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, t := range odd {
		if err := tx.ForEachTaskAssignment(t.plan, t.id, collect); err != nil {
			return err
		}
	}
	return nil
}

// want says which assignments an action applies to.
type want int

const (
	wantOpen     want = iota // done, snooze
	wantDone                 // undo
	wantOpenLast             // note: open, else the latest done
)

// selection is what a task id named: one assignment, several (one per
// unit: ask which), or none with the reason to tell the user.
type selection struct {
	one    *scheduler.Assignment
	many   []scheduler.Assignment
	reason string
}

// choose finds the assignments ref names that p may act on. A ref without
// period takes, per unit, the open occurrence due first (the latest done
// one for undo). p's own unit comes first; admins reach every unit.
func (b *Bot) choose(tx scheduler.Tx, p person, ref TaskRef, w want) (selection, error) {
	var all []scheduler.Assignment
	err := forTaskAssignments(tx, b.engine.Plans(), ref, func(a scheduler.Assignment) error {
		all = append(all, a)
		return nil
	})
	if err != nil {
		return selection{}, err
	}
	if len(all) == 0 {
		return selection{reason: "❓ Không tìm thấy nhiệm vụ <b>" + esc(ref.String()) + "</b>. Gõ /viec để xem các nhiệm vụ đang mở và mã của chúng."}, nil
	}
	var allowed, own []scheduler.Assignment
	for _, a := range all {
		if p.May(a) {
			allowed = append(allowed, a)
			if a.Unit == p.Unit {
				own = append(own, a)
			}
		}
	}
	if len(allowed) == 0 {
		b.logRefusal(p, all[0].Key, "select")
		return selection{reason: esc(b.refusal(all[0].Unit))}, nil
	}
	if len(own) > 0 {
		allowed = own
	}
	best := map[string]scheduler.Assignment{} // per unit
	var units []string
	for _, a := range allowed {
		if !fits(a, w) {
			continue
		}
		cur, seen := best[a.Unit]
		if !seen {
			units = append(units, a.Unit)
		}
		if !seen || better(a, cur, w) {
			best[a.Unit] = a
		}
	}
	switch len(units) {
	case 0:
		return selection{reason: b.nothingTo(allowed, ref, w)}, nil
	case 1:
		a := best[units[0]]
		return selection{one: &a}, nil
	}
	slices.Sort(units)
	var many []scheduler.Assignment
	for _, u := range units {
		many = append(many, best[u])
	}
	return selection{many: many}, nil
}

func fits(a scheduler.Assignment, w want) bool {
	switch w {
	case wantDone:
		return a.State == scheduler.StateDone
	case wantOpenLast:
		return true
	default:
		return a.State == scheduler.StateOpen
	}
}

// better reports whether a is a better pick than cur: the open occurrence
// due first; for undo the one done last; for a note the open one, else
// the one done last.
func better(a, cur scheduler.Assignment, w want) bool {
	switch w {
	case wantDone:
		return a.DoneAt.After(cur.DoneAt)
	case wantOpenLast:
		if a.State != cur.State {
			return a.State == scheduler.StateOpen
		}
		if a.State != scheduler.StateOpen {
			return a.DoneAt.After(cur.DoneAt)
		}
	}
	return a.DueDay.Before(cur.DueDay)
}

// nothingTo explains why none of the assignments fits the action.
func (b *Bot) nothingTo(as []scheduler.Assignment, ref TaskRef, w want) string {
	id := "<b>" + esc(ref.String()) + "</b>"
	if w == wantDone {
		return "ℹ️ Nhiệm vụ " + id + " chưa được đánh dấu hoàn thành nên không có gì để hoàn tác."
	}
	last := as[0]
	for _, a := range as[1:] {
		if a.DoneAt.After(last.DoneAt) {
			last = a
		}
	}
	return "ℹ️ Nhiệm vụ " + id + " đã hoàn thành" + b.doneBy(last) + ". Nếu đánh dấu nhầm, gõ /huy " + esc(last.Occurrence) + "."
}
