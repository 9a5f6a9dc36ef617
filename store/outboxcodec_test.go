package store

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/notify"
)

// TestOutboxLargeRecordsCompressed: a digest of hundreds of lines is
// stored gzip-compressed, in a fraction of its JSON, and reads back as it
// was through every reader of the outbox (due records with their JSON's
// size, the filtered list, a change of status); a short message stays
// plain JSON, as records of earlier schemas are, and reads the same.
func TestOutboxLargeRecordsCompressed(t *testing.T) {
	c := &clock{t: time.Date(2024, 6, 3, 8, 0, 0, 0, time.UTC)}
	db := mustOpen(t, filepath.Join(t.TempDir(), "o.db"), c)
	var items []notify.Item
	for i := range 400 {
		items = append(items, notify.Item{Kind: notify.KindOverdue, Assignment: fmt.Sprintf("60/KH-SCT|I.%d@2024|qlcn", i),
			TaskID: fmt.Sprintf("I.%d", i), Occurrence: fmt.Sprintf("I.%d@2024", i), Unit: "Phòng Quản lý công nghiệp",
			Text: "Rà soát, đánh giá thủ tục hành chính thuộc thẩm quyền giải quyết của Sở", Due: c.t.AddDate(0, 0, -i), WorkingDays: -i})
	}
	digest := &notify.Message{ID: "digest", Channel: notify.ChannelEmail, Kind: notify.KindDigest, At: c.t, Title: "Nhắc việc CCHC",
		To: notify.Recipient{ID: "tp-qlcn", Name: "Trưởng phòng QLCN", Email: "qlcn@langson.gov.vn"}, Items: items}
	short := outboxMsg("short", notify.ChannelEmail, c.t)
	if err := db.Enqueue(digest, short); err != nil {
		t.Fatal(err)
	}
	raw := map[string][]byte{}
	if err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			raw[string(k)] = append([]byte(nil), v...)
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	recs, err := db.OutboxDueExcept(c.t, notify.DuePos{}, 10, nil)
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d due records, %v", len(recs), err)
	}
	for _, rec := range recs {
		v := raw[rec.Message.ID]
		switch rec.Message.ID {
		case "digest":
			if v[0] != gzipMagic || len(v)*4 > rec.Size {
				t.Errorf("the digest is stored in %d bytes (first byte %#x) for %d of JSON: not compressed", len(v), v[0], rec.Size)
			}
			if len(rec.Message.Items) != 400 || rec.Message.Items[399].Text != items[399].Text || !rec.Message.Items[399].Due.Equal(items[399].Due) {
				t.Errorf("the digest reads back with %d items, the last %+v", len(rec.Message.Items), rec.Message.Items[len(rec.Message.Items)-1])
			}
		case "short":
			if !strings.HasPrefix(string(v), "{") || rec.Size != len(v) {
				t.Errorf("the short message is stored as %q… (%d bytes, size %d), not plain JSON", v[:8], len(v), rec.Size)
			}
			if rec.Message.Title != short.Title {
				t.Errorf("the short message reads back as %+v", rec.Message)
			}
		}
	}
	if err := db.MarkSent("digest", c.t.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	sent, err := db.Outbox(OutboxFilter{Status: OutboxSent})
	if err != nil || len(sent) != 1 || sent[0].Message.ID != "digest" || len(sent[0].Message.Items) != 400 {
		t.Fatalf("sent: %d records, %v", len(sent), err)
	}
	checkIndex(t, db)
}

// TestMigrateSchema4: a database of schema 4 (outbox records all plain
// JSON) is schema 5 once opened for writing, its records read as they
// were, and a large record written after is compressed.
func TestMigrateSchema4(t *testing.T) {
	c := &clock{t: time.Date(2024, 6, 3, 8, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "o.db")
	db := mustOpen(t, path, c)
	old := outboxMsg("old", notify.ChannelEmail, c.t)
	old.Intro = strings.Repeat("Báo cáo tiến độ cải cách hành chính. ", 500) // plain JSON in schema 4
	if err := db.bolt.Update(func(tx *bolt.Tx) error {
		rec := OutboxRecord{Message: *old, Status: OutboxPending, NextAttempt: old.At, Created: old.At}
		if err := putJSON(tx.Bucket(bucketOutbox), []byte(old.ID), rec); err != nil {
			return err
		}
		if err := tx.Bucket(bucketOutboxDue).Put(timeKey(rec.NextAttempt, old.ID), nil); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bucketMeta), keySchema, 4)
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if v, _ := storedSchema(t, path); v != 4 {
		t.Fatalf("schema %d before, want 4", v)
	}
	db = mustOpen(t, path, c)
	if v, _ := storedSchemaOf(t, db); v != 5 {
		t.Errorf("schema %d after opening, want 5", v)
	}
	recs, err := db.OutboxDueExcept(c.t, notify.DuePos{}, 10, nil)
	if err != nil || len(recs) != 1 || recs[0].Message.Intro != old.Intro {
		t.Fatalf("the schema 4 record reads back as %d records, %v", len(recs), err)
	}
	if err := db.MarkSent("old", c.t.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.bolt.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketOutbox).Get([]byte("old")); v[0] != gzipMagic {
			return fmt.Errorf("the record written again after the migration is stored as %q…", v[:8])
		}
		return nil
	}); err != nil {
		t.Error(err)
	}
}
