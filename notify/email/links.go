package email

import "github.com/sct-langson/nhacviec/notify"

// Links are the one-click answers an item of an e-mail carries: web
// addresses, signed for the recipient and the assignment, of a
// confirmation page for each answer. Opening one changes nothing.
type Links struct {
	Done   string // "Đã hoàn thành"
	Snooze string // "Nhắc lại sau"
	Note   string // "Ghi chú / nộp tài liệu"
}

// LinkFunc returns the links of one item for one recipient (a person or
// unit id) and assignment key, and false when that recipient gets none
// (may not act on it, or no web door).
type LinkFunc func(recipientID, assignmentKey string) (Links, bool)

// WithLinks adds one-click links to every item a recipient may act on:
// items of reminders, due dates, overdue notices and escalations, not
// copies for information nor completions.
func WithLinks(f LinkFunc) Option {
	return func(n *Notifier) { n.render.links = f }
}

// linksFor is nil when the item gets no links.
func (r *renderer) linksFor(to notify.Recipient, it notify.Item) *Links {
	if r.links == nil || it.Copy || it.Assignment == "" {
		return nil
	}
	switch it.Kind {
	case notify.KindReminder, notify.KindDue, notify.KindOverdue, notify.KindEscalation, notify.KindCheckin:
	default:
		return nil
	}
	l, ok := r.links(to.ID, it.Assignment)
	if !ok {
		return nil
	}
	return &l
}

// addLinks gives each entry of the letter's own sections the links of its
// periods. Overview and compact lists carry none: they inform.
func (r *renderer) addLinks(to notify.Recipient, l *notify.Letter) {
	for i := range l.Sections {
		s := &l.Sections[i]
		if s.Compact() {
			continue
		}
		for j := range s.Entries {
			e := &s.Entries[j]
			for _, it := range e.Items {
				k := r.linksFor(to, it)
				if k == nil {
					continue
				}
				nl := notify.Links{Done: k.Done, Snooze: k.Snooze, Note: k.Note}
				if len(e.Items) > 1 {
					nl.Period = it.Period
					if nl.Period == "" {
						nl.Period = it.Occurrence
					}
				}
				e.Links = append(e.Links, nl)
			}
		}
	}
}
