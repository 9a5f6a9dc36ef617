package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// SendText sends one HTML message to a chat, with an optional reply markup
// (tgbotapi.InlineKeyboardMarkup...), under the same rate limits and
// failure rules as Notify, before the notifications waiting (a person is
// waiting for this answer), and returns its message id. A text Telegram
// cannot parse is sent again as plain text; a text over MaxTextLen is
// refused, since one message id cannot stand for several messages.
func (n *Notifier) SendText(ctx context.Context, chatID int64, htmlText string, markup any) (int, error) {
	p := Part{HTML: htmlText, Text: StripHTML(htmlText)}
	if l := utf16Len(p.Text); l > MaxTextLen {
		return 0, &Error{Method: "sendMessage", ChatID: chatID,
			Description: fmt.Sprintf("text is %d characters, over Telegram's %d", l, MaxTextLen)}
	}
	return n.send(ctx, chatID, p, markup, true)
}

// send delivers one part: rate limit, sendMessage with parse_mode HTML and
// no link preview, and on "can't parse entities" one more try as plain
// text, so that a markup bug of ours never loses a message.
func (n *Notifier) send(ctx context.Context, chatID int64, p Part, markup any, prio bool) (int, error) {
	msg := tgbotapi.NewMessage(chatID, p.HTML)
	msg.ParseMode = tgbotapi.ModeHTML
	msg.DisableWebPagePreview = true
	msg.ReplyMarkup = markup
	id, err := n.sendMessage(ctx, msg, prio)
	if err != nil && isEntityError(err) {
		n.log.Error("telegram refused our HTML; sending the message as plain text", "chat", chatID, "err", err)
		msg.Text, msg.ParseMode = p.Text, ""
		id, err = n.sendMessage(ctx, msg, prio)
	}
	return id, err
}

func (n *Notifier) sendMessage(ctx context.Context, msg tgbotapi.MessageConfig, prio bool) (int, error) {
	if err := n.limits.wait(ctx, msg.ChatID, prio); err != nil {
		return 0, &Error{Method: "sendMessage", ChatID: msg.ChatID, Description: "waiting for the rate limit: " + err.Error(),
			Temporary: true, err: err}
	}
	resp, err := n.Request(ctx, msg)
	n.limits.sent(msg.ChatID)
	if err != nil {
		if d := retryAfter(err); d > 0 {
			n.limits.pause(msg.ChatID, d)
		}
		return 0, err
	}
	var sent struct {
		MessageID int `json:"message_id"`
	}
	if err := json.Unmarshal(resp.Result, &sent); err != nil {
		// Telegram said ok: the message went out. Sending again would
		// duplicate it.
		n.log.Warn("telegram accepted a message with an unreadable result", "chat", msg.ChatID, "err", err)
	}
	return sent.MessageID, nil
}

// StripHTML is the text Telegram shows for an HTML text: tags removed,
// entities decoded. It is lenient: a '<' that opens no tag stays.
func StripHTML(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		s = s[i+j+1:]
	}
	return html.UnescapeString(b.String())
}
