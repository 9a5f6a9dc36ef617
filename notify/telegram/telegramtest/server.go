// Package telegramtest is a fake Telegram Bot API server for tests. It
// answers like api.telegram.org: the same JSON envelopes, HTTP statuses and
// error descriptions, the same HTML parsing and length limit, long-polled
// getUpdates with its 409 conflict, file downloads, and on demand the
// failures that matter to a sender: flood waits (429), blocked and unknown
// chats, a gateway's HTML 502, and Telegram's rate limits.
//
// All chats exist by default; RequireKnownChats makes every chat not added
// with AddChat or seen in a pushed update answer "chat not found".
package telegramtest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a running fake Bot API server. Its methods are safe for
// concurrent use.
type Server struct {
	token string
	bot   User
	srv   *httptest.Server

	mu        sync.Mutex
	now       func() time.Time
	lenient   bool
	knownOnly bool
	chats     map[int64]*chatState
	failures  []*Failure
	limits    *limiter
	requests  []Request
	sent      []Sent
	messages  map[msgKey]*Message
	nextMsgID map[int64]int
	commands  map[string][]BotCommand
	callbacks map[string]*callbackState
	answers   []CallbackAnswer
	files     map[string]*storedFile // by file_id
	paths     map[string]*storedFile // by file_path
	nextFile  int
	updates   []Update
	nextUpd   int
	arrived   chan struct{} // closed and replaced when an update is pushed
	poll      *poller       // the getUpdates call waiting now, if any
	webhook   string
	closed    chan struct{}
	hold      *hold // downloads held by HoldDownloads, if any
}

type msgKey struct {
	chat int64
	id   int
}

// BotUsername is the username of the fake bot, as getMe reports it.
const BotUsername = "nhacviec_test_bot"

var tokenPattern = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)

// New starts a fake server for the bot token and stops it when the test
// ends. The token must look like a real one ("123456:ABC-def"): the number
// before the colon is the bot's user id.
func New(tb testing.TB, token string) *Server {
	tb.Helper()
	if !tokenPattern.MatchString(token) {
		tb.Fatalf("telegramtest: token %q does not look like a bot token", token)
	}
	id, _ := strconv.ParseInt(token[:strings.IndexByte(token, ':')], 10, 64)
	s := &Server{
		token: token,
		bot: User{ID: id, IsBot: true, FirstName: "Nhắc việc (thử nghiệm)", Username: BotUsername,
			CanJoinGroups: true},
		now:       time.Now,
		chats:     map[int64]*chatState{},
		messages:  map[msgKey]*Message{},
		nextMsgID: map[int64]int{},
		commands:  map[string][]BotCommand{},
		callbacks: map[string]*callbackState{},
		files:     map[string]*storedFile{},
		paths:     map[string]*storedFile{},
		nextUpd:   100000001,
		arrived:   make(chan struct{}),
		closed:    make(chan struct{}),
	}
	s.srv = httptest.NewServer(s)
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server; a waiting getUpdates returns at once. Tests need
// not call it: New registers it with tb.Cleanup.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.closed:
	default:
		close(s.closed)
	}
	s.mu.Unlock()
	s.srv.Close()
}

// URL is the server's base URL, "http://127.0.0.1:port".
func (s *Server) URL() string { return s.srv.URL }

// Endpoint is the API endpoint format for tgbotapi.NewBotAPIWithClient:
// "http://127.0.0.1:port/bot%s/%s".
func (s *Server) Endpoint() string { return s.srv.URL + "/bot%s/%s" }

// FileEndpoint is the file download format: "http://127.0.0.1:port/file/bot%s/%s".
func (s *Server) FileEndpoint() string { return s.srv.URL + "/file/bot%s/%s" }

// String describes the server for test failure messages.
func (s *Server) String() string { return fmt.Sprintf("telegramtest.Server(%s)", s.srv.URL) }

// Bot is the fake bot's own user, as getMe returns it.
func (s *Server) Bot() User { return s.bot }

// SetClock replaces the clock used for message dates and rate limits.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// SetLenientEntities makes HTML parsing accept a bare '&' and entities
// without ';' as Telegram does; by default they are refused (see ParseHTML).
func (s *Server) SetLenientEntities(lenient bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lenient = lenient
}

// apiError is a failed call as the Bot API reports it.
type apiError struct {
	code   int
	desc   string
	params *ResponseParameters
}

func badRequest(desc string) *apiError { return &apiError{code: 400, desc: "Bad Request: " + desc} }

type envelope struct {
	OK          bool                `json:"ok"`
	Result      any                 `json:"result,omitempty"`
	ErrorCode   int                 `json:"error_code,omitempty"`
	Description string              `json:"description,omitempty"`
	Parameters  *ResponseParameters `json:"parameters,omitempty"`
}

// call is one request to a method.
type call struct {
	method string // canonical name, "sendMessage"
	params map[string]string
	files  map[string]upload
	req    *http.Request
}

type upload struct {
	name string
	mime string
	data []byte
}

type methodFunc func(s *Server, c *call) (any, *apiError)

