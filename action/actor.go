package action

import (
	"strings"

	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/scheduler"
)

// Actor is the person behind a request, as far as a door knows them.
type Actor struct {
	Who   string // person id, or "telegram:<id>" for an invited Telegram user
	Name  string
	Unit  string // unit id; "" for the leadership
	Role  org.Role
	Known bool // in the config, or bound by an invite
}

// Admin reports whether p may change any unit's assignments.
func (p Actor) Admin() bool { return p.Known && p.Role == org.RoleAdmin }

// MayUnit reports whether p may change the assignments of a unit: its
// own unit's, or any for an admin.
func (p Actor) MayUnit(unit string) bool {
	return p.Admin() || p.Known && p.Unit != "" && p.Unit == unit
}

// May reports whether p may change a.
func (p Actor) May(a scheduler.Assignment) bool { return p.MayUnit(a.Unit) }

// UnitOfKey is the unit id at the end of an assignment key
// ("60/KH-SCT|I.4.1@2024-09|vp"), for checks made before a transaction.
func UnitOfKey(key string) string { return key[strings.LastIndexByte(key, '|')+1:] }
