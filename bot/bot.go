// Package bot is the Telegram bot through which the department's staff
// answer their reminders: mark tasks done, snooze them, add progress notes
// and evidence documents, by command, by replying to a reminder or by its
// buttons. Every change is authorized (people of the unit that leads the
// task, or admins), audited, and applied in one store transaction with the
// getUpdates offset, so that a restart neither repeats nor loses an update.
// Replies to the user are sent after that transaction, on a best-effort
// basis: a crash between the two loses the reply, never the change —
// unless Config.Wake is set (the daemon): then the replies and keyboard
// edits are written to the outbox in that same transaction. Updates are
// kept in the store as they arrive and handled in a lane per chat: in
// order within a chat, different chats at once.
package bot

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/telegram"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// Defaults of Config.
const (
	DefaultPollTimeout = 50 * time.Second
	// DefaultMaxEvidence is the largest evidence file downloaded: the Bot
	// API's own getFile limit.
	DefaultMaxEvidence = 20 << 20
)

// Store is what the bot keeps in the database; *store.DB implements it.
type Store interface {
	// Offset is the next update id to ask Telegram for.
	Offset() (int, error)
	// ReceiveUpdates keeps updates until they are applied and moves the
	// offset past them; Inbox lists those kept, by id.
	ReceiveUpdates(ups []store.InboxUpdate) error
	Inbox() ([]store.InboxUpdate, error)
	// ApplyUpdate runs fn, its audit entries and the update's mark as
	// applied in one transaction; store.ErrUpdateApplied for an update
	// already applied.
	ApplyUpdate(updateID int, fn func(tx scheduler.Tx, audit func(store.AuditEntry) error) error) error
	RedeemInvite(code string, telegramUserID int64, now time.Time) (store.Binding, error)
	Binding(telegramUserID int64) (store.Binding, bool, error)
	RecordSent(chatID int64, messageID int, m store.SentMessage) error
	SentMessage(chatID int64, messageID int) (store.SentMessage, bool, error)
	ShortKey(short string) (string, bool, error)
	Tasks(plan string) ([]store.TaskRecord, error)
}

// Engine computes an assignment's next step; *scheduler.Engine implements it.
type Engine interface {
	NextFor(a scheduler.Assignment) *scheduler.Pending
	// Calendar is the current working-day calendar: snoozes and "còn N
	// ngày làm việc" count on it.
	Calendar() *calendar.Calendar
	// Task is a plan's task as last planned, for its text.
	Task(plan, id string) (scheduler.Task, bool)
	// Plans are the codes of the plans planned, sorted.
	Plans() []string
}

// Config is what a Bot needs.
type Config struct {
	Notifier *telegram.Notifier
	Store    Store
	Engine   Engine
	// Directory returns the current units and people (the config may be
	// reloaded); people with a Telegram id are bound without an invite.
	Directory func() *org.Directory
	Now       func() time.Time // default time.Now
	Log       *slog.Logger     // default: discard
	// Sleep waits between failed polls; default a timer. Tests pass one
	// that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Location is where dates are read and shown; default UTC+7.
	Location *time.Location
	// EvidenceDir, when set, receives a copy of every evidence file, under
	// <short id of the assignment>/<file name>.
	EvidenceDir string
	// MaxEvidence caps the size of a downloaded evidence file; default
	// DefaultMaxEvidence.
	MaxEvidence int64
	// PollTimeout is the long-poll time; default DefaultPollTimeout,
	// negative for none (getUpdates answers at once).
	PollTimeout time.Duration
	// OnUpdate, when set, is told the kind of each update handled
	// ("command", "reply", "callback", "other"), for metrics.
	OnUpdate func(kind string)
	// BotUsername is the bot's username without '@', for commands written
	// /xong@bot in groups; default the Notifier's.
	BotUsername string
	// WebURL is the web dashboard's address, shown at the end of /viec;
	// WebSignIn makes a one-time sign-in link for a person id (/web).
	// Both empty when there is no web door.
	WebURL    string
	WebSignIn func(who string) (string, error)
	// Wake, when set, makes the bot's replies go through the outbox: each
	// is written in the transaction of the change it confirms (with the
	// update offset), so that a crash cannot lose it, and the delivery
	// pipeline sends it, before other messages waiting for Telegram
	// (notify.Message.Reply). Wake is called after each commit that
	// queued one. When nil the bot sends its replies itself, after the
	// commit.
	Wake func()
}

