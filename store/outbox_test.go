package store

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/notify"
)

// DB is the pipeline's outbox.
var _ notify.Outbox = (*DB)(nil)

var outboxT0 = time.Date(2024, 9, 30, 1, 0, 0, 0, time.UTC)

func openOutbox(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), "n.db"), Options{
		Now: func() time.Time { return outboxT0 }, LockTimeout: 200 * time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func outboxMsg(id, channel string, at time.Time) *notify.Message {
	return &notify.Message{ID: id, Channel: channel, Kind: notify.KindDue, At: at, Title: "Đến hạn hôm nay",
		To:    notify.Recipient{ID: "nva", Name: "Nguyễn Văn A", Email: "nva@langson.gov.vn", TelegramID: 42},
		Items: []notify.Item{{Kind: notify.KindDue, Assignment: "60/KH-SCT|I.1@2024|vp", TaskID: "I.1"}}}
}

// checkIndex asserts that the time index holds exactly one key per pending
// record, at its NextAttempt.
func checkIndex(t *testing.T, db *DB) {
	t.Helper()
	var want, got []string
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			var rec OutboxRecord
			if err := decodeOutbox(v, &rec); err != nil {
				return err
			}
			if rec.Status == OutboxPending {
				want = append(want, string(timeKey(rec.NextAttempt, rec.Message.ID)))
			}
			return nil
		}); err != nil {
			return err
		}
		return tx.Bucket(bucketOutboxDue).ForEach(func(k, _ []byte) error {
			got = append(got, string(k))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("index %q, want %q", got, want)
	}
}

func dueIDs(t *testing.T, db *DB, now time.Time, limit int) []string {
	t.Helper()
	recs, err := db.OutboxDue(now, limit)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.Message.ID)
	}
	return ids
}

func getRecord(t *testing.T, db *DB, id string) OutboxRecord {
	t.Helper()
	recs, err := db.Outbox(OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Message.ID == id {
			return r
		}
	}
	t.Fatalf("%s not in the outbox", id)
	return OutboxRecord{}
}

func TestEnqueueIdempotent(t *testing.T) {
	db := openOutbox(t)
	m := outboxMsg("m1", notify.ChannelEmail, outboxT0)
	if err := db.Enqueue(m); err != nil {
		t.Fatal(err)
	}
	again := *m
	again.Title = "changed"
	if err := db.Enqueue(&again, m); err != nil {
		t.Fatal(err)
	}
	recs, err := db.Outbox(OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Message.Title != "Đến hạn hôm nay" || recs[0].Status != OutboxPending ||
		!recs[0].NextAttempt.Equal(outboxT0) || recs[0].Attempts != 0 {
		t.Errorf("records %+v, want the first one only, pending at t0", recs)
	}
	checkIndex(t, db)

	// Enqueueing a sent message does not make it pending again.
	if err := db.MarkSent("m1", outboxT0); err != nil {
		t.Fatal(err)
	}
	if err := db.Enqueue(m); err != nil {
		t.Fatal(err)
	}
	if rec := getRecord(t, db, "m1"); rec.Status != OutboxSent {
		t.Errorf("status %s after enqueueing a sent message again", rec.Status)
	}
	checkIndex(t, db)

	if err := db.Enqueue(&notify.Message{Channel: "email"}); err == nil {
		t.Error("a message without id was enqueued")
	}
}

func TestOutboxDueOrder(t *testing.T) {
	db := openOutbox(t)
	if err := db.Enqueue(
		outboxMsg("c", notify.ChannelEmail, outboxT0.Add(2*time.Minute)),
		outboxMsg("b", notify.ChannelEmail, outboxT0),
		outboxMsg("a", notify.ChannelEmail, outboxT0),
		outboxMsg("future", notify.ChannelEmail, outboxT0.Add(time.Hour)),
	); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		now   time.Time
		limit int
		want  []string
	}{
		{"before everything", outboxT0.Add(-time.Second), 10, nil},
		{"at t0", outboxT0, 10, []string{"a", "b"}},
		{"later", outboxT0.Add(5 * time.Minute), 10, []string{"a", "b", "c"}},
		{"limited", outboxT0.Add(2 * time.Hour), 2, []string{"a", "b"}},
		{"all", outboxT0.Add(2 * time.Hour), 10, []string{"a", "b", "c", "future"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := dueIDs(t, db, tc.now, tc.limit); !slices.Equal(got, tc.want) {
				t.Errorf("due %v, want %v", got, tc.want)
			}
		})
	}
	next, ok, err := db.NextOutboxAttempt()
	if err != nil || !ok || !next.Equal(outboxT0) {
		t.Errorf("next attempt %s %v %v, want t0", next, ok, err)
	}
}

