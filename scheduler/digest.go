package scheduler

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

// targets returns who receives step st of assignment a. The list is
// shared (memo): callers never change it.
func (s *state) targets(a Assignment, st Step) []target {
	k := targetsKey{unit: a.Unit, kind: st.Kind, level: st.Level}
	switch st.Kind {
	case notify.KindEscalation:
		k.by, _ = s.policyOf(a.Plan, a.TaskID)
	case notify.KindDue, notify.KindOverdue:
		if t := s.taskPtr(a.Plan, a.TaskID); t != nil {
			k.by = strings.Join(t.CoordIDs, "\x00")
		}
	}
	if f := s.memo.lastTargets.Load(); f != nil && f.k == k {
		return f.ts
	}
	s.memo.mu.Lock()
	out, ok := s.memo.targets[k]
	s.memo.mu.Unlock()
	if ok {
		s.memo.lastTargets.Store(&foundTargets{k: k, ts: out})
		return out
	}
	out = s.findTargets(a, st)
	s.memo.mu.Lock()
	if s.memo.targets == nil {
		s.memo.targets = map[targetsKey][]target{}
	}
	s.memo.targets[k] = out
	s.memo.mu.Unlock()
	return out
}

// targetsKey is what the recipients of a step depend on: the unit, the
// kind and level of step, and by: the policy for an escalation, the task's
// coordinating units for a due day or overdue step.
type targetsKey struct {
	unit, by string
	kind     notify.Kind
	level    int
}

