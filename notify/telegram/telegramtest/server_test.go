package telegramtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

const token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

func newBot(t *testing.T) (*Server, *tgbotapi.BotAPI) {
	t.Helper()
	s := New(t, token)
	bot, err := tgbotapi.NewBotAPIWithClient(token, s.Endpoint(), http.DefaultClient)
	if err != nil {
		t.Fatalf("NewBotAPIWithClient: %v", err)
	}
	return s, bot
}

// post makes a raw call and returns the status and body.
func post(t *testing.T, rawURL, contentType, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(rawURL, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", rawURL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func asTG(t *testing.T, err error) *tgbotapi.Error {
	t.Helper()
	var e *tgbotapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *tgbotapi.Error", err, err)
	}
	return e
}

func TestGetMe(t *testing.T) {
	_, bot := newBot(t)
	if bot.Self.ID != 123456789 || !bot.Self.IsBot || bot.Self.UserName != BotUsername {
		t.Errorf("Self = %+v", bot.Self)
	}
}

func TestAuthAndRouting(t *testing.T) {
	s := New(t, token)
	tests := []struct {
		name, path string
		status     int
		body       string
	}{
		{"wrong token", "/bot987654:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/getMe", 401, `{"ok":false,"error_code":401,"description":"Unauthorized"}`},
		{"malformed token", "/botnot-a-token/getMe", 404, `{"ok":false,"error_code":404,"description":"Not Found"}`},
		{"unknown method", "/bot" + token + "/sendTelepathy", 404, `{"ok":false,"error_code":404,"description":"Not Found"}`},
		{"no bot prefix", "/getMe", 404, `{"ok":false,"error_code":404,"description":"Not Found"}`},
		{"method case-insensitive", "/bot" + token + "/GETME", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, s.URL()+tt.path, "application/x-www-form-urlencoded", "")
			if status != tt.status || tt.body != "" && body != tt.body {
				t.Errorf("status %d body %s, want %d %s", status, body, tt.status, tt.body)
			}
		})
	}
}

func TestSendMessageHTML(t *testing.T) {
	s, bot := newBot(t)
	msg := tgbotapi.NewMessage(42, `<b>[III.2.1]</b> Rà soát &lt;Quyết định&gt; &amp; &#34;Kế hoạch&#34;`)
	msg.ParseMode = tgbotapi.ModeHTML
	msg.DisableWebPagePreview = true
	got, err := bot.Send(msg)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	want := `[III.2.1] Rà soát <Quyết định> & "Kế hoạch"`
	if got.Text != want || got.MessageID != 1 || got.Chat.ID != 42 || got.Chat.Type != "private" || got.From.ID != 123456789 {
		t.Errorf("message = %+v", got)
	}
	if len(got.Entities) != 1 || got.Entities[0].Type != "bold" || got.Entities[0].Length != 9 {
		t.Errorf("entities = %+v", got.Entities)
	}
	sent := s.Sent()
	if len(sent) != 1 || sent[0].Text != want || sent[0].Raw != msg.Text || sent[0].ParseMode != "HTML" ||
		!sent[0].DisableWebPagePreview || sent[0].MessageID != 1 {
		t.Errorf("Sent = %+v", sent)
	}
	if got, _ := bot.Send(msg); got.MessageID != 2 {
		t.Errorf("second message id = %d, want 2", got.MessageID)
	}
}

func TestSendMessageRefusals(t *testing.T) {
	s, bot := newBot(t)
	long := strings.Repeat("đ", MaxTextLen+1)
	tests := []struct {
		name      string
		chat      int64
		text      string
		parseMode string
		markup    any
		setup     func()
		code      int
		desc      string
	}{
		{"bad html", 1, "<b>x<br></b>", "HTML", nil, nil, 400, `Bad Request: can't parse entities: Unsupported start tag "br" at byte offset 4`},
		{"empty", 1, "", "", nil, nil, 400, "Bad Request: message text is empty"},
		{"empty after parsing", 1, "<b> </b>\n", "HTML", nil, nil, 400, "Bad Request: message text is empty"},
		{"too long", 1, long, "", nil, nil, 400, "Bad Request: message is too long"},
		{"too long in utf-16", 1, strings.Repeat("😀", MaxTextLen/2+1), "", nil, nil, 400, "Bad Request: message is too long"},
		{"callback data", 1, "x", "", tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("Xong", strings.Repeat("a", 65)))), nil, 400, "Bad Request: BUTTON_DATA_INVALID"},
		{"null keyboard", 1, "x", "", tgbotapi.InlineKeyboardMarkup{}, nil, 400,
			`Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays`},
		{"blocked", 7, "x", "", nil, func() { s.BlockChat(7) }, 403, "Forbidden: bot was blocked by the user"},
		{"unknown", 8, "x", "", nil, func() { s.UnknownChat(8) }, 400, "Bad Request: chat not found"},
		{"deactivated", 9, "x", "", nil, func() { s.DeactivateUser(9) }, 403, "Forbidden: user is deactivated"},
		{"kicked", -5, "x", "", nil, func() { s.KickBot(-5) }, 403, "Forbidden: bot was kicked from the group chat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			msg := tgbotapi.NewMessage(tt.chat, tt.text)
			msg.ParseMode = tt.parseMode
			msg.ReplyMarkup = tt.markup
			_, err := bot.Send(msg)
			if e := asTG(t, err); e.Code != tt.code || e.Message != tt.desc {
				t.Errorf("error %d %q, want %d %q", e.Code, e.Message, tt.code, tt.desc)
			}
		})
	}
	if n := len(s.Sent()); n != 0 {
		t.Errorf("%d messages recorded as sent, want 0", n)
	}
	if _, err := bot.Send(tgbotapi.NewMessage(1, strings.Repeat("😀", MaxTextLen/2))); err != nil {
		t.Errorf("4096 UTF-16 units refused: %v", err)
	}
}