func TestOutboxTransitions(t *testing.T) {
	db := openOutbox(t)
	if err := db.Enqueue(outboxMsg("m1", notify.ChannelEmail, outboxT0), outboxMsg("m2", notify.ChannelEmail, outboxT0)); err != nil {
		t.Fatal(err)
	}
	retryAt := outboxT0.Add(time.Minute)
	steps := []struct {
		name    string
		do      func() error
		wantErr error
		id      string
		status  OutboxStatus
		tries   int
		lastErr string
		due     []string // due two hours later
	}{
		{"retry", func() error { return db.MarkRetry("m1", retryAt, "timeout") }, nil, "m1", OutboxPending, 1, "timeout", []string{"m2", "m1"}},
		{"sent", func() error { return db.MarkSent("m1", retryAt) }, nil, "m1", OutboxSent, 2, "timeout", []string{"m2"}},
		{"sent again is a no-op", func() error { return db.MarkSent("m1", retryAt.Add(time.Hour)) }, nil, "m1", OutboxSent, 2, "timeout", []string{"m2"}},
		{"no retry once sent", func() error { return db.MarkRetry("m1", retryAt, "x") }, ErrSettled, "m1", OutboxSent, 2, "timeout", []string{"m2"}},
		{"no failure once sent", func() error { return db.MarkFailed("m1", retryAt, "x") }, ErrSettled, "m1", OutboxSent, 2, "timeout", []string{"m2"}},
		{"failed", func() error { return db.MarkFailed("m2", outboxT0, "550 no such user") }, nil, "m2", OutboxFailed, 1, "550 no such user", nil},
		{"no retry once failed", func() error { return db.MarkRetry("m2", retryAt, "x") }, ErrSettled, "m2", OutboxFailed, 1, "550 no such user", nil},
		{"missing", func() error { return db.MarkSent("nope", retryAt) }, ErrNotInOutbox, "m2", OutboxFailed, 1, "550 no such user", nil},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if err := s.do(); !errors.Is(err, s.wantErr) || (err == nil) != (s.wantErr == nil) {
				t.Fatalf("error %v, want %v", err, s.wantErr)
			}
			rec := getRecord(t, db, s.id)
			if rec.Status != s.status || rec.Attempts != s.tries || rec.LastError != s.lastErr {
				t.Errorf("%s: %s, %d attempts, %q; want %s, %d, %q", s.id, rec.Status, rec.Attempts, rec.LastError, s.status, s.tries, s.lastErr)
			}
			if got := dueIDs(t, db, outboxT0.Add(2*time.Hour), 10); !slices.Equal(got, s.due) {
				t.Errorf("due %v, want %v", got, s.due)
			}
			checkIndex(t, db)
			counts, err := db.OutboxCounts()
			if err != nil {
				t.Fatal(err)
			}
			if n, err := db.OutboxPending(); err != nil || n != counts.Pending || n != len(s.due) {
				t.Errorf("OutboxPending = %d, %v; the records say %d pending, %d due", n, err, counts.Pending, len(s.due))
			}
		})
	}
	if _, ok, err := db.NextOutboxAttempt(); ok || err != nil {
		t.Errorf("next attempt: %v %v, want none", ok, err)
	}
	rec := getRecord(t, db, "m1")
	if !rec.SentAt.Equal(retryAt) || !rec.LastAttempt.Equal(retryAt) {
		t.Errorf("sent at %s, last attempt %s, want %s", rec.SentAt, rec.LastAttempt, retryAt)
	}
}

func TestMarkFailedEnqueuesFallback(t *testing.T) {
	db := openOutbox(t)
	tg := outboxMsg("tg", notify.ChannelTelegram, outboxT0)
	mail := outboxMsg("mail", notify.ChannelEmail, outboxT0) // the scheduler's sibling
	lone := outboxMsg("lone", notify.ChannelTelegram, outboxT0.Add(time.Minute))
	if err := db.Enqueue(tg, mail, lone); err != nil {
		t.Fatal(err)
	}
	copyOf := func(m *notify.Message) *notify.Message {
		c := *m
		c.ID, c.Channel = m.ID+"-email-fallback", notify.ChannelEmail
		return &c
	}
	notice := &notify.Message{ID: "admin-notice|telegram|42|2024-09-30", Channel: notify.ChannelEmail,
		To: notify.Recipient{ID: "admin", Email: "a@b"}, At: outboxT0.Add(time.Hour), Title: "nhacviec"}
	failedAt := outboxT0.Add(time.Hour)
	if err := db.MarkFailed("tg", failedAt, "blocked", copyOf(tg), notice); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkFailed("lone", failedAt, "blocked", copyOf(lone), notice); err != nil {
		t.Fatal(err)
	}
	recs, err := db.Outbox(OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.Message.ID)
	}
	// tg's copy is skipped: "mail" already carries its content by e-mail.
	want := []string{"mail", "tg", "lone", "lone-email-fallback", "admin-notice|telegram|42|2024-09-30"}
	if !slices.Equal(ids, want) {
		t.Errorf("outbox %v, want %v", ids, want)
	}
	cp := getRecord(t, db, "lone-email-fallback")
	if cp.Status != OutboxPending || !cp.NextAttempt.Equal(lone.At) || !cp.Created.Equal(failedAt) || !cp.Since().Equal(failedAt) {
		t.Errorf("copy: %s next %s created %s since %s", cp.Status, cp.NextAttempt, cp.Created, cp.Since())
	}
	checkIndex(t, db)

	counts, err := db.OutboxCounts()
	if err != nil {
		t.Fatal(err)
	}
	if want := (OutboxCounts{Pending: 3, Failed: 2}); counts != want || counts.Total() != 5 {
		t.Errorf("counts %+v, want %+v", counts, want)
	}
}

