package bot

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sct-langson/nhacviec/action"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

func TestReplyDone(t *testing.T) {
	for _, text := range []string{"xong", "Đã xong", "HOÀN THÀNH", "đã hoàn thành.", "done", "Ok xong!", "Đã xong, gửi kèm báo cáo số 12",
		"\u0110a\u0303 xong"} { // decomposed (NFD) diacritics
		t.Run(text, func(t *testing.T) {
			e := newEnv(t, nil)
			id := e.remind(userAn.ID, kIII21)
			e.srv.PushReply(userAn.ID, userAn, id, text)
			e.poll()
			a := e.assignment(kIII21)
			if a.State != scheduler.StateDone || a.Note != text || a.DoneBy != "an" {
				t.Fatalf("after reply %q: %+v", text, a)
			}
			wantAudit(t, e, store.AuditEntry{Who: "an", Via: "reply", Assignment: kIII21, Action: "done", Note: text})
			contains(t, "confirmation", e.last(userAn.ID).Text, "Đã ghi nhận hoàn thành")
		})
	}
}

func TestReplyNotDone(t *testing.T) {
	for _, text := range []string{"xong chưa?", "xong chua", "cảm ơn", "okay"} {
		t.Run(text, func(t *testing.T) {
			e := newEnv(t, nil)
			id := e.remind(userAn.ID, kIII21)
			e.srv.PushReply(userAn.ID, userAn, id, text)
			e.poll()
			if a := e.assignment(kIII21); a.State != scheduler.StateOpen {
				t.Errorf("state %s", a.State)
			}
			contains(t, "hint", e.last(userAn.ID).Text, "trả lời tin nhắn bằng «xong»")
		})
	}
}

func TestEvidence(t *testing.T) {
	for _, withDir := range []bool{true, false} {
		t.Run(map[bool]string{true: "downloaded", false: "file id only"}[withDir], func(t *testing.T) {
			dir := ""
			if withDir {
				dir = t.TempDir()
			}
			e := newEnv(t, func(c *Config) { c.EvidenceDir = dir })
			id := e.remind(userAn.ID, kIII21)
			data := []byte("%PDF-1.4 quyết định số 12")
			e.pushFileReply(userAn.ID, userAn, id, "../Quyết định <12>.pdf", data)
			e.poll()
			a := e.assignment(kIII21)
			if len(a.Evidence) != 1 || a.State != scheduler.StateOpen {
				t.Fatalf("after the file: %+v", a)
			}
			ev := a.Evidence[0]
			if ev.FileID == "" || ev.Name != "../Quyết định <12>.pdf" || ev.By != "an" {
				t.Errorf("evidence %+v", ev)
			}
			if withDir {
				want := filepath.Join(dir, store.ShortID(kIII21), action.StoredName(ev.Name, data))
				if got, err := os.ReadFile(want); err != nil || !slices.Equal(got, data) || ev.Path != want {
					t.Errorf("copy at %q (%v), path %q", want, err, ev.Path)
				}
			} else if ev.Path != "" {
				t.Errorf("path %q without an evidence folder", ev.Path)
			}
			confirm := e.last(userAn.ID)
			contains(t, "confirmation", confirm.Text, "Đã lưu tài liệu «../Quyết định <12>.pdf»", "Bấm nút")
			if kb := e.keyboard(userAn.ID, confirm.MessageID); !slices.Equal(kb, []string{"d:" + store.ShortID(kIII21)}) {
				t.Fatalf("confirm keyboard %v", kb)
			}
			e.srv.PushCallback(userAn.ID, userAn, confirm.MessageID, "d:"+store.ShortID(kIII21))
			e.poll()
			if a := e.assignment(kIII21); a.State != scheduler.StateDone || a.Next != nil {
				t.Errorf("after confirming: %+v", a)
			}
			if kb := e.keyboard(userAn.ID, confirm.MessageID); len(kb) != 0 {
				t.Errorf("keyboard left after done: %v", kb)
			}
			wantAudit(t, e, store.AuditEntry{Who: "an", Via: "reply", Assignment: kIII21, Action: "evidence", Note: ev.Name},
				store.AuditEntry{Who: "an", Via: "button", Assignment: kIII21, Action: "done"})
		})
	}
}

func TestPhotoEvidence(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, func(c *Config) { c.EvidenceDir = dir; c.MaxEvidence = 10 })
	id := e.remind(userAn.ID, kIII21)
	e.pushPhotoReply(userAn.ID, userAn, id, []byte("not a real jpeg, over ten bytes"))
	e.poll()
	a := e.assignment(kIII21)
	if len(a.Evidence) != 1 || a.Evidence[0].Path != "" || a.Evidence[0].FileID == "" {
		t.Errorf("a photo over the size limit: %+v", a.Evidence)
	}
}