func TestMigratedAndKnownChats(t *testing.T) {
	s, bot := newBot(t)
	s.MigrateChat(-10, -1001234567890)
	_, err := bot.Send(tgbotapi.NewMessage(-10, "x"))
	if e := asTG(t, err); e.Code != 400 || e.MigrateToChatID != -1001234567890 {
		t.Errorf("migrated: %+v", e)
	}
	s.RequireKnownChats()
	if _, err := bot.Send(tgbotapi.NewMessage(50, "x")); asTG(t, err).Message != "Bad Request: chat not found" {
		t.Errorf("unknown chat accepted: %v", err)
	}
	s.AddChat(Chat{ID: 50, FirstName: "Lan"})
	s.PushText(51, User{ID: 51, FirstName: "Hùng"}, "/start")
	for _, id := range []int64{50, 51} {
		if _, err := bot.Send(tgbotapi.NewMessage(id, "x")); err != nil {
			t.Errorf("known chat %d refused: %v", id, err)
		}
	}
}

func TestJSONBody(t *testing.T) {
	s := New(t, token)
	body := `{"chat_id":-1001234567890,"text":"<i>Họp giao ban</i>","parse_mode":"HTML",
		"reply_markup":{"inline_keyboard":[[{"text":"Đã xong","callback_data":"done:I.4.1"}]]}}`
	status, resp := post(t, s.URL()+"/bot"+token+"/sendMessage", "application/json", body)
	if status != 200 {
		t.Fatalf("status %d: %s", status, resp)
	}
	var env struct {
		OK     bool
		Result Message
	}
	if err := json.Unmarshal([]byte(resp), &env); err != nil {
		t.Fatal(err)
	}
	m := env.Result
	if !env.OK || m.Text != "Họp giao ban" || m.Chat.Type != "supergroup" || m.ReplyMarkup == nil ||
		m.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "done:I.4.1" {
		t.Errorf("result = %+v", m)
	}
	sent := s.Sent()
	if len(sent) != 1 || sent[0].Keyboard == nil || sent[0].Keyboard.InlineKeyboard[0][0].Text != "Đã xong" {
		t.Errorf("sent = %+v", sent)
	}
	if req := s.Calls("sendMessage"); len(req) != 1 || req[0].Params["chat_id"] != "-1001234567890" || req[0].Status != 200 {
		t.Errorf("requests = %+v", req)
	}
}

func TestInjectedFailures(t *testing.T) {
	s := New(t, token)
	s.Fail(Failure{Method: "sendMessage", After: 1, Times: 2, Code: 429, RetryAfter: 5})
	s.BadGateway(1)
	form := url.Values{"chat_id": {"1"}, "text": {"x"}}.Encode()
	ct := "application/x-www-form-urlencoded"
	call := func(method string) (int, string) {
		return post(t, s.URL()+"/bot"+token+"/"+method, ct, form)
	}
	flood := `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}}`
	steps := []struct {
		method string
		status int
		body   string // prefix
	}{
		{"sendMessage", 200, `{"ok":true,"result":{"message_id":1,`},
		{"sendMessage", 429, flood},
		{"getMe", 502, "<html>\r\n<head><title>502 Bad Gateway</title>"},
		{"sendMessage", 429, flood},
		{"sendMessage", 200, `{"ok":true,"result":{"message_id":2,`},
	}
	for i, st := range steps {
		status, body := call(st.method)
		if status != st.status || !strings.HasPrefix(body, st.body) {
			t.Errorf("call %d %s: %d %s, want %d %s", i, st.method, status, body, st.status, st.body)
		}
	}
	if n := s.CountStatus(429); n != 2 {
		t.Errorf("CountStatus(429) = %d, want 2", n)
	}
}

func TestGatewayPageIsNotJSON(t *testing.T) {
	s, bot := newBot(t)
	s.BadGateway(1)
	_, err := bot.Send(tgbotapi.NewMessage(1, "x"))
	var syntax *json.SyntaxError
	if !errors.As(err, &syntax) {
		t.Errorf("error %v (%T), want a JSON syntax error as from a real gateway", err, err)
	}
}

