package bot

import (
	"fmt"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// person is who sent an update, as far as the bot knows.
type person struct {
	tgID  int64
	who   string // person id, or "telegram:<id>"
	name  string
	unit  string
	role  org.Role
	known bool // in the config with this Telegram id, or bound by an invite
}

// identify finds the sender: first among the people of the config, then
// among the bindings made by invites.
func (b *Bot) identify(u *tgbotapi.User) (person, error) {
	p := person{tgID: u.ID, who: store.TelegramWho(u.ID), name: userName(u)}
	for _, x := range b.directory().People() {
		if x.Telegram == u.ID {
			p.who, p.name, p.unit, p.role, p.known = x.ID, x.Name, x.Unit, x.Role, true
			return p, nil
		}
	}
	bd, ok, err := b.store.Binding(u.ID)
	if err != nil {
		return p, fmt.Errorf("read binding of telegram user %d: %w", u.ID, err)
	}
	if ok {
		p.who, p.name, p.unit, p.role, p.known = bd.Who(), bd.Name, bd.Unit, bd.Role, true
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

// admin reports whether p may change any unit's tasks.
func (p person) admin() bool { return p.known && p.role == org.RoleAdmin }

// mayUnit reports whether p may change the tasks of a unit.
func (p person) mayUnit(unit string) bool {
	return p.admin() || p.known && p.unit != "" && p.unit == unit
}

// may reports whether p may change a.
func (p person) may(a scheduler.Assignment) bool { return p.mayUnit(a.Unit) }

// unitOfKey is the unit id at the end of an assignment key
// ("60/KH-SCT|I.4.1@2024-09|vp"), for checks made before a transaction.
func unitOfKey(key string) string { return key[strings.LastIndexByte(key, '|')+1:] }

// notBound is the answer to a Telegram user nobody bound: their id, and
// how to get access.
func notBound(p person) string {
	return fmt.Sprintf("🔒 Tài khoản Telegram của bạn chưa được cấp quyền dùng bot nhắc việc.\n"+
		"Mã Telegram của bạn: <code>%d</code>\n"+
		"Hãy gửi mã này cho quản trị viên (Văn phòng Sở) để được thêm vào danh sách, "+
		"hoặc xin một mã mời rồi bấm vào đường dẫn mời.", p.tgID)
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
	b.log.Info("telegram change refused", "telegram_user", p.tgID, "who", p.who, "known", p.known, "unit", p.unit,
		"assignment", key, "action", action)
}
