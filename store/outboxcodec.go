package store

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// Schema 5 stores a large outbox record (a digest of hundreds of lines)
// gzip-compressed: its JSON repeats the same keys and unit names line
// after line, and compressed it takes a tenth of the room. A catch-up
// morning at 100,000 tasks wrote 195 MB of records in the round's last
// transaction, held twice in memory until the commit (the values, then
// bbolt's pages for them). A record under outboxCompressMin stays plain
// JSON, as every record of schemas 1 to 4 is; a value is known compressed
// by gzip's first byte (JSON's is '{').
const outboxCompressMin = 8 << 10

// gzipMagic is the first byte of a gzip stream.
const gzipMagic = 0x1f

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// encodeOutbox is the stored value of an outbox record.
func encodeOutbox(rec *OutboxRecord) ([]byte, error) {
	raw, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encode outbox record %s: %w", rec.Message.ID, err)
	}
	if len(raw) < outboxCompressMin {
		return raw, nil
	}
	var buf bytes.Buffer
	buf.Grow(len(raw) / 6)
	w := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(w)
	w.Reset(&buf)
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decodeOutbox decodes a stored outbox record (compressed or not) into v:
// an OutboxRecord, or a struct of some of its fields.
func decodeOutbox(raw []byte, v any) error {
	_, err := decodeOutboxSize(raw, v)
	return err
}

// decodeOutboxSize is decodeOutbox that also returns the size of the
// record's JSON (what it holds once decoded is about that much).
func decodeOutboxSize(raw []byte, v any) (int, error) {
	if len(raw) == 0 || raw[0] != gzipMagic {
		return len(raw), json.Unmarshal(raw, v)
	}
	r, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return 0, err
	}
	plain, err := io.ReadAll(r)
	if err != nil {
		return 0, err
	}
	return len(plain), json.Unmarshal(plain, v)
}

// putOutbox stores rec under id.
func putOutbox(b *bolt.Bucket, id []byte, rec *OutboxRecord) error {
	v, err := encodeOutbox(rec)
	if err != nil {
		return err
	}
	return b.Put(id, v)
}

// getOutbox reads the record under id into rec; false when there is none.
func getOutbox(b *bolt.Bucket, id []byte, rec *OutboxRecord) (bool, error) {
	raw := b.Get(id)
	if raw == nil {
		return false, nil
	}
	if err := decodeOutbox(raw, rec); err != nil {
		return true, fmt.Errorf("decode outbox record %s: %w", id, err)
	}
	return true, nil
}
