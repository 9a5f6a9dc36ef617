package bot

import (
	"fmt"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/sct-langson/nhacviec/action"
	"github.com/sct-langson/nhacviec/store"
)

// person is who sent an update, as far as the bot knows: known when in
// the config with this Telegram id, or bound by an invite.
type person struct {
	action.Actor
	tgID int64
}

// identify finds the sender: first among the people of the config, then
// among the bindings made by invites.
func (b *Bot) identify(u *tgbotapi.User) (person, error) {
	p := person{tgID: u.ID, Actor: action.Actor{Who: store.TelegramWho(u.ID), Name: userName(u)}}
	for _, x := range b.directory().People() {
		if x.Telegram == u.ID {
			p.Who, p.Name, p.Unit, p.Role, p.Known = x.ID, x.Name, x.Unit, x.Role, true
			return p, nil
		}
	}
	bd, ok, err := b.store.Binding(u.ID)
	if err != nil {
		return p, fmt.Errorf("read binding of telegram user %d: %w", u.ID, err)
	}
	if ok {
		p.Who, p.Name, p.Unit, p.Role, p.Known = bd.Who(), bd.Name, bd.Unit, bd.Role, true
	}
	return p, nil
}

func userName(u *tgbotapi.User) string {
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if name == "" {
		name = u.UserName
	}
	return name
}

// notBound is the answer to a Telegram user nobody bound: their id, and
// how to get access.
func notBound(p person) string {
	return fmt.Sprintf("🔒 Tài khoản Telegram của bạn chưa được cấp quyền dùng bot nhắc việc.\n"+
		"Mã Telegram của bạn: <code>%d</code>\n"+
		"Hãy gửi mã này cho quản trị viên (Văn phòng Sở) để được thêm vào danh sách, "+
		"hoặc xin một mã mời rồi bấm vào đường dẫn mời.", p.tgID)
}

// notBoundInGroup is notBound for a group: the sender's Telegram id is
// theirs to give, not the group's to read.
func notBoundInGroup(p person) string {
	return fmt.Sprintf("🔒 %s chưa được cấp quyền cập nhật nhiệm vụ qua bot. Hãy nhắn riêng cho bot (bấm vào tên bot, gõ /start) để biết cách được cấp quyền.",
		esc(p.Name))
}

// notBoundShort fits a button press's answer (200 characters).
func notBoundShort(p person) string {
	return fmt.Sprintf("🔒 Bạn chưa được cấp quyền. Mã Telegram của bạn: %d — gửi mã này cho quản trị viên.", p.tgID)
}

// refusal says the sender may not change a unit's tasks (plain text,
// for an alert too).
func (b *Bot) refusal(unit string) string {
	return fmt.Sprintf("⛔ Bạn không có quyền cập nhật nhiệm vụ của %s. Chỉ cán bộ của đơn vị chủ trì hoặc quản trị viên mới được cập nhật.",
		b.unitName(unit))
}

// logRefusal notes a refused change: refusals get no audit entry.
func (b *Bot) logRefusal(p person, key, action string) {
	b.log.Info("telegram change refused", "telegram_user", p.tgID, "who", p.Who, "known", p.Known, "unit", p.Unit,
		"assignment", key, "action", action)
}