// lookup finds a method by its name, which Telegram reads case-insensitively,
// and returns its canonical name and handler. Handlers run with s.mu held;
// getUpdates has none, as it waits outside the lock.
func lookup(name string) (string, methodFunc, bool) {
	for _, m := range []struct {
		name string
		fn   methodFunc
	}{
		{"getMe", (*Server).getMe},
		{"sendMessage", (*Server).sendMessage},
		{"editMessageText", (*Server).editMessageText},
		{"editMessageReplyMarkup", (*Server).editMessageReplyMarkup},
		{"deleteMessage", (*Server).deleteMessage},
		{"sendChatAction", (*Server).sendChatAction},
		{"sendDocument", (*Server).sendDocument},
		{"answerCallbackQuery", (*Server).answerCallbackQuery},
		{"setMyCommands", (*Server).setMyCommands},
		{"getMyCommands", (*Server).getMyCommands},
		{"deleteMyCommands", (*Server).deleteMyCommands},
		{"getFile", (*Server).getFile},
		{"setWebhook", (*Server).setWebhook},
		{"deleteWebhook", (*Server).deleteWebhook},
		{"getWebhookInfo", (*Server).getWebhookInfo},
		{"getUpdates", nil},
	} {
		if strings.EqualFold(m.name, name) {
			return m.name, m.fn, true
		}
	}
	return "", nil, false
}

// ServeHTTP answers one Bot API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		s.download(w, rest)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	if !ok {
		writeJSON(w, http.StatusNotFound, envelope{ErrorCode: 404, Description: "Not Found"})
		return
	}
	token, name, _ := strings.Cut(rest, "/")
	if token != s.token {
		if tokenPattern.MatchString(token) {
			writeJSON(w, http.StatusUnauthorized, envelope{ErrorCode: 401, Description: "Unauthorized"})
		} else {
			writeJSON(w, http.StatusNotFound, envelope{ErrorCode: 404, Description: "Not Found"})
		}
		return
	}
	method, fn, ok := lookup(name)
	if !ok {
		writeJSON(w, http.StatusNotFound, envelope{ErrorCode: 404, Description: "Not Found"})
		return
	}
	c := &call{method: method, req: r}
	if err := c.parse(r); err != nil {
		s.mu.Lock()
		s.record(c, err.code)
		s.mu.Unlock()
		writeError(w, err)
		return
	}

	s.mu.Lock()
	chatID, _ := strconv.ParseInt(c.params["chat_id"], 10, 64)
	if f := s.injected(c.method, chatID); f != nil {
		s.record(c, f.status())
		s.mu.Unlock()
		f.write(w)
		return
	}
	if fn == nil {
		s.mu.Unlock()
		s.getUpdates(w, c)
		return
	}
	result, apiErr := fn(s, c)
	if apiErr != nil {
		s.record(c, apiErr.code)
	} else {
		s.record(c, http.StatusOK)
	}
	s.mu.Unlock()
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	writeJSON(w, http.StatusOK, envelope{OK: true, Result: result})
}

// parse reads the parameters from the query string and from a form, a
// multipart form or a JSON object body, as Telegram accepts all of them.
// JSON values that are not strings are kept as their JSON text, the way
// form clients send them (reply_markup, commands).
func (c *call) parse(r *http.Request) *apiError {
	c.params = map[string]string{}
	c.files = map[string]upload{}
	for k, v := range r.URL.Query() {
		c.params[k] = v[0]
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return badRequest("can't read request body")
		}
		if len(strings.TrimSpace(string(body))) == 0 {
			return nil
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			return badRequest("can't parse JSON object")
		}
		for k, raw := range obj {
			var str string
			if json.Unmarshal(raw, &str) == nil {
				c.params[k] = str
			} else if string(raw) != "null" {
				c.params[k] = string(raw)
			}
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(64 << 20); err != nil {
			return badRequest("can't parse multipart form")
		}
		for k, v := range r.MultipartForm.Value {
			c.params[k] = v[0]
		}
		for k, fhs := range r.MultipartForm.File {
			f, err := fhs[0].Open()
			if err != nil {
				return badRequest("can't read file " + k)
			}
			data, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return badRequest("can't read file " + k)
			}
			c.files[k] = upload{name: fhs[0].Filename, mime: fhs[0].Header.Get("Content-Type"), data: data}
		}
	default:
		if err := r.ParseForm(); err != nil {
			return badRequest("can't parse request form")
		}
		for k, v := range r.PostForm {
			c.params[k] = v[0]
		}
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v envelope) {
	body, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: encoding a reply: %v", err))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.code, envelope{ErrorCode: e.code, Description: e.desc, Parameters: e.params})
}

// Parameter helpers, each answering like Telegram when a value is bad.

func (c *call) int64Param(name string) (int64, bool, *apiError) {
	v, ok := c.params[name]
	if !ok || v == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, true, badRequest(fmt.Sprintf("invalid %s specified", name))
	}
	return n, true, nil
}

func (c *call) intParam(name string) (int, *apiError) {
	n, _, err := c.int64Param(name)
	return int(n), err
}

func (c *call) boolParam(name string) bool {
	b, _ := strconv.ParseBool(c.params[name])
	return b
}
