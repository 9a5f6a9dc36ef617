package store

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
)

func TestOutboxHas(t *testing.T) {
	c := &clock{t: time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)}
	db := mustOpen(t, filepath.Join(t.TempDir(), "n.db"), c)
	m := func(id string) *notify.Message {
		return &notify.Message{ID: id, Channel: notify.ChannelEmail, To: notify.Recipient{ID: "an", Email: "an@example.com"}, At: c.t, Title: id}
	}
	if err := db.Enqueue(m("a"), m("b")); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent("b", c.t); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ids  []string
		want bool
	}{{[]string{"a"}, true}, {[]string{"a", "b"}, true}, {[]string{"a", "c"}, false}, {[]string{"c"}, false}, {nil, true}} {
		got, err := db.OutboxHas(tc.ids...)
		if err != nil || got != tc.want {
			t.Errorf("OutboxHas(%q) = %t, %v; want %t", tc.ids, got, err, tc.want)
		}
	}
}
