package bot

import (
	"slices"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/sct-langson/nhacviec/action"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// Kinds of sent messages the bot remembers (store.SentMessage.Kind).
const (
	kindReminder = "reminder" // a reminder from the pipeline
	kindAsk      = "ask"      // "which task?": buttons of one action
	kindNote     = "note"     // a prompt whose reply is a note
	kindConfirm  = "confirm"  // "done?" after evidence
)

// Callback data is "<action>:<short id>", 14 bytes with a 12-byte short id:
// well under Telegram's 64.
const (
	cbDone     = "d"  // mark done
	cbSnooze   = "s"  // show the snooze choices
	cbSnooze1  = "s1" // snooze one day
	cbSnooze3  = "s3" // snooze three days
	cbSnoozeTo = "z"  // snooze until the date the question holds
	cbNote     = "n"  // ask for a note, or add the one the question holds
	cbEvidence = "e"  // attach the file the question holds
	cbUndo     = "u"  // undo a done mark
	cbBack     = "b"  // back to the reminder's buttons
)

// maxButtons bounds a digest's keyboard (Telegram takes 100 buttons).
const maxButtons = 60

// data is the callback data of an action on an assignment.
func data(act, short string) string { return act + ":" + short }

// parseData splits callback data.
func parseData(s string) (act, short string, ok bool) {
	act, short, ok = strings.Cut(s, ":")
	return act, short, ok && act != "" && short != ""
}

// Keyboard is the inline keyboard of a reminder, for telegram.WithKeyboard:
// for one task "✅ Hoàn thành", "⏰ Nhắc lại sau", "📝 Ghi chú"; for a
// digest one "✅ <task id>" button per task (snoozes and notes go through
// commands or a reply). Items sent for information (copies) get none.
func Keyboard(m *notify.Message) *tgbotapi.InlineKeyboardMarkup {
	return keyboardFor(actionKeys(m))
}

// actionKeys are the assignments a message asks its recipient to act on:
// none for an information message (a summary, a confirmation) or copies.
func actionKeys(m *notify.Message) []string {
	if m.Kind == notify.KindInfo {
		return nil
	}
	var keys []string
	for _, it := range m.Items {
		if !it.Copy && it.Kind != notify.KindInfo && it.Kind != notify.KindDone && it.Assignment != "" && !slices.Contains(keys, it.Assignment) {
			keys = append(keys, it.Assignment)
		}
	}
	return keys
}

func keyboardFor(keys []string) *tgbotapi.InlineKeyboardMarkup {
	switch len(keys) {
	case 0:
		return nil
	case 1:
		return reminderKeyboard(store.ShortID(keys[0]))
	}
	return choiceKeyboard(cbDone, "✅ ", keys)
}

// reminderKeyboard is the keyboard of a one-task reminder.
func reminderKeyboard(short string) *tgbotapi.InlineKeyboardMarkup {
	kb := tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("✅ Hoàn thành", data(cbDone, short))),
		tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("⏰ Nhắc lại sau", data(cbSnooze, short)),
			tgbotapi.NewInlineKeyboardButtonData("📝 Ghi chú", data(cbNote, short))),
	)
	return &kb
}

// snoozeKeyboard offers the snooze delays.
func snoozeKeyboard(short string) *tgbotapi.InlineKeyboardMarkup {
	kb := tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("⏰ 1 ngày làm việc", data(cbSnooze1, short)),
			tgbotapi.NewInlineKeyboardButtonData("⏰ 3 ngày làm việc", data(cbSnooze3, short))),
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("« Quay lại", data(cbBack, short))),
	)
	return &kb
}

// choiceKeyboard has one button per assignment, three to a row, labelled
// prefix + task id (with the period as people name it, "I.4.1 (tháng
// 6/2024)", then the unit, when needed to tell them apart).
func choiceKeyboard(act, prefix string, keys []string) *tgbotapi.InlineKeyboardMarkup {
	keys = keys[:min(len(keys), maxButtons)]
	named := func(k string) string { return scheduler.OccurrenceName(occurrenceOfKey(k)) }
	levels := []func(string) string{taskOfKey, named,
		func(k string) string { return named(k) + " · " + action.UnitOfKey(k) }}
	labels := make([]string, len(keys))
	for i, k := range keys {
		labels[i] = levels[0](k)
	}
	for _, level := range levels[1:] {
		count := map[string]int{}
		for _, l := range labels {
			count[l]++
		}
		for i, k := range keys {
			if count[labels[i]] > 1 {
				labels[i] = level(k)
			}
		}
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	for i, k := range keys {
		btn := tgbotapi.NewInlineKeyboardButtonData(prefix+labels[i], data(act, store.ShortID(k)))
		if i%3 == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], btn)
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: rows}
}

// occurrenceOfKey is the occurrence part of an assignment key.
func occurrenceOfKey(key string) string {
	parts := strings.Split(key, "|")
	if len(parts) < 3 {
		return key
	}
	return parts[len(parts)-2]
}

// taskOfKey is the task id of an assignment key.
func taskOfKey(key string) string {
	occ := occurrenceOfKey(key)
	task, _, _ := strings.Cut(occ, "@")
	return task
}

// withoutShort is kb without the buttons acting on short; nil when none
// is left.
func withoutShort(kb *tgbotapi.InlineKeyboardMarkup, short string) *tgbotapi.InlineKeyboardMarkup {
	if kb == nil {
		return nil
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, row := range kb.InlineKeyboard {
		var keep []tgbotapi.InlineKeyboardButton
		for _, btn := range row {
			if btn.CallbackData != nil && strings.HasSuffix(*btn.CallbackData, ":"+short) {
				continue
			}
			keep = append(keep, btn)
		}
		if len(keep) > 0 {
			rows = append(rows, keep)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: rows}
}
