// Package notify is the delivery pipeline: messages planned by the scheduler
// are written to a persistent outbox and handed to one Notifier per channel.
// Integrations live in subpackages (notify/email, notify/telegram) and know
// nothing of each other or of the scheduler.
package notify

import (
	"context"
	"encoding/json"
	"time"
)

// Kind says why a message or one of its items is sent.
type Kind string

// Message and item kinds.
const (
	KindReminder   Kind = "reminder"   // before the due date
	KindDue        Kind = "due"        // on the due date
	KindOverdue    Kind = "overdue"    // repeated while overdue
	KindEscalation Kind = "escalation" // to a superior or the leadership
	KindDigest     Kind = "digest"     // several kinds for one recipient at one moment
	KindInfo       Kind = "info"       // confirmations, admin notices, summaries
	KindDone       Kind = "done"       // a task completed, for the office following progress
	KindCheckin    Kind = "checkin"    // progress asked for before a periodic report
)

// Channel names.
const (
	ChannelEmail    = "email"
	ChannelTelegram = "telegram"
	ChannelConsole  = "console"
)

// Recipient is one person or unit mailbox on one or more channels.
type Recipient struct {
	ID         string `json:"id"`   // person or unit id from the config
	Name       string `json:"name"` // display name, Vietnamese
	Email      string `json:"email,omitempty"`
	TelegramID int64  `json:"telegram_id,omitempty"` // chat id: a user, or a group (negative)
}

// Item is one task occurrence listed in a message.
type Item struct {
	Kind       Kind      `json:"kind"`
	Assignment string    `json:"assignment"`       // assignment key: "60/KH-SCT|I.4.1@2024-09|VP"
	TaskID     string    `json:"task_id"`          // "I.4.1"
	Occurrence string    `json:"occurrence"`       // "I.4.1@2024-09"
	Unit       string    `json:"unit"`             // name of the unit responsible
	Text       string    `json:"text"`             // task text as in the plan
	Output     string    `json:"output,omitempty"` // expected result
	Due        time.Time `json:"due"`              // due moment
	// WorkingDays is the number of working days from the message's moment to
	// Due: positive before, 0 on the day, negative when overdue.
	WorkingDays int `json:"working_days"`
	Level       int `json:"level,omitempty"` // escalation level, overdue nag number
	// Copy marks an item sent for information: the recipient's unit
	// coordinates the task, another unit leads it.
	Copy bool `json:"copy,omitempty"`
	// DoneAt and DoneBy (a name) describe a completion (KindDone items).
	DoneAt time.Time `json:"done_at,omitzero"`
	DoneBy string    `json:"done_by,omitempty"`
	// Period names the occurrence's period as people say it ("tháng
	// 6/2024", "quý III/2024"); empty for a plan year's single occurrence.
	Period string `json:"period,omitempty"`
	// Leads are the lead units of the occurrence with their states, for a
	// copy: the coordinating unit sees who is due and who is done.
	Leads []LeadState `json:"leads,omitempty"`
	// Ask is what a check-in asks for: "tiến độ đến kỳ báo cáo quý
	// III/2024 (chốt số liệu 14/09/2024)".
	Ask string `json:"ask,omitempty"`
}

// LeadState is one lead unit of an occurrence and whether it is done.
type LeadState struct {
	Unit string `json:"unit"` // name
	Done bool   `json:"done,omitempty"`
}

// Message is what goes to one recipient on one channel at one moment.
type Message struct {
	// ID is the stable idempotency key: the same planned message always gets
	// the same ID, so a retry or a restart can tell it was already sent.
	ID      string    `json:"id"`
	Channel string    `json:"channel"`
	Kind    Kind      `json:"kind"`
	To      Recipient `json:"to"`
	At      time.Time `json:"at"`    // the moment it was planned for
	Title   string    `json:"title"` // Vietnamese subject line
	Intro   string    `json:"intro,omitempty"`
	Items   []Item    `json:"items,omitempty"`
	Footer  string    `json:"footer,omitempty"`
	// Reply marks an answer to a person waiting for it (a bot reply): it
	// goes before the other messages waiting on its channel.
	Reply bool `json:"reply,omitempty"`
	// HTML, when set, is the message's text already written for Telegram
	// (a bot reply), sent as it is instead of a rendering of the fields
	// above; Markup is its reply markup as JSON (an inline keyboard).
	HTML   string          `json:"html,omitempty"`
	Markup json.RawMessage `json:"markup,omitempty"`
	// Edit, when not 0, makes the message an edit of the inline keyboard
	// of the channel's message Edit to the same recipient (a bot's
	// confirmation that a button was acted on): Markup is the new
	// keyboard, none removes it; there is no text.
	Edit int `json:"edit,omitempty"`
	// Hook is data for the channel's sent hook, opaque to the pipeline
	// (what the bot remembers of a reply once Telegram gave it an id).
	Hook json.RawMessage `json:"hook,omitempty"`
	// Attachments are files sent with the message by e-mail (the office's
	// report draft); channels without files leave them out, so the text
	// must say where the files went.
	Attachments []Attachment `json:"attachments,omitempty"`
}

// Attachment is one file attached to a message.
type Attachment struct {
	Name string `json:"name"` // file name: "du-thao-bao-cao-cchc-2024-Q3.xlsx"
	Type string `json:"type"` // content type
	Data []byte `json:"data"`
}

// Notifier delivers messages on one channel. It owns no retry loop: it says
// whether a failure is worth retrying, and the pipeline decides when.
type Notifier interface {
	// Notify delivers m. On failure, retry reports whether the failure is
	// temporary (network, 4xx SMTP reply, Telegram 429) rather than permanent
	// (bad address, 5xx reply, bot blocked by the user).
	Notify(ctx context.Context, m *Message) (retry bool, err error)
}

// RetryAfterError is implemented by errors that know how long to wait before
// the next attempt (Telegram's retry_after).
type RetryAfterError interface {
	error
	RetryAfter() time.Duration
}