func TestEdits(t *testing.T) {
	s, bot := newBot(t)
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Xong", "done")))
	msg := tgbotapi.NewMessage(3, "Nhắc việc")
	msg.ReplyMarkup = kb
	m, err := bot.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	edit := tgbotapi.NewEditMessageTextAndMarkup(3, m.MessageID, "<b>Đã xong</b>", kb)
	edit.ParseMode = tgbotapi.ModeHTML
	if got, err := bot.Send(edit); err != nil || got.Text != "Đã xong" || got.EditDate == 0 {
		t.Fatalf("edit = %+v, %v", got, err)
	}
	if _, err := bot.Send(edit); asTG(t, err).Message != "Bad Request: "+notModified {
		t.Errorf("same edit: %v", err)
	}
	remove := tgbotapi.NewEditMessageReplyMarkup(3, m.MessageID, tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}})
	if _, err := bot.Request(remove); err != nil {
		t.Fatalf("remove keyboard: %v", err)
	}
	if cur, ok := s.Message(3, m.MessageID); !ok || cur.ReplyMarkup != nil || cur.Text != "Đã xong" {
		t.Errorf("message now %+v", cur)
	}
	if _, err := bot.Send(tgbotapi.NewEditMessageText(3, 99, "x")); asTG(t, err).Message != "Bad Request: message to edit not found" {
		t.Errorf("missing message: %v", err)
	}
	if _, err := bot.Request(tgbotapi.NewDeleteMessage(3, m.MessageID)); err != nil {
		t.Errorf("delete: %v", err)
	}
	if _, ok := s.Message(3, m.MessageID); ok {
		t.Error("deleted message still there")
	}
}

func TestCommands(t *testing.T) {
	s, bot := newBot(t)
	cmds := []tgbotapi.BotCommand{{Command: "viec", Description: "Việc của tôi"}, {Command: "xong", Description: "Báo đã xong"}}
	if _, err := bot.Request(tgbotapi.NewSetMyCommands(cmds...)); err != nil {
		t.Fatal(err)
	}
	got, err := bot.GetMyCommands()
	if err != nil || len(got) != 2 || got[1] != cmds[1] {
		t.Errorf("GetMyCommands = %+v, %v", got, err)
	}
	if c := s.Commands(BotCommandScope{}, ""); len(c) != 2 || c[0].Description != "Việc của tôi" {
		t.Errorf("Commands = %+v", c)
	}
	_, err = bot.Request(tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "Việc", Description: "x"}))
	if asTG(t, err).Message != "Bad Request: BOT_COMMAND_INVALID" {
		t.Errorf("invalid command: %v", err)
	}
}

func TestLimits(t *testing.T) {
	s, bot := newBot(t)
	t0 := time.Date(2024, 12, 2, 8, 0, 0, 0, time.UTC)
	now := t0
	s.SetClock(func() time.Time { return now })
	s.EnforceLimits(Limits{})
	send := func(at time.Duration, chat int64) int { // retry_after, 0 when accepted
		t.Helper()
		now = t0.Add(at)
		_, err := bot.Send(tgbotapi.NewMessage(chat, "x"))
		if err == nil {
			return 0
		}
		e := asTG(t, err)
		if e.Code != 429 || e.Message != fmt.Sprintf("Too Many Requests: retry after %d", e.RetryAfter) {
			t.Fatalf("error %+v, want a flood wait", e)
		}
		return e.RetryAfter
	}
	// 30 a second overall, as a burst: 30 chats at once (one more within
	// the slack), not 32.
	for chat := int64(1); chat <= 31; chat++ {
		if r := send(0, chat); r != 0 {
			t.Fatalf("chat %d of a burst of 31: retry after %d", chat, r)
		}
	}
	if r := send(0, 32); r != 1 {
		t.Errorf("32nd message at once: retry after %d, want 1", r)
	}
	// One a second to a chat.
	if r := send(500*time.Millisecond, 1); r != 1 {
		t.Errorf("chat 1 again after 0.5s: retry after %d, want 1", r)
	}
	if r := send(960*time.Millisecond, 1); r != 0 {
		t.Errorf("chat 1 again after 0.96s (within the slack): retry after %d", r)
	}
	// 20 a minute to a group: a bucket of 20 refilled every 3s, so one a
	// second holds 29 seconds, then waits.
	sent := 0
	for i := range 40 {
		if r := send(2*time.Second+time.Duration(i)*time.Second, -100); r != 0 {
			if r != 1 {
				t.Errorf("group refused with retry after %d, want 1", r)
			}
			break
		}
		sent++
	}
	if sent != 29 {
		t.Errorf("group took %d messages at one a second, want 29", sent)
	}
	if r := send(2*time.Second+29*time.Second+950*time.Millisecond, -100); r != 0 {
		t.Errorf("group after its wait: retry after %d", r)
	}
}