func TestDigestReplyAsksWhich(t *testing.T) {
	e := newEnv(t, nil)
	digest := e.remind(userAn.ID, kIII21, kIII221, kI5vp)
	e.srv.PushReply(userAn.ID, userAn, digest, "Đã xong")
	e.poll()
	q := e.last(userAn.ID)
	contains(t, "question", q.Text, "nhiệm vụ nào")
	// Each choice with its task's short text, escaped once.
	contains(t, "question", q.Text, "• III.2.1 — Rà soát <quy trình> nội bộ & \"một cửa\"")
	contains(t, "question", q.Text, "• III.2.2.1 — Ban hành quyết định công bố")
	contains(t, "question", q.Text, "• I.5 — Mỗi phòng có ít nhất một sáng kiến")
	want := []string{"d:" + store.ShortID(kIII21), "d:" + store.ShortID(kIII221), "d:" + store.ShortID(kI5vp)}
	if kb := e.keyboard(userAn.ID, q.MessageID); !slices.Equal(kb, want) {
		t.Fatalf("question keyboard %v, want %v", kb, want)
	}
	for _, k := range []string{kIII21, kIII221, kI5vp} {
		if e.assignment(k).State != scheduler.StateOpen {
			t.Fatalf("%s changed before the answer", k)
		}
	}
	e.srv.PushCallback(userAn.ID, userAn, q.MessageID, want[1])
	e.poll()
	if a := e.assignment(kIII221); a.State != scheduler.StateDone || a.Note != "Đã xong" {
		t.Errorf("chosen task: %+v", a)
	}
	if e.assignment(kIII21).State != scheduler.StateOpen || e.assignment(kI5vp).State != scheduler.StateOpen {
		t.Error("another task changed")
	}
	if kb := e.keyboard(userAn.ID, q.MessageID); len(kb) != 0 {
		t.Errorf("question keyboard left: %v", kb)
	}
	wantAudit(t, e, store.AuditEntry{Who: "an", Via: "button", Assignment: kIII221, Action: "done", Note: "Đã xong"})
}

func TestDigestReplyDocumentAsksWhich(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, func(c *Config) { c.EvidenceDir = dir })
	digest := e.remind(userAn.ID, kIII21, kIII221)
	e.pushFileReply(userAn.ID, userAn, digest, "bao-cao.pdf", []byte("báo cáo"))
	e.poll()
	q := e.last(userAn.ID)
	contains(t, "question", q.Text, "«bao-cao.pdf»", "nhiệm vụ nào")
	e.srv.PushCallback(userAn.ID, userAn, q.MessageID, "e:"+store.ShortID(kIII221))
	e.poll()
	a := e.assignment(kIII221)
	if len(a.Evidence) != 1 || a.Evidence[0].Name != "bao-cao.pdf" || a.Evidence[0].Path == "" {
		t.Fatalf("evidence %+v", a.Evidence)
	}
	if len(e.assignment(kIII21).Evidence) != 0 {
		t.Error("evidence on the other task")
	}
	contains(t, "confirmation", e.last(userAn.ID).Text, "Đã lưu tài liệu «bao-cao.pdf»")
}

// TestEvidenceSameNameTwoPeople: two different files with the same name,
// from two people, on one assignment: both are kept, each under its own
// path with its own content.
func TestEvidenceSameNameTwoPeople(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, func(c *Config) { c.EvidenceDir = dir })
	files := map[int64][]byte{userAn.ID: []byte("%PDF-1.4 báo cáo của Văn phòng"), userAdmin.ID: []byte("%PDF-1.4 bản sửa của quản trị")}
	for _, u := range []telegramtest.User{userAn, userAdmin} {
		id := e.remind(u.ID, kIII21)
		e.pushFileReply(u.ID, u, id, "Báo cáo.pdf", files[u.ID])
		e.poll()
		contains(t, "confirmation", e.last(u.ID).Text, "Đã lưu tài liệu «Báo cáo.pdf»")
	}
	evs := e.assignment(kIII21).Evidence
	if len(evs) != 2 || evs[0].Path == evs[1].Path || evs[0].By == evs[1].By {
		t.Fatalf("evidence %+v", evs)
	}
	for _, ev := range evs {
		want := files[userAn.ID]
		if ev.By != "an" {
			want = files[userAdmin.ID]
		}
		if got, err := os.ReadFile(ev.Path); err != nil || !slices.Equal(got, want) || ev.Name != "Báo cáo.pdf" {
			t.Errorf("%s's %q at %s: %q, %v", ev.By, ev.Name, ev.Path, got, err)
		}
	}
}

// TestReplyToCheckinIsProgressNote: a reply in words to a progress request
// is the task's progress note (what the engine reads as an answer: no
// second request), recorded and audited like /ghichu.
func TestReplyToCheckinIsProgressNote(t *testing.T) {
	e := newEnv(t, nil)
	a := e.assignment(kIII21)
	m := &notify.Message{ID: "checkin-1", Channel: notify.ChannelTelegram, Kind: notify.KindCheckin,
		To: notify.Recipient{ID: "an", Name: "Nguyễn Văn An", TelegramID: userAn.ID}, At: e.clock.Now(), Title: "Báo cáo tiến độ",
		Items: []notify.Item{{Kind: notify.KindCheckin, Assignment: kIII21, TaskID: a.TaskID, Occurrence: a.Occurrence, Unit: a.Unit,
			Text: "Rà soát", Due: a.DueDay.In(ict()), Ask: "tiến độ đến kỳ báo cáo quý III/2024 (chốt số liệu 14/09/2024)"}}}
	if _, err := e.tg.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	id := e.last(userAn.ID).MessageID
	const note = "Đã rà soát 12/20 quy trình, đạt 60%"
	e.srv.PushReply(userAn.ID, userAn, id, note)
	e.poll()
	a = e.assignment(kIII21)
	if a.State != scheduler.StateOpen || len(a.Notes) != 1 || a.Notes[0].Text != note || a.Notes[0].By != "an" {
		t.Fatalf("after the reply: state %s, notes %+v", a.State, a.Notes)
	}
	wantAudit(t, e, store.AuditEntry{Who: "an", Via: "reply", Assignment: kIII21, Action: "note", Note: note})
}
