package store

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/scheduler"
)

// The Telegram bot's state. Readers tolerate a missing bucket: a file
// opened read-only may predate them.
var (
	bucketBindings = []byte("bot_bindings") // Telegram user id (decimal) → Binding
	bucketInvites  = []byte("bot_invites")  // hex sha256 of the code → Invite
	bucketAudit    = []byte("audit")        // 8-byte unix nanos + 8-byte sequence → AuditEntry
	bucketSent     = []byte("bot_sent")     // "chat:message" → SentMessage
	bucketShortIDs = []byte("bot_short")    // short id → assignment key
	bucketBot      = []byte("bot")          // keyOffset → next update id to ask Telegram for
	keyOffset      = []byte("offset")
)

// Bot errors, matched with errors.Is.
var (
	// ErrInviteUnknown: no invite has this code.
	ErrInviteUnknown = errors.New("invite code unknown")
	// ErrInviteUsed: the code was redeemed by another Telegram account.
	ErrInviteUsed = errors.New("invite code already used")
	// ErrInviteExpired: the code is past its expiry.
	ErrInviteExpired = errors.New("invite code expired")
	// ErrUpdateApplied is returned by ApplyUpdate for an update at or below
	// the stored offset: its effect is already in the database.
	ErrUpdateApplied = errors.New("telegram update already applied")
)

// Binding ties a Telegram account to a person and a unit. People listed in
// the config with a Telegram id need none; invites create the others.
type Binding struct {
	TelegramID int64     `json:"telegram_id"`
	Person     string    `json:"person,omitempty"` // person id from the config, if any
	Unit       string    `json:"unit"`
	Role       org.Role  `json:"role"`
	Name       string    `json:"name"`
	BoundAt    time.Time `json:"bound_at"`
}

// Who names the bound person in audit entries and done marks: the person
// id, else "telegram:<user id>".
func (b Binding) Who() string {
	if b.Person != "" {
		return b.Person
	}
	return TelegramWho(b.TelegramID)
}

// TelegramWho is "telegram:<user id>", the name of a Telegram user who is
// no person of the config.
func TelegramWho(userID int64) string { return "telegram:" + strconv.FormatInt(userID, 10) }

