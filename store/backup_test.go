package store

import (
	"fmt"
	"path/filepath"
	"sync"
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
	written := 0
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				written = i
				return
			default:
			}
			m := &notify.Message{ID: fmt.Sprintf("m%05d", i), Channel: notify.ChannelEmail, At: time.Unix(int64(1e9+i), 0),
				To: notify.Recipient{ID: "an", Email: "an@example.vn"}, Title: "Nhắc việc"}
			if err := db.Enqueue(m); err != nil {
				t.Error(err)
				return
			}
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
		counts, err := c.OutboxCounts()
		recs, _ := c.Tasks("")
		c.Close()
		if err != nil || len(recs) != 2 {
			t.Fatalf("copy %d: %d tasks, %v", i, len(recs), err)
		}
		if counts.Pending < last {
			t.Errorf("copy %d holds %d messages, an earlier copy %d", i, counts.Pending, last)
		}
		last = counts.Pending
		time.Sleep(20 * time.Millisecond) // let writes happen between copies
	}
	close(stop)
	wg.Wait()
	if last == 0 || last > written {
		t.Errorf("copies hold %d messages of %d written", last, written)
	}
}
