package notify_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/store"
)

var errCrash = errors.New("process killed")

// crashingOutbox is the outbox of a process that dies in its crashAt-th
// MarkSent, after the notifier succeeded and before the mark is written:
// it closes the database file and fails, as a kill would leave it.
type crashingOutbox struct {
	*store.DB
	crashAt int
	marks   int
}

// MarkSentAll marks one by one, so that the crash comes at the crashAt-th
// delivery whatever the batches.
func (o *crashingOutbox) MarkSentAll(marks []notify.SentMark) error {
	for _, m := range marks {
		if err := o.MarkSent(m.ID, m.At); err != nil {
			return err
		}
	}
	return nil
}

func (o *crashingOutbox) MarkSent(id string, at time.Time) error {
	o.marks++
	if o.marks == o.crashAt {
		if err := o.DB.Close(); err != nil {
			return err
		}
		return errCrash
	}
	return o.DB.MarkSent(id, at)
}

func TestCrashBetweenSendAndMark(t *testing.T) {
	for _, tc := range []struct {
		name           string
		messages       int
		crashAt        int
		wantFirstCalls int
	}{
		{"single message", 1, 1, 1},
		{"batch of ten, crash at the fifth", 10, 5, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &clock{t: t0}
			path := filepath.Join(t.TempDir(), "nhacviec.db")
			db := openDB(t, path, c)
			var ids []string
			for i := range tc.messages {
				m := message(fmt.Sprintf("m%02d", i+1), notify.ChannelEmail, t0.Add(time.Duration(i)*time.Minute))
				enqueue(t, db, m)
				ids = append(ids, m.ID)
			}
			c.Set(t0.Add(time.Hour))
			email := &fakeNotifier{}
			p := mustPipeline(t, testConfig(&crashingOutbox{DB: db, crashAt: tc.crashAt}, c,
				map[string]notify.Notifier{notify.ChannelEmail: email}))
			n, err := p.DeliverDue(t.Context())
			if !errors.Is(err, errCrash) || n != tc.crashAt-1 {
				t.Fatalf("DeliverDue before the crash: %d, %v", n, err)
			}
			if got := len(email.ids()); got != tc.wantFirstCalls {
				t.Fatalf("%d sent before the crash, want %d", got, tc.wantFirstCalls)
			}

			// Restart: a new pipeline on the reopened file.
			c.Add(time.Minute)
			db = openDB(t, path, c)
			p = mustPipeline(t, testConfig(db, c, map[string]notify.Notifier{notify.ChannelEmail: email}))
			deliver(t, p)
			c.Add(time.Hour)
			deliver(t, p)

			calls := map[string]int{}
			for _, id := range email.ids() {
				calls[id]++
			}
			var doubled []string
			for _, id := range ids {
				if calls[id] == 2 {
					doubled = append(doubled, id)
				} else if calls[id] != 1 {
					t.Errorf("%s sent %d times", id, calls[id])
				}
				if rec := record(t, db, id); rec.Status != store.OutboxSent {
					t.Errorf("%s is %s after the restart", id, rec.Status)
				}
			}
			if want := []string{ids[tc.crashAt-1]}; !slices.Equal(doubled, want) {
				t.Errorf("sent twice: %v, want %v", doubled, want)
			}
			if got := len(email.ids()); got != tc.messages+1 {
				t.Errorf("%d sends in all, want %d", got, tc.messages+1)
			}
		})
	}
}
