package telegram

import (
	"bytes"
	"context"
	"errors"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
)

func TestNewReportsTheBot(t *testing.T) {
	_, n, _ := setup(t)
	if n.Username() != telegramtest.BotUsername || n.Bot().Self.ID != 123456789 {
		t.Errorf("bot = %q %d", n.Username(), n.Bot().Self.ID)
	}
	_, err := New(context.Background(), Config{Token: "bad"}, nil)
	if err == nil || err.Error() != "telegram: token: does not look like a bot token (digits, a colon, then letters, digits, '_' or '-')" {
		t.Errorf("New with a bad config: %v", err)
	}
}

func TestBotHelpers(t *testing.T) {
	srv, n, _ := setup(t)
	ctx := context.Background()
	lan := telegramtest.User{ID: 501, FirstName: "Lan"}
	doc := srv.PushDocument(501, lan, "minh-chung.pdf", "application/pdf", []byte("%PDF-1.7 minh chứng"), "")
	srv.PushCallback(501, lan, 1, "done:I.4.1")

	ups, err := n.GetUpdates(ctx, tgbotapi.UpdateConfig{Offset: 0, Timeout: 0})
	if err != nil || len(ups) != 2 || ups[0].Message.Document == nil || ups[1].CallbackQuery.Data != "done:I.4.1" {
		t.Fatalf("GetUpdates = %+v, %v", ups, err)
	}
	data, err := n.DownloadFile(ctx, doc.Message.Document.FileID, 1<<20)
	if err != nil || !bytes.Equal(data, []byte("%PDF-1.7 minh chứng")) {
		t.Errorf("DownloadFile = %q, %v", data, err)
	}
	if _, err := n.DownloadFile(ctx, doc.Message.Document.FileID, 4); err == nil {
		t.Error("a file over the limit was downloaded")
	}
	if _, err := n.Request(ctx, tgbotapi.NewCallback(ups[1].CallbackQuery.ID, "Đã ghi nhận")); err != nil {
		t.Errorf("answerCallbackQuery: %v", err)
	}
	_, err = n.Request(ctx, tgbotapi.NewCallback(ups[1].CallbackQuery.ID, "again"))
	var e *Error
	if !errors.As(err, &e) || e.Method != "answerCallbackQuery" || e.Code != 400 || e.Temporary {
		t.Errorf("second answer: %v", err)
	}
	if a := srv.Answers(); len(a) != 1 || a[0].Text != "Đã ghi nhận" {
		t.Errorf("answers = %+v", a)
	}

	// A second bot instance polling: the waiting poll is ended with 409.
	srv.Fail(telegramtest.Failure{Method: "getUpdates", Code: 409,
		Description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"})
	_, err = n.GetUpdates(ctx, tgbotapi.UpdateConfig{})
	if !errors.As(err, &e) || e.Code != 409 || e.Temporary {
		t.Errorf("conflict: %v", err)
	}
}
