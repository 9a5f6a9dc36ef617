package scheduler

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/org"
)

// target is one recipient of one step.
type target struct {
	to   notify.Recipient
	copy bool // informed (coordinating unit), not responsible
}

// personRecipient turns a person into a recipient.
func personRecipient(p org.Person) notify.Recipient {
	return notify.Recipient{ID: p.ID, Name: p.Name, Email: p.Email, TelegramID: p.Telegram}
}

// unitTargets are the recipients that speak for a unit: its head and its
// shared mailbox or group. A unit with neither is covered by the office, so
// that no step is silently dropped.
func (s *state) unitTargets(unitID string, copy bool) []target {
	d := s.Directory
	u, ok := d.Unit(unitID)
	if !ok {
		return nil
	}
	var out []target
	if p, ok := d.Person(u.Head); ok {
		out = append(out, target{to: personRecipient(p), copy: copy})
	}
	if u.Email != "" || u.Telegram != 0 {
		out = append(out, target{to: notify.Recipient{ID: "unit:" + u.ID, Name: u.Name, Email: u.Email, TelegramID: u.Telegram}, copy: copy})
	}
	if len(out) == 0 && !copy && unitID != s.Office {
		return s.unitTargets(s.Office, false)
	}
	return out
}

// targets returns who receives step st of assignment a.
func (s *state) targets(a Assignment, st Step) []target {
	d := s.Directory
	if st.Kind == notify.KindEscalation {
		pol := s.policy(a.TaskID)
		if st.Level < 1 || st.Level > len(pol.Escalations) {
			return nil
		}
		var out []target
		for _, who := range pol.Escalations[st.Level-1].To {
			switch who {
			case "head":
				out = append(out, s.unitTargets(a.Unit, false)...)
			case "superior":
				u, _ := d.Unit(a.Unit)
				if p, ok := d.Person(u.Superior); ok {
					out = append(out, target{to: personRecipient(p)})
				}
			case "office":
				out = append(out, s.unitTargets(s.Office, false)...)
			case "leadership":
				for _, p := range d.PeopleWithRole(org.RoleLeader) {
					out = append(out, target{to: personRecipient(p)})
				}
			default:
				if p, ok := d.Person(who); ok {
					out = append(out, target{to: personRecipient(p)})
				}
			}
		}
		return out
	}
	out := s.unitTargets(a.Unit, false)
	if st.Kind == notify.KindDue || st.Kind == notify.KindOverdue {
		if t, ok := s.tasks[taskKey(a.Plan, a.TaskID)]; ok {
			for _, id := range t.CoordIDs {
				for _, u := range s.Directory.ExpandAll([]org.Ref{{ID: id, Group: isGroup(d, id)}}) {
					if u != a.Unit {
						out = append(out, s.unitTargets(u, true)...)
					}
				}
			}
		}
	}
	return out
}

func isGroup(d *org.Directory, id string) bool {
	_, ok := d.Group(id)
	return ok
}

// Channels returns the channels a recipient is reached on: the person's
// preferences when set, else every channel they have an address for, among
// the channels in service (all when enabled is nil).
func Channels(d *org.Directory, r notify.Recipient, enabled []string) []string {
	var prefs []string
	if p, ok := d.Person(r.ID); ok {
		prefs = p.Channels
	}
	if len(prefs) == 0 {
		prefs = []string{notify.ChannelTelegram, notify.ChannelEmail}
	}
	var out []string
	for _, ch := range prefs {
		if enabled != nil && !slices.Contains(enabled, ch) {
			continue
		}
		if ch == notify.ChannelTelegram && r.TelegramID != 0 || ch == notify.ChannelEmail && r.Email != "" {
			out = append(out, ch)
		}
	}
	return out
}

