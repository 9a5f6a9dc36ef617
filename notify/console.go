package notify

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
)

// ConsoleNotifier prints each message as plain Vietnamese text, as it would
// be delivered. The wiring registers it under the channel names of the
// channels that are not configured, so that a trial run shows what would go
// out. Each message is written whole with one Write call, one message at
// a time: the pipeline delivers many recipients at once, and their letters
// must not interleave. Use one ConsoleNotifier (a pointer) for every
// channel name it stands in for.
type ConsoleNotifier struct {
	W  io.Writer
	mu sync.Mutex
}

// Notify writes m to W. A write error is permanent: the console will not
// get better by waiting.
func (c *ConsoleNotifier) Notify(ctx context.Context, m *Message) (retry bool, err error) {
	if err := ctx.Err(); err != nil {
		return true, err
	}
	text := consoleText(m)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := io.WriteString(c.W, text); err != nil {
		return false, fmt.Errorf("console: write message %s: %w", m.ID, err)
	}
	return false, nil
}

// consoleText renders m as its plain-text letter under an envelope:
// title, recipient and channel, moment.
func consoleText(m *Message) string {
	var b strings.Builder
	fmt.Fprintf(&b, "──── %s ────\n", m.Title)
	fmt.Fprintf(&b, "Gửi tới: %s qua %s\n", recipientText(m.To, m.Channel), channelLabel(m.Channel))
	fmt.Fprintf(&b, "Lúc: %s\n\n", m.At.In(location).Format("15:04 02/01/2006"))
	b.WriteString(Compose(m).PlainText(""))
	b.WriteString("\n")
	return b.String()
}

// recipientText names r with their address on channel ch.
func recipientText(r Recipient, ch string) string {
	name := r.Name
	if name == "" {
		name = r.ID
	}
	switch addr := address(r, ch); {
	case ch == ChannelEmail && addr != "":
		return fmt.Sprintf("%s <%s>", name, addr)
	case ch == ChannelTelegram && addr != "":
		return fmt.Sprintf("%s (chat id %s)", name, addr)
	default:
		return name
	}
}
