package scheduler

import (
	"fmt"
	"testing"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/org"
)

// TestChannelsPreference: a message goes by the first preferred channel
// that reaches the person, unless copies on every channel are asked for,
// globally or by the person (whose setting wins).
func TestChannelsPreference(t *testing.T) {
	d, err := org.New([]org.Unit{{ID: "vp", Name: "Văn phòng Sở", Head: "a"}}, nil, []org.Person{
		{ID: "a", Name: "A", Unit: "vp", Email: "a@x.vn", Telegram: 1},
		{ID: "b", Name: "B", Unit: "vp", Email: "b@x.vn", Telegram: 2, Channels: []string{"email", "telegram"}},
		{ID: "c", Name: "C", Unit: "vp", Email: "c@x.vn", Telegram: 3, AllChannels: true},
		{ID: "e", Name: "E", Unit: "vp", Email: "e@x.vn", Channels: []string{"telegram", "email"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	rcpt := func(id string) notify.Recipient {
		p, _ := d.Person(id)
		return notify.Recipient{ID: p.ID, Email: p.Email, TelegramID: p.Telegram}
	}
	unit := notify.Recipient{ID: "unit:vp", Email: "vp@x.vn", TelegramID: -100}
	for _, c := range []struct {
		to      notify.Recipient
		enabled []string
		all     bool
		want    string
	}{
		{rcpt("a"), nil, false, "[telegram]"},            // default order: Telegram, then e-mail
		{rcpt("a"), []string{"email"}, false, "[email]"}, // Telegram not in service
		{rcpt("b"), nil, false, "[email]"},               // the person's order
		{rcpt("c"), nil, false, "[telegram email]"},      // the person asks for copies
		{rcpt("e"), nil, false, "[email]"},               // no chat id: the next channel
		{rcpt("a"), nil, true, "[telegram]"},             // the person's own (resolved) setting wins
		{unit, nil, false, "[telegram]"},                 // a unit mailbox
		{unit, nil, true, "[telegram email]"},
	} {
		if got := fmt.Sprint(Channels(d, c.to, c.enabled, c.all)); got != c.want {
			t.Errorf("Channels(%s, %v, all=%t) = %s, want %s", c.to.ID, c.enabled, c.all, got, c.want)
		}
	}
}