// messages groups the fired steps per recipient into one message per
// recipient and channel (a digest), and says which messages carry each step.
// The completions not yet reported (done) join the digests of the office's
// recipients when they get one; reported lists those that did.
func (s *state) messages(now time.Time, all []fired, done []notify.Item) ([]*notify.Message, map[string][]string, []string) {
	type box struct {
		to    notify.Recipient
		items []notify.Item
		steps []string
		seen  map[string]bool
	}
	boxes := map[string]*box{}
	var order []string
	for _, f := range all {
		item := s.item(now, f)
		stepKey := StepKey(f.a.Key, f.step.Name)
		for _, t := range s.targets(f.a, f.step) {
			b := boxes[t.to.ID]
			if b == nil {
				b = &box{to: t.to, seen: map[string]bool{}}
				boxes[t.to.ID] = b
				order = append(order, t.to.ID)
			}
			it := item
			it.Copy = t.copy
			// A copy informs about the occurrence, whichever member unit's
			// assignment carried it: one line per occurrence.
			k := it.Assignment + "|" + string(it.Kind)
			if it.Copy {
				k = "copy|" + it.Occurrence + "|" + string(it.Kind)
			}
			if b.seen[k] {
				continue
			}
			b.seen[k] = true
			b.items = append(b.items, it)
			if !t.copy {
				b.steps = append(b.steps, stepKey)
			}
		}
	}
	var reported []string
	if len(done) > 0 {
		joined := false
		for _, t := range s.unitTargets(s.Office, false) {
			if b := boxes[t.to.ID]; b != nil {
				b.items = append(b.items, done...)
				joined = true
			}
		}
		if joined {
			for _, it := range done {
				reported = append(reported, it.Assignment)
			}
		}
	}
	slices.Sort(order)
	var msgs []*notify.Message
	carried := map[string][]string{}
	for _, id := range order {
		b := boxes[id]
		// Who leads an occurrence needs no copy of it.
		leads := map[string]bool{}
		for _, it := range b.items {
			if !it.Copy {
				leads[it.Occurrence] = true
			}
		}
		b.items = slices.DeleteFunc(b.items, func(it notify.Item) bool { return it.Copy && leads[it.Occurrence] })
		slices.SortStableFunc(b.items, compareItems)
		slices.Sort(b.steps)
		for _, ch := range Channels(s.Directory, b.to, s.Channels) {
			m := &notify.Message{
				ID:      messageID(b.to.ID, ch, now, b.steps, b.items),
				Channel: ch,
				Kind:    messageKind(b.items),
				To:      b.to,
				At:      now,
				Title:   Title(b.items),
				Intro:   fmt.Sprintf("Kính gửi %s,", b.to.Name),
				Items:   b.items,
				Footer:  "Tin nhắn tự động của nhacviec, hệ thống nhắc việc cải cách hành chính.",
			}
			msgs = append(msgs, m)
			for _, s := range b.steps {
				carried[s] = append(carried[s], m.ID)
			}
		}
	}
	return msgs, carried, reported
}

// item describes one fired step as a message item.
func (s *state) item(now time.Time, f fired) notify.Item {
	cal := s.Calendar
	due := cal.At(f.a.DueDay, mustClock(cal))
	it := notify.Item{
		Kind: f.step.Kind, Assignment: f.a.Key, TaskID: f.a.TaskID, Occurrence: f.a.Occurrence,
		Unit: f.a.Unit, Due: due, Level: f.step.Level,
		WorkingDays: cal.WorkingDaysBetween(now, f.a.DueDay.In(cal.Location())),
	}
	if u, ok := s.Directory.Unit(f.a.Unit); ok {
		it.Unit = u.Name
	}
	if t, ok := s.tasks[taskKey(f.a.Plan, f.a.TaskID)]; ok {
		it.Text, it.Output = t.Text, t.Output
	}
	return it
}

// mustClock is the end of the working day: a task is due by then.
func mustClock(cal *calendar.Calendar) calendar.Clock {
	_, end := cal.WorkHours()
	return end
}

var kindOrder = map[notify.Kind]int{notify.KindEscalation: 0, notify.KindOverdue: 1, notify.KindDue: 2, notify.KindReminder: 3, notify.KindDone: 4}

func compareItems(a, b notify.Item) int {
	return cmp.Or(
		cmp.Compare(boolInt(a.Copy), boolInt(b.Copy)),
		cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]),
		a.Due.Compare(b.Due),
		strings.Compare(a.Occurrence, b.Occurrence),
		strings.Compare(a.Unit, b.Unit),
	)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func messageKind(items []notify.Item) notify.Kind {
	k := items[0].Kind
	for _, it := range items[1:] {
		if it.Kind != k {
			return notify.KindDigest
		}
	}
	return k
}

// messageID is the stable key of a message: recipient, channel, moment and
// the steps it carries (items, for messages that only inform).
func messageID(to, channel string, at time.Time, steps []string, items []notify.Item) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%d\n", to, channel, at.Unix())
	for _, s := range steps {
		fmt.Fprintln(h, s)
	}
	for _, it := range items {
		fmt.Fprintln(h, it.Assignment, it.Kind, it.Copy)
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// Title is the Vietnamese subject of a message listing items.
func Title(items []notify.Item) string {
	counts := map[notify.Kind]int{}
	copies := 0
	for _, it := range items {
		if it.Copy {
			copies++
			continue
		}
		counts[it.Kind]++
	}
	var parts []string
	if n := counts[notify.KindEscalation]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d nhiệm vụ quá hạn cần chỉ đạo", n))
	}
	if n := counts[notify.KindOverdue]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d nhiệm vụ quá hạn", n))
	}
	if n := counts[notify.KindDue]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d nhiệm vụ đến hạn hôm nay", n))
	}
	if n := counts[notify.KindReminder]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d nhiệm vụ sắp đến hạn", n))
	}
	if n := counts[notify.KindDone]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d nhiệm vụ đã hoàn thành", n))
	}
	if copies > 0 {
		parts = append(parts, fmt.Sprintf("%d nhiệm vụ phối hợp (để biết)", copies))
	}
	return "Nhắc việc: " + strings.Join(parts, ", ")
}
