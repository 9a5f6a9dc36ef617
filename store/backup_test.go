package store

import (
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
)

// TestBackupDuringWrites: copies taken while another goroutine keeps
// writing open and pass bbolt's consistency check, and hold a prefix of the
// writes (each message either wholly there or not).
func TestBackupDuringWrites(t *testing.T) {
	dir := t.TempDir()
	db := mustOpen(t, filepath.Join(dir, "n.db"), &clock{t: time.Date(2024, 6, 14, 8, 0, 0, 0, time.UTC)})
	if _, err := db.ImportPlan(samplePlan("I.1", "I.2")); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	var written atomic.Int64 // messages enqueued so far
	var writing atomic.Bool
	writing.Store(true)
	go func() {
		defer wg.Done()
		defer writing.Store(false)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			m := &notify.Message{ID: fmt.Sprintf("m%05d", i), Channel: notify.ChannelEmail, At: time.Unix(int64(1e9+i), 0),
				To: notify.Recipient{ID: "an", Email: "an@example.vn"}, Title: "Nhắc việc"}
			if err := db.Enqueue(m); err != nil {
				t.Error(err)
				return
			}
			written.Store(int64(i + 1))
		}
	}()
	var last int
	for i := range 5 {
		path := filepath.Join(dir, fmt.Sprintf("copy-%d.db", i))
		if err := db.Backup(path); err != nil {
			t.Fatal(err)
		}
		if err := Verify(path); err != nil {
			t.Fatalf("copy %d: %v", i, err)
		}
		c, err := Open(path, Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := c.Outbox(OutboxFilter{})
		recs, _ := c.Tasks("")
		c.Close()
		if err != nil || len(recs) != 2 {
			t.Fatalf("copy %d: %d tasks, %v", i, len(recs), err)
		}
		// A prefix: m00000 … m<n-1>, each whole, nothing after a gap.
		for j, rec := range msgs {
			m := rec.Message
			if m.ID != fmt.Sprintf("m%05d", j) || m.Title != "Nhắc việc" || m.To.Email != "an@example.vn" || rec.Status != notify.StatusPending {
				t.Fatalf("copy %d, message %d of %d: %+v", i, j, len(msgs), rec)
			}
		}
		if len(msgs) < last {
			t.Errorf("copy %d holds %d messages, an earlier copy %d", i, len(msgs), last)
		}
		last = len(msgs)
		// Let some writes happen before the next copy.
		for n := written.Load(); written.Load() < n+10 && writing.Load(); {
			time.Sleep(time.Millisecond)
		}
	}
	close(stop)
	wg.Wait()
	if last == 0 || int64(last) > written.Load() {
		t.Errorf("copies hold %d messages of %d written", last, written.Load())
	}
}
