package notify

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"
)

const (
	// fallbackSuffix ends the ID of a fallback copy: original ID + "-" +
	// channel + fallbackSuffix ("…-email-fallback").
	fallbackSuffix = "-fallback"
	// adminNoticePrefix starts the ID of an admin notice.
	adminNoticePrefix = "admin-notice|"
	// maxCauseLen bounds the error text quoted to the admin.
	maxCauseLen = 500
)

// fallbacks are the messages enqueued when rec is given up: a copy on the
// fallback channel, and a notice to the admin.
//
// The copy is enqueued whatever other messages the recipient gets: the
// outbox skips it when it already holds the same content on the fallback
// channel (the scheduler's own e-mail of the same digest), and enqueueing is
// idempotent by ID, so a copy is made at most once.
func (p *Pipeline) fallbacks(rec *Record, now time.Time, cause string) []*Message {
	var out []*Message
	cp := p.fallbackCopy(rec)
	if cp != nil {
		out = append(out, cp)
	}
	return append(out, p.adminNotices(rec, now, cause, cp)...)
}

// fallbackCopy is rec's message on its channel's fallback channel, or nil
// when there is none: no fallback for the channel, no notifier for it, no
// address of the recipient on it, or rec is itself a fallback copy or an
// admin notice.
func (p *Pipeline) fallbackCopy(rec *Record) *Message {
	m := &rec.Message
	to := p.fallback[m.Channel]
	if to == "" || to == m.Channel || p.cfg.Notifiers[to] == nil || address(m.To, to) == "" ||
		strings.HasSuffix(m.ID, fallbackSuffix) || strings.HasPrefix(m.ID, adminNoticePrefix) {
		return nil
	}
	cp := *m
	cp.ID = m.ID + "-" + to + fallbackSuffix
	cp.Channel = to
	return &cp
}

// adminNotices tell the admin that rec's recipient could not be reached
// on rec's channel, by the admin's first channel that reaches them (each
// with AdminAllChannels). Their IDs hold the channel, the address and the
// day, so that the admin hears of one address at most once a day. There
// is none when there is no admin to tell, rec is an admin notice, or the
// admin can only be reached at the failing address.
func (p *Pipeline) adminNotices(rec *Record, now time.Time, cause string, cp *Message) []*Message {
	m := &rec.Message
	if strings.HasPrefix(m.ID, adminNoticePrefix) {
		return nil
	}
	live := p.live()
	addr := address(m.To, m.Channel)
	chans := p.adminChannels(live, m.Channel, addr)
	if len(chans) == 0 {
		return nil
	}
	if addr == "" {
		addr = m.To.ID
	}
	name := cmp.Or(m.To.Name, m.To.ID)
	label := channelLabel(m.Channel)
	if len(cause) > maxCauseLen {
		cause = strings.ToValidUTF8(cause[:maxCauseLen], "") + "…"
	}
	var footer strings.Builder
	if cp != nil {
		fmt.Fprintf(&footer, "Nội dung được gửi cho người nhận qua %s: %s. ", channelLabel(cp.Channel), address(cp.To, cp.Channel))
	} else {
		footer.WriteString("Người nhận không có kênh dự phòng: tin nhắn không tới được người nhận. ")
	}
	if m.Channel == ChannelTelegram {
		footer.WriteString("Hãy kiểm tra người nhận đã bắt đầu trò chuyện với bot (/start) và không chặn bot, hoặc sửa chat id trong cấu hình.")
	} else {
		footer.WriteString("Hãy kiểm tra địa chỉ trong cấu hình.")
	}
	id := adminNoticePrefix + m.Channel + "|" + addr + "|" + now.In(location).Format("2006-01-02")
	var out []*Message
	for i, ch := range chans {
		n := &Message{
			ID:      id,
			Channel: ch,
			Kind:    KindInfo,
			To:      live.Admin,
			At:      now,
			Title:   fmt.Sprintf("nhacviec: không gửi được %s tới %s", label, name),
			Intro: fmt.Sprintf("Không gửi được tin nhắn %s (mã %s) tới %s, %s %s: %s",
				label, m.ID, name, addressLabel(m.Channel), addr, cause),
			Footer: strings.TrimSpace(footer.String()),
		}
		if i > 0 {
			n.ID += "|" + ch
		}
		out = append(out, n)
	}
	return out
}

// adminChannels are the channels the admin is told on: the first of the
// admin's channels (e-mail, then Telegram, by default) with a notifier and
// an address of the admin, or all of them with AdminAllChannels, never
// the address that fails.
func (p *Pipeline) adminChannels(live Live, failing, addr string) []string {
	prefs := live.AdminChannels
	if len(prefs) == 0 {
		prefs = []string{ChannelEmail, ChannelTelegram}
	}
	var out []string
	for _, ch := range prefs {
		a := address(live.Admin, ch)
		if a != "" && p.cfg.Notifiers[ch] != nil && !(ch == failing && a == addr) {
			out = append(out, ch)
			if !live.AdminAllChannels {
				break
			}
		}
	}
	return out
}

// address is r's address on channel ch, "" when r has none.
func address(r Recipient, ch string) string {
	switch ch {
	case ChannelEmail:
		return r.Email
	case ChannelTelegram:
		if r.TelegramID != 0 {
			return strconv.FormatInt(r.TelegramID, 10)
		}
		return ""
	default:
		return r.ID
	}
}

// channelLabel names a channel for a Vietnamese reader.
func channelLabel(ch string) string {
	switch ch {
	case ChannelEmail:
		return "e-mail"
	case ChannelTelegram:
		return "Telegram"
	default:
		return ch
	}
}

// addressLabel names the kind of address of a channel.
func addressLabel(ch string) string {
	switch ch {
	case ChannelTelegram:
		return "chat id"
	case ChannelEmail:
		return "địa chỉ"
	default:
		return "mã"
	}
}
