package notify_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/store"
)

var (
	errBlocked = errors.New("telegram: chat unreachable: 403 Forbidden: bot was blocked by the user")
	admin      = notify.Recipient{ID: "admin", Name: "Quản trị", Email: "admin@langson.gov.vn"}
)

// fallbackSetup is a pipeline with a Telegram notifier answering tg and an
// e-mail notifier that succeeds.
func fallbackSetup(t *testing.T, tg result) (*clock, *store.DB, *fakeNotifier, *fakeNotifier, *notify.Pipeline) {
	c := &clock{t: t0}
	db := tempDB(t, c)
	telegram := &fakeNotifier{always: &tg}
	email := &fakeNotifier{}
	cfg := testConfig(db, c, map[string]notify.Notifier{notify.ChannelTelegram: telegram, notify.ChannelEmail: email})
	cfg.Admin = admin
	return c, db, telegram, email, mustPipeline(t, cfg)
}

func byRecipient(msgs []notify.Message, id string) []notify.Message {
	var out []notify.Message
	for _, m := range msgs {
		if m.To.ID == id {
			out = append(out, m)
		}
	}
	return out
}

func TestPermanentTelegramFailureFallsBackToEmail(t *testing.T) {
	_, db, telegram, email, p := fallbackSetup(t, result{false, errBlocked})
	orig := message("m1", notify.ChannelTelegram, t0)
	enqueue(t, db, orig)

	if n := deliver(t, p); n != 2 {
		t.Errorf("sent %d, want 2 (the e-mail copy and the admin notice)", n)
	}
	if got := telegram.ids(); !slices.Equal(got, []string{"m1"}) {
		t.Errorf("telegram got %v", got)
	}
	if rec := record(t, db, "m1"); rec.Status != store.OutboxFailed || rec.LastError != errBlocked.Error() {
		t.Errorf("telegram record %s %q", rec.Status, rec.LastError)
	}
	copies := byRecipient(email.messages(), person.ID)
	if len(copies) != 1 {
		t.Fatalf("e-mail copies %d, want 1", len(copies))
	}
	want := *orig
	want.ID, want.Channel = "m1-email-fallback", notify.ChannelEmail
	if !reflect.DeepEqual(copies[0], want) {
		t.Errorf("copy\n%+v\nwant\n%+v", copies[0], want)
	}
	if rec := record(t, db, "m1-email-fallback"); rec.Status != store.OutboxSent {
		t.Errorf("copy record %s", rec.Status)
	}

	notices := byRecipient(email.messages(), "admin")
	if len(notices) != 1 {
		t.Fatalf("admin notices %d, want 1", len(notices))
	}
	n := notices[0]
	if n.Title != "nhacviec: không gửi được Telegram tới Nguyễn Văn A" || n.Kind != notify.KindInfo || n.Channel != notify.ChannelEmail {
		t.Errorf("notice %q kind %s channel %s", n.Title, n.Kind, n.Channel)
	}
	for _, s := range []string{"chat id 424242", "bot was blocked by the user", "m1"} {
		if !strings.Contains(n.Intro, s) {
			t.Errorf("notice intro %q lacks %q", n.Intro, s)
		}
	}
	if !strings.Contains(n.Footer, "nva@langson.gov.vn") {
		t.Errorf("notice footer %q does not name the fallback address", n.Footer)
	}
}

func TestAdminNoticeOncePerChatPerDay(t *testing.T) {
	c, db, _, email, p := fallbackSetup(t, result{false, errBlocked})
	other := message("other", notify.ChannelTelegram, t0)
	other.To = notify.Recipient{ID: "ttb", Name: "Trần Thị B", TelegramID: -100777}
	enqueue(t, db, message("m1", notify.ChannelTelegram, t0), message("m2", notify.ChannelTelegram, t0.Add(time.Hour)), other)
	deliver(t, p)
	c.Add(time.Hour)
	deliver(t, p)
	// The next day (Vietnam time) the admin hears of it again.
	enqueue(t, db, message("m3", notify.ChannelTelegram, t0.Add(24*time.Hour)))
	c.Set(t0.Add(24 * time.Hour))
	deliver(t, p)

	var titles []string
	for _, n := range byRecipient(email.messages(), "admin") {
		titles = append(titles, n.Title+" "+n.At.Format(time.DateOnly))
	}
	slices.Sort(titles)
	want := []string{
		"nhacviec: không gửi được Telegram tới Nguyễn Văn A 2024-09-30",
		"nhacviec: không gửi được Telegram tới Nguyễn Văn A 2024-10-01",
		"nhacviec: không gửi được Telegram tới Trần Thị B 2024-09-30",
	}
	if !slices.Equal(titles, want) {
		t.Errorf("admin notices\n%q\nwant\n%q", titles, want)
	}
	// Trần Thị B has no e-mail: no copy, and the admin is told so.
	copies := byRecipient(email.messages(), "nva")
	if len(copies) != 3 {
		t.Errorf("copies to nva %d, want 3", len(copies))
	}
	if got := byRecipient(email.messages(), "ttb"); len(got) != 0 {
		t.Errorf("copies to ttb %d, want none", len(got))
	}
	if rec := record(t, db, "admin-notice|telegram|-100777|2024-09-30"); !strings.Contains(rec.Message.Footer, "không có kênh dự phòng") {
		t.Errorf("notice footer %q", rec.Message.Footer)
	}
}