func (s *state) findTargets(a Assignment, st Step) []target {
	d := s.Directory
	if st.Kind == notify.KindEscalation {
		pol := s.policy(a.Plan, a.TaskID)
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
		if t := s.taskPtr(a.Plan, a.TaskID); t != nil {
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

// Channels returns the channels a message to r goes on: the first of the
// person's preferred channels (people[].channels, in order; Telegram then
// e-mail when unset) that is enabled (nil enabled: all) and on which r has
// an address. The next channel only carries a message when the first one
// fails (the pipeline's fallback). With all (delivery.all_channels), or the
// person's own all_channels, every such channel gets a copy.
func Channels(d *org.Directory, r notify.Recipient, enabled []string, all bool) []string {
	var prefs []string
	if p, ok := d.Person(r.ID); ok {
		prefs = p.Channels
		all = p.AllChannels
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
			if !all {
				break
			}
		}
	}
	return out
}

// messages groups the fired steps per recipient into one message per
// recipient and channel (a digest), and says which messages carry each step.
// The completions not yet reported (done) are news for the office's
// recipients; reported lists those that went. rep are the overdue items to
// repeat at a round (nil otherwise), joined to a recipient's digest when
// they get news or their rhythm is due (Rhythm).
//
// recent are the week's completions: a digest that carries escalations (to
// the leadership, a superior, the office) says which were done since the
// reader's last digest.
//
// held are the boxes of the round's batches before this one (Fire): their
// lines come first, and their steps are carried as this batch's are.
func (s *state) messages(tx Tx, now time.Time, all []fired, held []heldBox, done []notify.Item, rep *repeatSet, recent []notify.Item) ([]*notify.Message, map[string][]string, []string, error) {
	boxes, order, err := s.fillBoxes(tx, now, all, held)
	if err != nil {
		return nil, nil, nil, err
	}
	leads := map[string][]notify.LeadState{}
	var reported []string
	if len(done) > 0 {
		joined := false
		for _, t := range s.unitTargets(s.Office, false) {
			b := boxes[t.to.ID]
			if b == nil && rep != nil { // at a round a completion is news of its own
				b = &box{to: t.to, seen: map[seenKey]bool{}}
				boxes[t.to.ID] = b
				order = append(order, t.to.ID)
			}
			if b != nil {
				b.items = append(b.items, done...)
				b.news = true
				joined = true
			}
		}
		if joined {
			for _, it := range done {
				reported = append(reported, it.Assignment)
			}
		}
	}
	// Each recipient's rhythm: repeats join news, or go on their own when
	// the rhythm is due; the digest restarts the rhythm.
	today := s.today(now)
	var repIDs []string
	if rep != nil {
		repIDs = rep.ids
	}
	for _, id := range repIDs {
		if boxes[id] == nil {
			order = append(order, id)
		}
	}
	// Whose digest goes (news, or the rhythm's day), read first: only
	// they need their repeats.
	rhythms := make(map[string]Rhythm, len(order))
	need := make(map[string]bool, len(order))
	for _, id := range order {
		r, err := tx.Rhythm(id)
		if err != nil {
			return nil, nil, nil, err
		}
		rhythms[id] = r
		b := boxes[id]
		need[id] = b != nil && b.news || r.LastDigest != today && s.rhythmDue(r, today)
	}
	var reps map[string][]candidate
	if rep != nil {
		reps = rep.candidates(need)
	}
	// Each recipient's digest is made apart from the others' (its items,
	// the keys it shows, their order); the store is written after, in
	// order. A preview makes them on every core: a round at 100,000 tasks
	// makes a hundred digests of thousands of items.
	type digest struct {
		b     *box
		drop  bool     // nothing today
		shown []string // the rhythm to write; nil: none
	}
	ds := make([]digest, len(order))
	make1 := func(i int) error {
		id := order[i]
		r := rhythms[id]
		b := boxes[id]
		news := b != nil && b.news
		cands := reps[id]
		due := r.LastDigest != today && s.rhythmDue(r, today)
		if !news && !(due && (len(cands) > 0 || b != nil)) {
			// Nothing new and not the rhythm's day: later reminders and
			// copies wait for the next digest (they are among its repeats).
			ds[i].drop = true
			return nil
		}
		if b == nil {
			b = &box{to: cands[0].to.to, seen: map[seenKey]bool{}}
		}
		ds[i].b = b
		// The keys shown, in parts sorted or nearly (the candidates
		// come by key): merged at the end, not sorted from a map. They
		// are looked up in sorted lists from where the last search
		// ended, not in a map: a round at 100,000 tasks looks up
		// hundreds of thousands of keys per digest, and a map cost a
		// hash and a cache miss for each, and its memory.
		fresh := make([]string, len(b.items))
		for j, it := range b.items {
			fresh[j] = itemKey(it)
		}
		slices.Sort(fresh)
		fresh = slices.Compact(fresh)
		var keys, copies, dones []string
		if r.LastDigest != today {
			// The repeats not shown yesterday nor already here, found
			// first: the items then grow once, by as many (most of a
			// daily reader's candidates were shown yesterday).
			//
			// The candidates come by assignment key: a repeat's key
			// (its assignment's) grows from one to the next, and the
			// copies of an occurrence, one per lead unit with the same
			// key, come together. A key met just before is met again.
			// Two searches in each list, one for each kind of key: the
			// copies' keys sort after the repeats'.
			yesterday := s.shownYesterday(r, today)
			inFresh, inFreshCopy := sortedLookup(fresh), sortedLookup(fresh)
			shown, shownCopy := sortedLookup(yesterday), sortedLookup(yesterday)
			var lastKey, lastCopy string
			take, nCopies := make([]int32, 0, len(cands)), 0
			for i, c := range cands {
				k := c.key
				if c.to.copy {
					if k == lastCopy && lastCopy != "" || inFreshCopy(k) || shownCopy(k) {
						continue
					}
					lastCopy = k
					nCopies++
				} else {
					if k == lastKey && lastKey != "" || inFresh(k) || shown(k) {
						continue
					}
					lastKey = k
				}
				take = append(take, int32(i))
			}
			keys, copies = make([]string, 0, len(take)-nCopies), make([]string, 0, nCopies)
			for _, i := range take {
				if c := cands[i]; c.to.copy {
					copies = append(copies, c.key)
				} else {
					keys = append(keys, c.key)
				}
			}
			b.items = slices.Grow(b.items, len(take))
			for _, i := range take {
				c := cands[i]
				it := s.candidateItem(now, c)
				if it.Copy && s.Detail == DetailFull {
					ls, ok := leads[c.a.plan+"|"+c.a.occurrence]
					if !ok {
						var err error
						if ls, err = s.leadStates(tx, c.a.assignment()); err != nil {
							return err
						}
						leads[c.a.plan+"|"+c.a.occurrence] = ls
					}
					it.Leads = ls
				}
				b.items = append(b.items, it)
			}
		}
		if len(b.items) == 0 {
			return nil
		}
		if len(recent) > 0 && slices.ContainsFunc(b.items, func(it notify.Item) bool { return it.Kind == notify.KindEscalation }) {
			since := now.Add(-recentDone)
			if r.LastDigest != (calendar.Date{}) {
				since = s.roundAt(r.LastDigest)
			}
			shownHere := func(k string) bool {
				_, inF := slices.BinarySearch(fresh, k)
				_, inK := slices.BinarySearch(keys, k)
				return inF || inK
			}
			for _, it := range recent {
				if k := "done|" + it.Assignment; it.DoneAt.After(since) && !shownHere(it.Assignment) && !slices.Contains(dones, k) {
					dones = append(dones, k)
					b.items = append(b.items, it)
				}
			}
		}
		slices.Sort(dones)
		ds[i].shown = slices.Concat(fresh, keys, copies, dones)
		mergeRuns(ds[i].shown, func(a, b string) bool { return a < b })
		// Who leads an occurrence needs no copy of it. The occurrences of
		// the copies are found first (a tenth of the lines, or none), then
		// those the reader leads among them.
		var copied map[string]bool // occurrence → led by the reader
		for _, it := range b.items {
			if it.Copy {
				if copied == nil {
					copied = map[string]bool{}
				}
				copied[it.Occurrence] = false
			}
		}
		if copied != nil {
			for _, it := range b.items {
				if _, ok := copied[it.Occurrence]; ok && !it.Copy {
					copied[it.Occurrence] = true
				}
			}
			b.items = slices.DeleteFunc(b.items, func(it notify.Item) bool { return it.Copy && copied[it.Occurrence] })
		}
		b.items = sortItems(b.items)
		if s.Detail == DetailFull { // for the message IDs
			slices.Sort(b.steps)
		}
		return nil
	}
	work := len(all) // lines to make, about
	for _, cs := range reps {
		work += len(cs)
	}
	least := cmp.Or(s.parallel, parallelDigests)
	if s.Detail == DetailFull || work < least { // the daemon's read the lead units of copies from tx
		for i := range order {
			if err := make1(i); err != nil {
				return nil, nil, nil, err
			}
		}
	} else {
		inParallel(len(order), func(i int) { make1(i) }) // reads no store: no error
	}
	for i, id := range order {
		switch d := ds[i]; {
		case d.drop:
			delete(boxes, id)
		default:
			boxes[id] = d.b
			if d.shown == nil {
				continue
			}
			if err := tx.PutRhythm(id, Rhythm{LastDigest: today, Shown: d.shown}); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	slices.Sort(order)
	var msgs []*notify.Message
	carried := map[string][]string{}
	for _, id := range order {
		b := boxes[id]
		if b == nil || len(b.items) == 0 {
			continue
		}
		var title string // the same on every channel
		for _, ch := range Channels(s.Directory, b.to, s.Channels, s.AllChannels) {
			if title == "" && s.Detail < DetailItems {
				title = notify.Subject(s.who(b.to), now, b.items)
			}
			m := &notify.Message{Channel: ch, Kind: messageKind(b.items), To: b.to, At: now, Title: title, Items: b.items}
			msgs = append(msgs, m)
			if s.Detail != DetailFull {
				continue
			}
			m.ID, m.Footer = messageID(b.to.ID, ch, now, b.steps, b.items), strings.Join(s.Signature, "\n")
			for _, s := range b.steps {
				carried[s] = append(carried[s], m.ID)
			}
		}
	}
	return msgs, carried, reported, nil
}

// parallelDigests is the fewest lines (fired steps and repeats) a round
// makes its digests on several cores for: below, starting goroutines costs
// more than it saves (the seed plan's rounds have a few dozen).
const parallelDigests = 4096

// inParallel calls fn(i) for i in [0, n) on up to GOMAXPROCS goroutines,
// each taking the next i when done with its last, and returns when all
// are done.
func inParallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// seenKey is a line of a digest: an assignment's item of a kind, or a
// copy's, by occurrence.
type seenKey struct {
	copy bool
	of   string // assignment, or occurrence for a copy
	kind notify.Kind
}

// leadStates are the lead units of a's occurrence with their states, for
// the copies of it: a coordinating unit sees every unit that is due.
func (s *state) leadStates(tx Tx, a Assignment) ([]notify.LeadState, error) {
	t := s.taskPtr(a.Plan, a.TaskID)
	if t == nil {
		return nil, nil
	}
	var out []notify.LeadState
	for _, unit := range s.leadUnits(t.Task) {
		other, ok, err := tx.Assignment(AssignmentKey(a.Plan, a.Occurrence, unit))
		if err != nil {
			return nil, err
		}
		if !ok || other.State == StateArchived {
			continue
		}
		name := unit
		if u, ok := s.Directory.Unit(unit); ok {
			name = u.Name
		}
		out = append(out, notify.LeadState{Unit: name, Done: other.State == StateDone})
	}
	return out, nil
}

// who names a recipient in a subject: the unit's short name for a unit's
// mailbox or a unit's person ("Phòng KH-TC"), else the person's name
// ("Giám đốc Sở").
func (s *state) who(r notify.Recipient) string {
	d := s.Directory
	id, isUnit := strings.CutPrefix(r.ID, "unit:")
	if !isUnit {
		if p, ok := d.Person(r.ID); ok && p.Unit != "" {
			id = p.Unit
		} else {
			return r.Name
		}
	}
	if u, ok := d.Unit(id); ok {
		return u.Short()
	}
	return r.Name
}

// item describes one fired step as a message item.
func (s *state) item(now time.Time, f fired) notify.Item {
	it := notify.Item{
		Kind: f.step.Kind, Assignment: f.a.Key, TaskID: f.a.TaskID, Occurrence: f.a.Occurrence,
		Unit: s.unitName(f.a.Unit), Due: s.dueAt(f.a.DueDay), Level: f.step.Level,
	}
	return s.itemDetail(now, f, it)
}

// dueAt is the moment a task due on day d is due.
func (s *state) dueAt(d calendar.Date) time.Time {
	return s.Calendar.At(d, mustClock(s.Calendar))
}

// unitName is the name of a unit in items: the directory's, else its id.
func (s *state) unitName(id string) string {
	if u, ok := s.Directory.Unit(id); ok {
		return u.Name
	}
	return id
}

// itemDetail completes it, the item of f with its kind, assignment, task,
// occurrence, unit name, due moment and level, with what s.Detail asks
// for beyond them.
func (s *state) itemDetail(now time.Time, f fired, it notify.Item) notify.Item {
	cal := s.Calendar
	if s.Detail < DetailItems {
		it.WorkingDays = cal.WorkingDaysBetween(now, f.a.DueDay.In(cal.Location()))
	}
	if s.Detail != DetailFull {
		return it
	}
	if t := s.taskPtr(f.a.Plan, f.a.TaskID); t != nil {
		it.Text, it.Output = t.Text, t.Output
	}
	if _, period, ok := strings.Cut(f.a.Occurrence, "@"); ok && !isYearPeriod(period) {
		it.Period = s.periodName(period)
	}
	if f.step.Kind == notify.KindCheckin {
		label := checkinReport(f.step.Name)
		year, part, _ := strings.Cut(label, "-")
		name := PeriodName(label)
		if part == "Y" {
			name = "năm " + year
		}
		for _, r := range Reports {
			if r.Label(atoiYear(year)) == label {
				it.Ask = fmt.Sprintf("tiến độ đến kỳ báo cáo %s (chốt số liệu %s)", name, notify.FormatDate(s.Calendar.At(cutoff(r, atoiYear(year)), 0)))
			}
		}
	}
	return it
}

// mustClock is the end of the working day: a task is due by then.
func mustClock(cal *calendar.Calendar) calendar.Clock {
	_, end := cal.WorkHours()
	return end
}

// kindOrder ranks the kinds of items in a digest: escalations first.
func kindOrder(k notify.Kind) int {
	switch k {
	case notify.KindEscalation:
		return 0
	case notify.KindOverdue:
		return 1
	case notify.KindDue:
		return 2
	case notify.KindReminder:
		return 3
	case notify.KindDone:
		return 4
	}
	return 0 // as a missing key of the map this was
}

// compareItems orders a digest's items: information last, then by kind,
// due moment, occurrence and unit. It stops at the first difference (cmp.Or
// would compare every field first): a digest sorts tens of thousands.
func compareItems(a, b notify.Item) int {
	if a.Copy != b.Copy {
		return cmp.Compare(boolInt(a.Copy), boolInt(b.Copy))
	}
	if ka, kb := kindOrder(a.Kind), kindOrder(b.Kind); ka != kb {
		return cmp.Compare(ka, kb)
	}
	if c := a.Due.Compare(b.Due); c != 0 {
		return c
	}
	if c := strings.Compare(a.Occurrence, b.Occurrence); c != 0 {
		return c
	}
	return strings.Compare(a.Unit, b.Unit)
}

// sortItems sorts items by compareItems, stably, moving each item once:
// a digest carries hundreds of them and an item is large.
//
// The items fall in a few groups by compareItems' leading fields (copy,
// kind, due moment), and within a group they come as a few runs already
// in order of occurrence and unit (the steps fired and the repeats, each
// by key): their positions are placed by group (a counting sort, which
// keeps their order), then each group's merged run by run, instead of
// sorted by comparisons (a round at 100,000 tasks sorts hundreds of
// thousands of lines).
func sortItems(items []notify.Item) []notify.Item {
	type groupKey struct {
		sec  int64
		nsec int32
		rank int32 // copy, then kind
	}
	var keys []groupKey
	index := map[groupKey]int32{}
	group := make([]int32, len(items))
	last := int32(-1)
	for i := range items {
		it := &items[i]
		k := groupKey{sec: it.Due.Unix(), nsec: int32(it.Due.Nanosecond()), rank: int32(boolInt(it.Copy)<<3 | kindOrder(it.Kind))}
		if last >= 0 && keys[last] == k {
			group[i] = last
			continue
		}
		g, ok := index[k]
		if !ok {
			g = int32(len(keys))
			index[k] = g
			keys = append(keys, k)
		}
		group[i], last = g, g
	}
	byKey := make([]int32, len(keys)) // the groups in order
	for g := range byKey {
		byKey[g] = int32(g)
	}
	slices.SortFunc(byKey, func(a, b int32) int {
		x, y := keys[a], keys[b]
		if x.rank != y.rank {
			return cmp.Compare(x.rank, y.rank)
		}
		if x.sec != y.sec {
			return cmp.Compare(x.sec, y.sec)
		}
		return cmp.Compare(x.nsec, y.nsec)
	})
	start := make([]int, len(keys)+1) // of each group, by its place in order
	place := make([]int32, len(keys))
	for j, g := range byKey {
		place[g] = int32(j)
	}
	for _, g := range group {
		start[place[g]+1]++
	}
	for j := 1; j < len(start); j++ {
		start[j] += start[j-1]
	}
	idx := make([]int32, len(items)) // position j takes the item at idx[j]
	next := slices.Clone(start[:len(keys)])
	for i, g := range group {
		p := place[g]
		idx[next[p]] = int32(i)
		next[p]++
	}
	less := func(a, b int32) bool {
		x, y := &items[a], &items[b]
		if x.Occurrence != y.Occurrence {
			return x.Occurrence < y.Occurrence
		}
		return x.Unit < y.Unit
	}
	for j := range keys {
		mergeRuns(idx[start[j]:start[j+1]], less)
	}
	// In place, cycle by cycle (a copy of a digest of tens of thousands of
	// items doubled its memory): position j takes the item at idx[j].
	for i := range idx {
		if idx[i] < 0 {
			continue
		}
		tmp := items[i]
		j := i
		for {
			k := int(idx[j])
			idx[j] = -1
			if k == i {
				items[j] = tmp
				break
			}
			items[j] = items[k]
			j = k
		}
	}
	return items
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
	// The bytes fmt.Fprintf("%s\n%s\n%d\n") and a Fprintln per step and
	// per item (assignment, kind, copy) wrote before: IDs already stored
	// stay the same (TestMessageIDBytes). A digest has thousands of items:
	// appended into one buffer, hashed once.
	buf := make([]byte, 0, 64+len(steps)*48+len(items)*64)
	buf = append(buf, to...)
	buf = append(buf, '\n')
	buf = append(buf, channel...)
	buf = append(buf, '\n')
	buf = strconv.AppendInt(buf, at.Unix(), 10)
	buf = append(buf, '\n')
	for _, s := range steps {
		buf = append(buf, s...)
		buf = append(buf, '\n')
	}
	for _, it := range items {
		buf = append(buf, it.Assignment...)
		buf = append(buf, ' ')
		buf = append(buf, it.Kind...)
		buf = append(buf, ' ')
		buf = strconv.AppendBool(buf, it.Copy)
		buf = append(buf, '\n')
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:12])
}

func isYearPeriod(p string) bool {
	return len(p) == 4 && strings.Trim(p, "0123456789") == ""
}

// box is a recipient's digest as it is made: its lines, the steps it
// carries and what it has seen.
type box struct {
	to    notify.Recipient
	items []notify.Item
	steps []string
	seen  map[seenKey]bool
	// news: the box carries something new for its recipient (not
	// only a later reminder or a copy), so it goes whatever the rhythm.
	news bool
}

// fillBoxes groups the fired steps per recipient (order: as met), after
// the lines held from the round's batches before (held, first; their
// items are taken: held's are cleared).
func (s *state) fillBoxes(tx Tx, now time.Time, all []fired, held []heldBox) (map[string]*box, []string, error) {
	boxes := map[string]*box{}
	var order []string
	leads := map[string][]notify.LeadState{}
	// Each step's recipients, found once, and about how many lines each
	// recipient gets (a copy counted once for its occurrence's units in a
	// row, as the steps come by key): a box is made to its size, not
	// doubled as it fills (a catch-up morning gives a reader thousands of
	// items, and an item is large).
	tgs := make([][]target, len(all))
	type tally struct {
		n    int
		last seenKey
	}
	tallies := map[string]*tally{}
	for i, f := range all {
		tgs[i] = s.targets(f.a, f.step)
		for _, t := range tgs[i] {
			c := tallies[t.to.ID]
			if c == nil {
				c = &tally{}
				tallies[t.to.ID] = c
			}
			if t.copy {
				k := seenKey{copy: true, of: f.a.Occurrence, kind: f.step.Kind}
				if c.last == k {
					continue
				}
				c.last = k
			}
			c.n++
		}
	}
	heldN := map[string]int{} // each recipient's lines held, over the batches
	for _, h := range held {
		heldN[h.to.ID] += len(h.items)
	}
	for i, h := range held {
		held[i].items, held[i].seen = nil, nil // taken by the box: no second copy alive through the round's last batch
		b := boxes[h.to.ID]
		if b == nil {
			// The recipient's first box held becomes theirs, its lines
			// and what it has seen as they are, with room for the rest.
			n := heldN[h.to.ID] - len(h.items)
			if c := tallies[h.to.ID]; c != nil {
				n += c.n
			}
			b = &box{to: h.to, seen: h.seen, items: slices.Grow(h.items, n), news: h.news}
			for _, st := range h.steps {
				b.steps = append(b.steps, st.Key)
			}
			boxes[h.to.ID] = b
			order = append(order, h.to.ID)
			continue
		}
		for _, it := range h.items {
			if k := itemSeenKey(it); !b.seen[k] {
				b.seen[k] = true
				b.items = append(b.items, it)
			}
		}
		b.news = b.news || h.news
		for _, st := range h.steps {
			b.steps = append(b.steps, st.Key)
		}
	}
	for i, f := range all {
		item := s.item(now, f)
		stepKey := f.key
		news := f.step.Kind != notify.KindReminder || s.firstReminder(f.a) == f.step.Name
		for _, t := range tgs[i] {
			b := boxes[t.to.ID]
			if b == nil {
				n := tallies[t.to.ID].n
				b = &box{to: t.to, seen: make(map[seenKey]bool, n), items: make([]notify.Item, 0, n)}
				boxes[t.to.ID] = b
				order = append(order, t.to.ID)
			}
			it := item
			it.Copy = t.copy
			if it.Copy && s.Detail == DetailFull {
				ls, ok := leads[f.a.Plan+"|"+f.a.Occurrence]
				if !ok {
					var err error
					if ls, err = s.leadStates(tx, f.a); err != nil {
						return nil, nil, err
					}
					leads[f.a.Plan+"|"+f.a.Occurrence] = ls
				}
				it.Leads = ls
			}
			k := itemSeenKey(it)
			if b.seen[k] {
				continue
			}
			b.seen[k] = true
			b.items = append(b.items, it)
			b.news = b.news || news && !t.copy
			if !t.copy {
				b.steps = append(b.steps, stepKey)
			}
		}
	}
	return boxes, order, nil
}

// itemSeenKey is what makes a line of a digest once: its assignment and
// kind; for a copy, which informs about the occurrence whichever member
// unit's assignment carried it, the occurrence (one line per occurrence).
func itemSeenKey(it notify.Item) seenKey {
	if it.Copy {
		return seenKey{copy: true, of: it.Occurrence, kind: it.Kind}
	}
	return seenKey{of: it.Assignment, kind: it.Kind}
}

// heldBox is what one batch of a round's steps gives a recipient when the
// round has more batches to come (Fire): the lines of their digest so far,
// news or not, and the records of the steps they carry, recorded without
// their messages until the digest is made.
type heldBox struct {
	to    notify.Recipient
	items []notify.Item
	seen  map[seenKey]bool // what items shows (box.seen)
	news  bool
	steps []StepRecord
}

// heldBoxes are the boxes of a round's batch that has more to come, kept
// until the round's last batch (Fire): each with the records of the steps
// it carries (all gives their moments; produced when they were handled).
func heldBoxes(boxes map[string]*box, order []string, all []fired, produced func(key string) time.Time) []heldBox {
	at := make(map[string]time.Time, len(all))
	for _, f := range all {
		at[f.key] = f.step.At
	}
	out := make([]heldBox, 0, len(order))
	for _, id := range order {
		b := boxes[id]
		h := heldBox{to: b.to, items: b.items, seen: b.seen, news: b.news, steps: make([]StepRecord, 0, len(b.steps))}
		for _, k := range b.steps {
			h.steps = append(h.steps, StepRecord{Key: k, At: at[k], Produced: produced(k)})
		}
		out = append(out, h)
	}
	return out
}

// heldBefore makes boxes again of the steps held in the store by a
// process that stopped between a round's batches (Tx.HoldSteps): each
// step fired again from its assignment as it is now (its lines are the
// same: firing moved only the assignment's next step), into the boxes
// that batch made. A step its assignment no longer has (a changed
// schedule) or an assignment gone is left out.
func (s *state) heldBefore(tx Tx, now time.Time) ([]heldBox, error) {
	recs, err := tx.HeldSteps()
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	produced := make(map[string]time.Time, len(recs))
	var all []fired
	for _, r := range recs {
		produced[r.Key] = r.Produced
		i := strings.LastIndexByte(r.Key, '#')
		if i < 0 {
			continue
		}
		a, ok, err := tx.Assignment(r.Key[:i])
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		name := r.Key[i+1:]
		for _, st := range s.steps(a).Until(time.Time{}, -1, r.At) {
			if st.Name == name {
				all = append(all, fired{a: a, step: st, key: r.Key})
				break
			}
		}
	}
	boxes, order, err := s.fillBoxes(tx, now, all, nil)
	if err != nil {
		return nil, err
	}
	return heldBoxes(boxes, order, all, func(k string) time.Time { return produced[k] }), nil
}