// Bot answers Telegram updates. Run polls; OnSent is the Notifier's sent
// hook. A process runs one Bot per bot token.
type Bot struct {
	tg          *telegram.Notifier
	store       Store
	engine      Engine
	dir         func() *org.Directory
	now         func() time.Time
	log         *slog.Logger
	sleep       func(ctx context.Context, d time.Duration) error
	loc         *time.Location
	evidenceDir string
	maxEvidence int64
	pollTimeout time.Duration
	username    string
	botID       int64
	onUpdate    func(kind string)
	webURL      string
	webSignIn   func(who string) (string, error)
	wake        func()

	lanes     *lanes
	downloads chan struct{} // slots of the evidence downloads in progress
	invites   *inviteThrottle
}

// New checks cfg and returns a Bot.
func New(cfg Config) (*Bot, error) {
	switch {
	case cfg.Notifier == nil:
		return nil, errors.New("bot: notifier is required")
	case cfg.Store == nil:
		return nil, errors.New("bot: store is required")
	case cfg.Engine == nil:
		return nil, errors.New("bot: engine is required")
	case cfg.Directory == nil:
		return nil, errors.New("bot: directory is required")
	}
	b := &Bot{
		onUpdate: cfg.OnUpdate,
		tg:       cfg.Notifier, store: cfg.Store, engine: cfg.Engine, dir: cfg.Directory,
		now: cfg.Now, log: cfg.Log, sleep: cfg.Sleep, loc: cfg.Location,
		evidenceDir: cfg.EvidenceDir, maxEvidence: cfg.MaxEvidence, pollTimeout: cfg.PollTimeout,
		username: cfg.BotUsername, lanes: newLanes(), downloads: make(chan struct{}, maxDownloads), invites: &inviteThrottle{},
		webURL: cfg.WebURL, webSignIn: cfg.WebSignIn, wake: cfg.Wake,
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.sleep == nil {
		b.sleep = sleep
	}
	if b.loc == nil {
		b.loc = time.FixedZone("ICT", 7*3600)
	}
	if b.maxEvidence <= 0 {
		b.maxEvidence = DefaultMaxEvidence
	}
	if b.pollTimeout == 0 {
		b.pollTimeout = DefaultPollTimeout
	}
	if api := b.tg.Bot(); api != nil {
		b.botID = api.Self.ID
		if b.username == "" {
			b.username = api.Self.UserName
		}
	}
	return b, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// pinner is an Engine whose current state can be held for one update;
// *scheduler.Engine is one.
type pinner interface {
	Pin() scheduler.Pinned
}

// pinned returns a copy of b that sees the directory and the engine's
// state as they are now, for the whole of one update.
func (b *Bot) pinned() *Bot {
	pb := *b
	d := b.directory()
	pb.dir = func() *org.Directory { return d }
	if p, ok := b.engine.(pinner); ok {
		pb.engine = p.Pin()
	}
	return &pb
}

// directory is the current directory, never nil.
func (b *Bot) directory() *org.Directory {
	if d := b.dir(); d != nil {
		return d
	}
	d, _ := org.New(nil, nil, nil)
	return d
}

// unitName is the unit's name, or its id when unknown.
func (b *Bot) unitName(id string) string {
	if u, ok := b.directory().Unit(id); ok {
		return u.Name
	}
	return id
}

// OnSent records a reminder part sent to a chat, with the assignments it
// acts on, so that replies and buttons find them; plug it into the
// Notifier with telegram.WithSentHook. A failure is logged: replies to
// that message then get an explanation, its buttons still work.
func (b *Bot) OnSent(chatID int64, messageID int, m *notify.Message) {
	if m.Reply {
		// One of our replies, through the outbox: remember it as planned.
		if len(m.Hook) == 0 {
			return
		}
		var rec store.SentMessage
		if err := json.Unmarshal(m.Hook, &rec); err != nil {
			b.log.Error("a bot reply's record is unreadable", "message", m.ID, "err", err)
			return
		}
		rec.At = b.now()
		if err := b.store.RecordSent(chatID, messageID, rec); err != nil {
			b.log.Error("recording a telegram message failed", "chat", chatID, "message_id", messageID, "err", err)
		}
		return
	}
	keys := actionKeys(m)
	var checkins []string
	for _, it := range m.Items {
		if it.Kind == notify.KindCheckin && !it.Copy && it.Assignment != "" && !slices.Contains(checkins, it.Assignment) {
			checkins = append(checkins, it.Assignment)
		}
	}
	err := b.store.RecordSent(chatID, messageID, store.SentMessage{Keys: keys, Kind: kindReminder, At: b.now(), Checkins: checkins})
	if err != nil {
		b.log.Error("recording a telegram reminder failed", "chat", chatID, "message_id", messageID, "message", m.ID, "err", err)
	}
}
