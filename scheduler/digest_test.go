package scheduler

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
)

// messageIDByFmt is messageID as it was written first (fmt into the hash):
// the IDs stored in databases and outboxes are these.
func messageIDByFmt(to, channel string, at time.Time, steps []string, items []notify.Item) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%d\n", to, channel, at.Unix())
	for _, s := range steps {
		fmt.Fprintln(h, s)
	}
	for _, it := range items {
		fmt.Fprintln(h, it.Assignment, it.Kind, it.Copy)
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// TestMessageIDBytes: messageID hashes the bytes it always hashed, so a
// message already stored keeps its ID (a restart would send it again
// otherwise), for any steps and items, Vietnamese and empty strings and
// moments before 1970 included.
func TestMessageIDBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 3))
	words := []string{"", "vp", "unit:vp", "60/KH-SCT|I.4.1@2024-09|vp", "Phòng KH-TC", "a b", "x\ny", "#due"}
	kinds := []notify.Kind{notify.KindReminder, notify.KindDue, notify.KindOverdue, notify.KindEscalation, notify.KindDone, ""}
	pick := func() string { return words[r.IntN(len(words))] + words[r.IntN(len(words))] }
	for range 300 {
		var steps []string
		for range r.IntN(5) {
			steps = append(steps, pick())
		}
		var items []notify.Item
		for range r.IntN(6) {
			items = append(items, notify.Item{Assignment: pick(), Kind: kinds[r.IntN(len(kinds))], Copy: r.IntN(2) == 0})
		}
		at := time.Unix(r.Int64N(4e9)-1e9, r.Int64N(1e9))
		to, ch := pick(), pick()
		if got, want := messageID(to, ch, at, steps, items), messageIDByFmt(to, ch, at, steps, items); got != want {
			t.Fatalf("messageID(%q, %q, %v, %q, %+v) = %s, want %s", to, ch, at, steps, items, got, want)
		}
	}
}
