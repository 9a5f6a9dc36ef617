package telegramtest

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"runtime"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

var lan = User{ID: 501, FirstName: "Lan", LastName: "Nguyễn", Username: "lan_vp"}

func TestUpdatesOfEveryKind(t *testing.T) {
	s, bot := newBot(t)
	sent, err := bot.Send(tgbotapi.NewMessage(501, "Nhắc việc: [I.4.1]"))
	if err != nil {
		t.Fatal(err)
	}
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, image.NewGray(image.Rect(0, 0, 3, 2))); err != nil {
		t.Fatal(err)
	}
	s.PushText(501, lan, "/xong@"+BotUsername+" I.4.1")
	s.PushReply(501, lan, sent.MessageID, "Đã gửi báo cáo")
	s.PushDocument(501, lan, "bao-cao.pdf", "application/pdf", []byte("%PDF-1.4"), "Báo cáo quý")
	s.PushPhoto(501, lan, pngData.Bytes(), "")
	s.PushCallback(501, lan, sent.MessageID, "done:I.4.1")

	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: 0, Limit: 100})
	if err != nil || len(ups) != 5 {
		t.Fatalf("GetUpdates = %d updates, %v", len(ups), err)
	}
	for i := 1; i < len(ups); i++ {
		if ups[i].UpdateID != ups[i-1].UpdateID+1 {
			t.Errorf("update ids not consecutive: %d then %d", ups[i-1].UpdateID, ups[i].UpdateID)
		}
	}
	cmd := ups[0].Message
	if !cmd.IsCommand() || cmd.Command() != "xong" || cmd.CommandArguments() != "I.4.1" || cmd.From.ID != 501 ||
		cmd.Chat.Type != "private" || cmd.Chat.FirstName != "Lan" {
		t.Errorf("command message = %+v", cmd)
	}
	if r := ups[1].Message; r.ReplyToMessage == nil || r.ReplyToMessage.MessageID != sent.MessageID ||
		r.ReplyToMessage.Text != "Nhắc việc: [I.4.1]" || r.Text != "Đã gửi báo cáo" {
		t.Errorf("reply = %+v", r)
	}
	doc := ups[2].Message.Document
	if doc == nil || doc.FileName != "bao-cao.pdf" || doc.MimeType != "application/pdf" || ups[2].Message.Caption != "Báo cáo quý" {
		t.Fatalf("document = %+v", ups[2].Message)
	}
	if ph := ups[3].Message.Photo; len(ph) != 1 || ph[0].Width != 3 || ph[0].Height != 2 {
		t.Errorf("photo = %+v", ph)
	}
	cb := ups[4].CallbackQuery
	if cb == nil || cb.Data != "done:I.4.1" || cb.Message.MessageID != sent.MessageID || cb.From.ID != 501 {
		t.Fatalf("callback = %+v", cb)
	}

	// Files: getFile, then download from the file endpoint.
	f, err := bot.GetFile(tgbotapi.FileConfig{FileID: doc.FileID})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(fmt.Sprintf(s.FileEndpoint(), token, f.FilePath))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(data) != "%PDF-1.4" {
		t.Errorf("download: %d %q", resp.StatusCode, data)
	}
	if _, err := bot.GetFile(tgbotapi.FileConfig{FileID: "nope"}); asTG(t, err).Message != "Bad Request: invalid file_id" {
		t.Errorf("unknown file: %v", err)
	}

	// Callback answers: once only.
	if _, err := bot.Request(tgbotapi.NewCallback(cb.ID, "Đã ghi nhận")); err != nil {
		t.Fatalf("answer: %v", err)
	}
	_, err = bot.Request(tgbotapi.NewCallback(cb.ID, "again"))
	if asTG(t, err).Message != "Bad Request: query is too old and response timeout expired or query ID is invalid" {
		t.Errorf("second answer: %v", err)
	}
	if a := s.Answers(); len(a) != 1 || a[0].Text != "Đã ghi nhận" {
		t.Errorf("answers = %+v", a)
	}

	// Offsets confirm updates.
	ups, err = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: ups[2].UpdateID})
	if err != nil || len(ups) != 3 {
		t.Errorf("after offset: %d updates, %v", len(ups), err)
	}
	if _, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: ups[2].UpdateID + 1}); err != nil || s.Pending() != 0 {
		t.Errorf("all confirmed: pending %d, %v", s.Pending(), err)
	}
}

// waitPolling blocks until a getUpdates call is waiting in the server.
func waitPolling(s *Server, old *poller) *poller {
	for {
		s.mu.Lock()
		p := s.poll
		s.mu.Unlock()
		if p != nil && p != old {
			return p
		}
		runtime.Gosched()
	}
}

func TestLongPollWakesOnPush(t *testing.T) {
	s, bot := newBot(t)
	got := make(chan []tgbotapi.Update, 1)
	go func() {
		ups, _ := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 5})
		got <- ups
	}()
	waitPolling(s, nil)
	s.PushText(501, lan, "xin chào")
	if ups := <-got; len(ups) != 1 || ups[0].Message.Text != "xin chào" {
		t.Errorf("long poll returned %+v, want the pushed update", ups)
	}
}

func TestSecondPollerConflicts(t *testing.T) {
	s, bot := newBot(t)
	first := make(chan error, 1)
	go func() {
		_, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 5})
		first <- err
	}()
	p := waitPolling(s, nil)
	second := make(chan []tgbotapi.Update, 1)
	go func() {
		ups, _ := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 5})
		second <- ups
	}()
	err := <-first
	if e := asTG(t, err); e.Code != 409 ||
		e.Message != "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running" {
		t.Errorf("first poller: %+v", e)
	}
	waitPolling(s, p)
	s.PushText(501, lan, "x")
	if ups := <-second; len(ups) != 1 {
		t.Errorf("second poller got %d updates, want 1", len(ups))
	}
}

func TestWebhookBlocksPolling(t *testing.T) {
	s, bot := newBot(t)
	wh, _ := tgbotapi.NewWebhook("https://example.vn/hook")
	if _, err := bot.Request(wh); err != nil {
		t.Fatal(err)
	}
	_, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if e := asTG(t, err); e.Code != 409 {
		t.Errorf("getUpdates with a webhook: %+v", e)
	}
	s.PushText(501, lan, "x")
	if _, err := bot.Request(tgbotapi.DeleteWebhookConfig{DropPendingUpdates: true}); err != nil {
		t.Fatal(err)
	}
	if ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{}); err != nil || len(ups) != 0 {
		t.Errorf("after deleteWebhook with drop: %d updates, %v", len(ups), err)
	}
}

func TestSendDocument(t *testing.T) {
	s, bot := newBot(t)
	doc := tgbotapi.NewDocument(-100, tgbotapi.FileBytes{Name: "ke-hoach.xlsx", Bytes: []byte("PK\x03\x04")})
	doc.Caption = "<b>Kế hoạch</b> 60/KH-SCT"
	doc.ParseMode = tgbotapi.ModeHTML
	m, err := bot.Send(doc)
	if err != nil {
		t.Fatal(err)
	}
	if m.Document == nil || m.Document.FileName != "ke-hoach.xlsx" || m.Caption != "Kế hoạch 60/KH-SCT" {
		t.Errorf("message = %+v", m)
	}
	if data, ok := s.FileData(m.Document.FileID); !ok || string(data) != "PK\x03\x04" {
		t.Errorf("stored file = %q", data)
	}
	if sent := s.SentTo(-100); len(sent) != 1 || sent[0].Method != "sendDocument" || sent[0].Document == nil {
		t.Errorf("sent = %+v", sent)
	}
}
