package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/scheduler"
)

// TestSlowDownloadDoesNotDelayOtherChats: An replies to a reminder with a
// file whose download hangs (the fake holds it), then asks /viec; Bình
// asks /viec after both. Bình's answer is sent while An's download is
// still held; An's own updates keep their order: the file's confirmation,
// then the list.
func TestSlowDownloadDoesNotDelayOtherChats(t *testing.T) {
	handled := make(chan string, 10)
	e := newEnv(t, func(c *Config) {
		c.EvidenceDir = t.TempDir()
		c.OnUpdate = func(kind string) { handled <- kind }
	})
	id := e.remind(userAn.ID, kIII21)
	e.pushFileReply(userAn.ID, userAn, id, "bao-cao.pdf", []byte("%PDF-1.4 báo cáo"))
	e.srv.PushText(userAn.ID, userAn, "/viec")
	e.srv.PushText(userBinh.ID, userBinh, "/viec")
	started, release := e.srv.HoldDownloads()
	defer release()
	type result struct {
		n   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, err := e.bot.Poll(context.Background())
		done <- result{n, err}
	}()
	<-started // An's download is under way, and held
	// A guard against a hang, not a measure: with one update at a time
	// nothing else is ever handled while the download is held.
	select {
	case kind := <-handled:
		if kind != "command" {
			t.Fatalf("first update handled: %s, want Bình's command", kind)
		}
	case <-time.After(time.Minute):
		t.Fatal("no other chat's update was handled while a download was held")
	}
	contains(t, "Bình's answer", e.last(userBinh.ID).Text, "Nhiệm vụ đang mở của Phòng Quản lý thương mại", "II.1")
	if n := len(e.srv.SentTo(userAn.ID)); n != 1 {
		t.Errorf("%d messages to An while the download is held, want the reminder only", n)
	}
	release()
	r := <-done
	if r.err != nil || r.n != 3 {
		t.Fatalf("Poll = %d, %v; want 3", r.n, r.err)
	}
	sent := e.srv.SentTo(userAn.ID)
	if len(sent) != 3 || !strings.Contains(sent[1].Text, "Đã lưu tài liệu «bao-cao.pdf»") ||
		!strings.Contains(sent[2].Text, "Nhiệm vụ đang mở của Văn phòng Sở") {
		t.Errorf("An's messages out of order: %q", texts(sent))
	}
	if a := e.assignment(kIII21); len(a.Evidence) != 1 || a.Evidence[0].Path == "" || a.State != scheduler.StateOpen {
		t.Errorf("evidence not downloaded: %+v", a.Evidence)
	}
}