func TestOutboxFilter(t *testing.T) {
	db := openOutbox(t)
	other := outboxMsg("other", notify.ChannelTelegram, outboxT0.Add(time.Hour))
	other.To.ID = "ttb"
	if err := db.Enqueue(outboxMsg("m1", notify.ChannelEmail, outboxT0), outboxMsg("m2", notify.ChannelTelegram, outboxT0.Add(time.Minute)), other); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent("m1", outboxT0); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    OutboxFilter
		want []string
	}{
		{"all", OutboxFilter{}, []string{"m1", "m2", "other"}},
		{"pending", OutboxFilter{Status: OutboxPending}, []string{"m2", "other"}},
		{"telegram", OutboxFilter{Channel: notify.ChannelTelegram}, []string{"m2", "other"}},
		{"recipient", OutboxFilter{Recipient: "ttb"}, []string{"other"}},
		{"from", OutboxFilter{From: outboxT0.Add(time.Minute)}, []string{"m2", "other"}},
		{"until", OutboxFilter{Until: outboxT0.Add(time.Minute)}, []string{"m1"}},
		{"limit", OutboxFilter{Limit: 2}, []string{"m1", "m2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs, err := db.Outbox(tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range recs {
				ids = append(ids, r.Message.ID)
			}
			if !slices.Equal(ids, tc.want) {
				t.Errorf("got %v, want %v", ids, tc.want)
			}
		})
	}
}

// TestOutboxDueGivesLargeReadsBack: a read of due records that went
// through megabytes of the file leaves few of its pages resident (the
// records read are copies); a small read leaves them be.
func TestOutboxDueGivesLargeReadsBack(t *testing.T) {
	c := &clock{t: time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "o.db")
	db := mustOpen(t, path, c)
	// About 600 KB a message, of words in no order: records the store
	// compresses (outboxcodec.go) stay large in the file.
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("Rà soát thủ tục hành chính cải cách tổ chức bộ máy số hóa hồ sơ công vụ")
	var sb strings.Builder
	for sb.Len() < 600<<10 {
		sb.WriteString(words[rng.IntN(len(words))])
		sb.WriteString(strconv.Itoa(rng.IntN(1000)))
		sb.WriteByte(' ')
	}
	big := sb.String()
	var size int
	for i := range 24 {
		m := &notify.Message{ID: fmt.Sprintf("m%02d", i), Channel: notify.ChannelEmail, At: c.t, Title: "Nhắc việc", Intro: big,
			To: notify.Recipient{ID: fmt.Sprintf("u%02d", i), Email: fmt.Sprintf("u%02d@langson.gov.vn", i)}}
		if err := db.Enqueue(m); err != nil {
			t.Fatal(err)
		}
		size += len(big)
	}
	if err := db.ReleaseMapped(); err != nil {
		t.Fatal(err)
	}
	recs, err := db.OutboxDueExcept(c.t, notify.DuePos{}, 100, nil)
	if err != nil || len(recs) != 24 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	if rss := mappedRSS(t, path); rss > size/8 {
		t.Errorf("after reading %d KB of records, %d KB of the file stay resident", size>>10, rss>>10)
	}
	small, err := db.OutboxDueExcept(c.t, notify.DuePos{}, 1, nil)
	if err != nil || len(small) != 1 || small[0].Size < len(big) {
		t.Fatalf("%d records (size %d), %v", len(small), small[0].Size, err)
	}
	if rss := mappedRSS(t, path); rss < len(big)/2 {
		t.Errorf("a read of one record released the file's pages (%d KB resident): a release walks the mapping, not worth it for a small read", rss>>10)
	}
}