func TestTemporaryTelegramFailureFallsBackAfterDelay(t *testing.T) {
	c, db, telegram, email, p := fallbackSetup(t, result{true, errTemp})
	enqueue(t, db, message("m1", notify.ChannelTelegram, t0))
	for range 50 {
		deliver(t, p)
		rec := record(t, db, "m1")
		if rec.Status != store.OutboxPending {
			break
		}
		if len(email.ids()) != 0 {
			t.Fatalf("e-mail sent at %s, before FallbackAfter", c.Now().Sub(t0))
		}
		c.Set(rec.NextAttempt)
	}
	// Attempts at 0, 33s … 34m39s, 1h09m51s: the eighth is past an hour.
	rec := record(t, db, "m1")
	if rec.Status != store.OutboxFailed || rec.Attempts != 8 || rec.LastError != "failing for 1h9m51s: connection reset" {
		t.Errorf("telegram record %s attempts %d %q", rec.Status, rec.Attempts, rec.LastError)
	}
	if n := len(telegram.ids()); n != 8 {
		t.Errorf("telegram called %d times, want 8", n)
	}
	if got := byRecipient(email.messages(), "nva"); len(got) != 1 || got[0].ID != "m1-email-fallback" {
		t.Errorf("e-mail copies %v", got)
	}
}

func TestFallbackSkippedWhenEmailSiblingExists(t *testing.T) {
	_, db, _, email, p := fallbackSetup(t, result{false, errBlocked})
	// The scheduler made the same digest for both channels.
	enqueue(t, db, message("digest-tg", notify.ChannelTelegram, t0), message("digest-mail", notify.ChannelEmail, t0))
	deliver(t, p)
	if got := byRecipient(email.messages(), "nva"); len(got) != 1 || got[0].ID != "digest-mail" {
		t.Errorf("e-mails to nva %v, want only the scheduler's", got)
	}
	recs, err := db.Outbox(store.OutboxFilter{Recipient: "nva"})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Errorf("records for nva %d, want 2 (no fallback copy)", len(recs))
	}
	if got := byRecipient(email.messages(), "admin"); len(got) != 1 {
		t.Errorf("admin notices %d, want 1", len(got))
	}
}

// TestAdminNoticeFollowsPreference: the admin prefers Telegram, so the
// notice of a failing e-mail address goes by Telegram only; asking for
// copies on every channel sends it on both. The settings are read from
// Live at each failure, so a reload changes them.
func TestAdminNoticeFollowsPreference(t *testing.T) {
	c := &clock{t: t0}
	db := tempDB(t, c)
	tg := &fakeNotifier{}
	mail := &fakeNotifier{always: &result{false, errors.New("550 no such user")}}
	live := notify.Live{Admin: notify.Recipient{ID: "admin", Name: "Quản trị", Email: "admin@langson.gov.vn", TelegramID: 99},
		AdminChannels: []string{notify.ChannelTelegram, notify.ChannelEmail}}
	cfg := testConfig(db, c, map[string]notify.Notifier{notify.ChannelTelegram: tg, notify.ChannelEmail: mail})
	cfg.Live = func() notify.Live { return live }
	cfg.Fallback = map[string]string{} // no copy: only the notice
	p := mustPipeline(t, cfg)
	m := message("m1", notify.ChannelEmail, t0)
	m.To = notify.Recipient{ID: "x", Name: "X", Email: "x@langson.gov.vn"}
	enqueue(t, db, m)
	deliver(t, p)
	var got []string
	for _, n := range tg.messages() {
		got = append(got, n.Channel+":"+n.To.ID)
	}
	for _, n := range mail.messages() {
		if n.To.ID == "admin" {
			got = append(got, n.Channel+":"+n.To.ID)
		}
	}
	if !slices.Equal(got, []string{"telegram:admin"}) {
		t.Errorf("notices %v, want [telegram:admin]", got)
	}

	live.AdminAllChannels = true
	c.Add(24 * time.Hour) // the next day: a new notice
	m2 := message("m2", notify.ChannelEmail, c.Now())
	m2.To = m.To
	enqueue(t, db, m2)
	deliver(t, p)
	n := 0
	for _, msg := range append(tg.messages(), mail.messages()...) {
		if msg.To.ID == "admin" && strings.Contains(msg.Intro, "m2") {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d notices about m2 with copies on every channel, want 2", n)
	}
}
