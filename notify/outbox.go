package notify

import "time"

// RecordStatus is where a message is in its delivery.
type RecordStatus string

// Record statuses.
const (
	StatusPending RecordStatus = "pending" // to be sent at NextAttempt
	StatusSent    RecordStatus = "sent"    // delivered; never handed out again
	StatusFailed  RecordStatus = "failed"  // given up; see LastError
)

// Record is one message in the outbox and its delivery state. The store
// keeps it; the pipeline reads it to decide what happens after a failure.
type Record struct {
	Message     Message      `json:"message"`
	Status      RecordStatus `json:"status"`
	Attempts    int          `json:"attempts"`
	NextAttempt time.Time    `json:"next_attempt"`
	LastError   string       `json:"last_error,omitempty"`
	// Created is when the message entered the outbox: its moment At for
	// the scheduler's messages, the moment of the failure for fallback
	// copies and admin notices.
	Created     time.Time `json:"created"`
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	SentAt      time.Time `json:"sent_at,omitzero"`
	FailedAt    time.Time `json:"failed_at,omitzero"`
	// Size is the bytes of the record's JSON, as read (a store may keep it
	// compressed): about what the pipeline holds of it while it is queued
	// (not stored).
	Size int `json:"-"`
}

// Since is the moment a record's delivery started counting: the later of
// its message's moment and its entry in the outbox. MaxAge and
// FallbackAfter are measured from it, so that a fallback copy of an old
// message gets its own full delay.
func (r *Record) Since() time.Time {
	if r.Created.After(r.Message.At) {
		return r.Created
	}
	return r.Message.At
}

// DuePos is a place in the outbox's order of due records (next attempt,
// then id): where the next read of a batch resumes.
type DuePos struct {
	At time.Time
	ID string
}

// Pos is r's place in the order of due records.
func (r *Record) Pos() DuePos { return DuePos{At: r.NextAttempt, ID: r.Message.ID} }

// Outbox is the persistent queue the pipeline delivers from; store.DB
// implements it. Every method is one transaction. Messages enter it through
// the scheduler (or the store's Enqueue) before anyone tries to send them.
type Outbox interface {
	// OutboxDueExcept returns at most limit pending records whose
	// NextAttempt is at or before now, earliest first, from after the
	// record at (its zero value: from the first), leaving out those whose
	// id skip accepts (being delivered already); nil skips nothing.
	OutboxDueExcept(now time.Time, after DuePos, limit int, skip func(id string) bool) ([]Record, error)
	// NextOutboxAttemptExcept returns the earliest NextAttempt of a
	// pending record whose id skip does not accept; false when there is
	// none.
	NextOutboxAttemptExcept(skip func(id string) bool) (time.Time, bool, error)
	// MarkSent records a successful delivery. A sent record is never
	// returned by OutboxDue again.
	MarkSent(id string, at time.Time) error
	// MarkRetry records a temporary failure and the time of the next
	// attempt.
	MarkRetry(id string, next time.Time, errMsg string) error
	// Postpone moves a pending record to next without counting an
	// attempt: it waits behind an earlier message to the same recipient.
	Postpone(id string, next time.Time) error
	// Resume makes every pending record of channel whose NextAttempt is
	// after now due at now, in their order: the channel's server answers
	// again. It returns how many it moved.
	Resume(channel string, now time.Time) (int, error)
	// MarkFailed records a permanent failure and enqueues the fallback
	// messages, in one transaction.
	MarkFailed(id string, at time.Time, errMsg string, fallback ...*Message) error
}

// SentMark is one successful delivery to record: message id and time.
type SentMark struct {
	ID string
	At time.Time
}

// BatchMarker is implemented by an outbox that records many deliveries in
// one transaction. The pipeline then gathers the deliveries of its
// concurrent lanes into one transaction (one disk sync) at a time.
type BatchMarker interface {
	// MarkSentAll is MarkSent of every mark, in one transaction: all or
	// nothing.
	MarkSentAll(marks []SentMark) error
}

// Observer is told about each delivery attempt, for metrics. Methods are
// called from the pipeline's delivery goroutines, concurrently, and must
// not block.
type Observer interface {
	// OnSent is called after a successful delivery; latency is the
	// duration of the Notify call.
	OnSent(channel string, kind Kind, latency time.Duration)
	// OnRetry is called after a temporary failure that will be retried.
	OnRetry(channel string, kind Kind)
	// OnFailed is called when a message is given up.
	OnFailed(channel string, kind Kind)
}
