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
	case notify.KindReminder, notify.KindDue, notify.KindOverdue, notify.KindEscalation:
	default:
		return nil
	}
	l, ok := r.links(to.ID, it.Assignment)
	if !ok {
		return nil
	}
	return &l
}