// Invite is a one-time code that binds the Telegram account redeeming it.
// Only the code's hash is stored.
type Invite struct {
	Unit    string    `json:"unit"`
	Name    string    `json:"name"`
	Role    org.Role  `json:"role"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	UsedAt  time.Time `json:"used_at,omitzero"`
	UsedBy  int64     `json:"used_by,omitempty"`
}

// AuditEntry is one change of an assignment, made through the bot or the CLI.
type AuditEntry struct {
	At         time.Time `json:"at"`
	Who        string    `json:"who"`        // person id or "telegram:<user id>"
	Via        string    `json:"via"`        // "command", "reply", "button", "cli"
	Assignment string    `json:"assignment"` // assignment key
	Action     string    `json:"action"`     // "done", "undo", "snooze", "note", "evidence"
	Note       string    `json:"note,omitempty"`
}

// AuditFilter selects audit entries; zero fields select all.
type AuditFilter struct {
	Assignment string
	Who        string
	Since      time.Time // inclusive
	Until      time.Time // exclusive
	Limit      int
}

// SentMessage is what the bot remembers of a Telegram message it sent, so
// that replies and button presses find their assignments.
type SentMessage struct {
	Keys []string `json:"keys"` // assignments the message acts on
	// Kind is "reminder", "ask" (which task? the buttons carry Action),
	// "note" (a reply is a note) or "confirm".
	Kind   string `json:"kind"`
	Action string `json:"action,omitempty"`
	// Note, Until and the file are what an "ask" message holds until a
	// button says which assignment they are for.
	Note     string    `json:"note,omitempty"`
	Until    time.Time `json:"until,omitzero"`
	FileID   string    `json:"file_id,omitempty"`
	FileName string    `json:"file_name,omitempty"`
	By       int64     `json:"by,omitempty"` // Telegram user the message answers
	At       time.Time `json:"at"`
	// Checkins are the assignments the message asks progress of: a reply
	// in words is their progress note.
	Checkins []string `json:"checkins,omitempty"`
}

// ShortID is a short, deterministic id of an assignment key for Telegram
// callback data (64 bytes at most): 12 base64url characters of its SHA-256.
func ShortID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return base64.RawURLEncoding.EncodeToString(sum[:9])
}

// CreateInvite stores a single-use invite for a person of unit with role
// head, staff (default) or admin, valid for ttl, and returns its code:
// 24 URL-safe characters from crypto/rand. Only its SHA-256 is stored.
func (db *DB) CreateInvite(unit, name, role string, ttl time.Duration, now time.Time) (string, error) {
	r := org.Role(strings.TrimSpace(role))
	switch r {
	case "":
		r = org.RoleStaff
	case org.RoleHead, org.RoleStaff, org.RoleAdmin:
	default:
		return "", fmt.Errorf("create invite: role %q is not one of head, staff, admin", role)
	}
	unit, name = strings.TrimSpace(unit), strings.TrimSpace(name)
	if unit == "" && r != org.RoleAdmin {
		return "", errors.New("create invite: unit is required")
	}
	if name == "" {
		return "", errors.New("create invite: name is required")
	}
	if ttl <= 0 {
		return "", fmt.Errorf("create invite: validity %s is not positive", ttl)
	}
	raw := make([]byte, 18)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("create invite: %w", err)
	}
	code := base64.RawURLEncoding.EncodeToString(raw)
	inv := Invite{Unit: unit, Name: name, Role: r, Created: now, Expires: now.Add(ttl)}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketInvites), inviteKey(code), inv)
	})
	if err != nil {
		return "", fmt.Errorf("create invite: %w", err)
	}
	return code, nil
}

func inviteKey(code string) []byte {
	sum := sha256.Sum256([]byte(code))
	return []byte(hex.EncodeToString(sum[:]))
}

// RedeemInvite binds the Telegram user to the invite's unit, name and role
// and uses the code up. Redeeming again by the same user returns the same
// binding (an update replayed after a crash); by anyone else ErrInviteUsed.
func (db *DB) RedeemInvite(code string, telegramUserID int64, now time.Time) (Binding, error) {
	var b Binding
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		invites := tx.Bucket(bucketInvites)
		key := inviteKey(strings.TrimSpace(code))
		var inv Invite
		found, err := getJSON(invites, key, &inv)
		switch {
		case err != nil:
			return err
		case !found:
			return ErrInviteUnknown
		case !inv.UsedAt.IsZero() && inv.UsedBy == telegramUserID:
			ok, err := getJSON(tx.Bucket(bucketBindings), bindingKey(telegramUserID), &b)
			if err == nil && !ok {
				err = ErrInviteUsed // bound, then unbound: the code stays spent
			}
			return err
		case !inv.UsedAt.IsZero():
			return ErrInviteUsed
		case !now.Before(inv.Expires):
			return ErrInviteExpired
		}
		inv.UsedAt, inv.UsedBy = now, telegramUserID
		if err := putJSON(invites, key, inv); err != nil {
			return err
		}
		b = Binding{TelegramID: telegramUserID, Unit: inv.Unit, Role: inv.Role, Name: inv.Name, BoundAt: now}
		return putJSON(tx.Bucket(bucketBindings), bindingKey(telegramUserID), b)
	})
	if err != nil {
		return Binding{}, fmt.Errorf("redeem invite: %w", err)
	}
	return b, nil
}

func bindingKey(id int64) []byte { return []byte(strconv.FormatInt(id, 10)) }

// Binding returns the binding of a Telegram user made by an invite.
func (db *DB) Binding(telegramUserID int64) (Binding, bool, error) {
	var b Binding
	var ok bool
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		if bk := tx.Bucket(bucketBindings); bk != nil {
			ok, err = getJSON(bk, bindingKey(telegramUserID), &b)
		}
		return err
	})
	return b, ok, err
}

// Bindings returns every binding made by an invite, oldest first.
func (db *DB) Bindings() ([]Binding, error) {
	var out []Binding
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return forEachJSON(tx.Bucket(bucketBindings), nil, func(_ []byte, b Binding) error {
			out = append(out, b)
			return nil
		})
	})
	slices.SortStableFunc(out, func(a, b Binding) int { return a.BoundAt.Compare(b.BoundAt) })
	return out, err
}

// Unbind removes the binding of a Telegram user; it is no error if none.
func (db *DB) Unbind(telegramUserID int64) error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketBindings).Delete(bindingKey(telegramUserID))
	})
}

// forEachJSON decodes every value of b (nil: none) whose key has prefix.
func forEachJSON[T any](b *bolt.Bucket, prefix []byte, fn func(k []byte, v T) error) error {
	if b == nil {
		return nil
	}
	c := b.Cursor()
	for k, raw := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, raw = c.Next() {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("decode %q: %w", k, err)
		}
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// appendAudit adds e to the log, in time order; entries of one moment
// keep the order they were written in.
func appendAudit(tx *bolt.Tx, e AuditEntry) error {
	if e.At.IsZero() {
		return fmt.Errorf("audit entry for %s without time", e.Assignment)
	}
	b := tx.Bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	key := timeKey(e.At, "")
	key = binary.BigEndian.AppendUint64(key, seq)
	return putJSON(b, key, e)
}

// Audit returns the audit entries that match f, oldest first.
func (db *DB) Audit(f AuditFilter) ([]AuditEntry, error) {
	var out []AuditEntry
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAudit)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		k, raw := c.First()
		if !f.Since.IsZero() {
			k, raw = c.Seek(timeKey(f.Since, ""))
		}
		for ; k != nil && (f.Limit <= 0 || len(out) < f.Limit); k, raw = c.Next() {
			var e AuditEntry
			if err := json.Unmarshal(raw, &e); err != nil {
				return fmt.Errorf("decode audit entry %x: %w", k, err)
			}
			if !f.Until.IsZero() && !e.At.Before(f.Until) {
				break
			}
			if (f.Assignment == "" || e.Assignment == f.Assignment) && (f.Who == "" || e.Who == f.Who) {
				out = append(out, e)
			}
		}
		return nil
	})
	return out, err
}

func sentKey(chatID int64, messageID int) []byte {
	return []byte(strconv.FormatInt(chatID, 10) + ":" + strconv.Itoa(messageID))
}

// RecordSent remembers a message the bot sent, and the short ids of its
// assignments for callback data.
func (db *DB) RecordSent(chatID int64, messageID int, m SentMessage) error {
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		shorts := tx.Bucket(bucketShortIDs)
		for _, k := range m.Keys {
			if err := shorts.Put([]byte(ShortID(k)), []byte(k)); err != nil {
				return err
			}
		}
		return putJSON(tx.Bucket(bucketSent), sentKey(chatID, messageID), m)
	})
	if err != nil {
		return fmt.Errorf("record sent message %d in chat %d: %w", messageID, chatID, err)
	}
	return nil
}

// SentMessage returns what RecordSent remembered of a message.
func (db *DB) SentMessage(chatID int64, messageID int) (SentMessage, bool, error) {
	var m SentMessage
	var ok bool
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		if b := tx.Bucket(bucketSent); b != nil {
			ok, err = getJSON(b, sentKey(chatID, messageID), &m)
		}
		return err
	})
	return m, ok, err
}

// ShortKey returns the assignment key of a short id: from the index that
// RecordSent keeps, else by hashing every assignment key (a message whose
// record was lost).
func (db *DB) ShortKey(short string) (string, bool, error) {
	var key string
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketShortIDs); b != nil {
			if v := b.Get([]byte(short)); v != nil {
				key = string(v)
				return nil
			}
		}
		c := tx.Bucket(bucketAssignments).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if ShortID(string(k)) == short {
				key = string(k)
				return nil
			}
		}
		return nil
	})
	return key, key != "", err
}

// Offset is the id of the next Telegram update to ask for: one past the
// last update received (ReceiveUpdates) or applied (0 before the first).
func (db *DB) Offset() (int, error) {
	var off int
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		off, err = updateOffset(tx)
		return err
	})
	return off, err
}

func updateOffset(tx *bolt.Tx) (int, error) {
	b := tx.Bucket(bucketBot)
	if b == nil {
		return 0, nil
	}
	var off int
	_, err := getJSON(b, keyOffset, &off)
	return off, err
}

// ApplyUpdate applies the effect of Telegram update updateID in one
// transaction: fn's assignment changes, its audit entries and the update's
// mark as applied commit together or not at all, so that after a crash an
// update is neither applied twice nor lost. An update kept by
// ReceiveUpdates is taken out of the inbox; any other moves the offset to
// updateID+1. An update applied before (below the offset and no longer in
// the inbox) is refused with ErrUpdateApplied, fn not called. fn may be
// nil for an update that changes nothing.
func (db *DB) ApplyUpdate(updateID int, fn func(tx scheduler.Tx, audit func(AuditEntry) error) error) error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		off, err := updateOffset(tx)
		if err != nil {
			return err
		}
		kept, err := takeInbox(tx, updateID)
		if err != nil {
			return err
		}
		if !kept && updateID < off {
			return fmt.Errorf("update %d (offset %d): %w", updateID, off, ErrUpdateApplied)
		}
		if fn != nil {
			if err := fn(newSchedTx(tx, false), func(e AuditEntry) error { return appendAudit(tx, e) }); err != nil {
				return err
			}
		}
		if kept {
			return nil
		}
		return putJSON(tx.Bucket(bucketBot), keyOffset, updateID+1)
	})
}

// ApplyChange is ApplyUpdate for changes that come from no Telegram update
// (the CLI): fn's changes and audit entries in one transaction.
func (db *DB) ApplyChange(fn func(tx scheduler.Tx, audit func(AuditEntry) error) error) error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		return fn(newSchedTx(tx, false), func(e AuditEntry) error { return appendAudit(tx, e) })
	})
}
