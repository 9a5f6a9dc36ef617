package bot

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// task handles /viec <mã>: the task's full text, expected result, timeline,
// lead and coordinating units, and the state of each unit's periods — the
// full text a digest shortens.
func (b *Bot) task(chat int64, args string) (txFunc, error) {
	ref, _, ok := ParseTaskRef(args)
	if !ok {
		return say(chat, "❓ Không đọc được mã nhiệm vụ. Ví dụ: <code>/viec III.2.1</code>"), nil
	}
	recs, err := b.store.Tasks("")
	if err != nil {
		return nil, fmt.Errorf("read tasks: %w", err)
	}
	var found []store.TaskRecord
	for _, r := range recs {
		if r.ID == ref.Task && !r.Archived {
			found = append(found, r)
		}
	}
	if len(found) == 0 {
		return say(chat, "❓ Không có nhiệm vụ "+esc(ref.Task)+". Gõ /viec để xem các nhiệm vụ đang mở."), nil
	}
	return func(t txn, e *effects) error {
		for _, r := range found {
			var as []scheduler.Assignment
			err := t.tx.ForEachTaskAssignment(r.Plan, r.ID, func(a scheduler.Assignment) error {
				if a.State != scheduler.StateArchived && (ref.Period == "" || ref.Matches(a)) {
					as = append(as, a)
				}
				return nil
			})
			if err != nil {
				return err
			}
			e.send(chat, b.taskText(r, as))
		}
		return nil
	}, nil
}

// taskText lays one task out, clipped to a Telegram message.
func (b *Bot) taskText(r store.TaskRecord, as []scheduler.Assignment) string {
	var s strings.Builder
	fmt.Fprintf(&s, "📄 <b>%s</b> (Kế hoạch %s)\n%s", esc(r.ID), esc(r.Plan), esc(strings.Join(strings.Fields(r.Text), " ")))
	if out := strings.Join(strings.Fields(r.Output), " "); out != "" {
		fmt.Fprintf(&s, "\n\n<b>Kết quả/sản phẩm:</b> %s", esc(out))
	}
	if tl := strings.TrimSpace(r.Timeline.Text); tl != "" {
		fmt.Fprintf(&s, "\n<b>Tiến độ:</b> %s", esc(tl))
	}
	if len(r.Lead) > 0 {
		fmt.Fprintf(&s, "\n<b>Đơn vị chủ trì:</b> %s", esc(strings.Join(r.Lead, ", ")))
	}
	if len(r.Coord) > 0 {
		fmt.Fprintf(&s, "\n<b>Đơn vị phối hợp:</b> %s", esc(strings.Join(r.Coord, ", ")))
	}
	slices.SortFunc(as, func(x, y scheduler.Assignment) int {
		if c := x.DueDay.Compare(y.DueDay); c != 0 {
			return c
		}
		return strings.Compare(x.Unit, y.Unit)
	})
	if len(as) > 0 {
		s.WriteString("\n\n<b>Tình trạng:</b>")
	}
	for i, a := range as {
		name := scheduler.OccurrenceName(a.Occurrence)
		state := b.dueText(a.DueDay)
		if a.State == scheduler.StateDone {
			state = "✅ đã hoàn thành ngày " + b.moment(a.DoneAt)
		}
		line := fmt.Sprintf("\n• %s — %s: %s", esc(name), esc(b.unitName(a.Unit)), state)
		if len([]rune(s.String()))+len([]rune(line)) > listChunk {
			fmt.Fprintf(&s, "\n… và %d lượt khác.", len(as)-i)
			break
		}
		s.WriteString(line)
	}
	return s.String()
}
