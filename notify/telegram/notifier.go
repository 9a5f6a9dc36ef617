// Package telegram delivers notifications through a Telegram bot. It
// renders a notify.Message as HTML split to Telegram's size limit, keeps to
// Telegram's rate limits, sorts failures into temporary and permanent ones
// (ErrChatUnreachable lets the pipeline fall back to e-mail), reaches the
// Bot API through a configurable endpoint and proxy (Telegram is blocked in
// Vietnam), and keeps the bot token out of every error and log line.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Notifier sends notifications and other messages through one bot. It is
// safe for concurrent use; callers share its rate limiter, so a process
// needs one Notifier per bot. Reaching 30 messages a second when a round
// trip to Telegram takes over 33 ms needs several concurrent callers.
type Notifier struct {
	cfg    Config
	bot    *tgbotapi.BotAPI
	http   *http.Client
	log    *slog.Logger
	clock  Clock
	limits *limiter
	red    redactor
	hooks  hooks

	mu       sync.Mutex
	progress map[string]progress // split messages partly sent, by message ID
}

// New checks cfg, builds the HTTP client (proxy, timeouts) and asks the Bot
// API who the bot is (getMe), which proves the token and the route. A nil
// logger discards.
func New(ctx context.Context, cfg Config, logger *slog.Logger, opts ...Option) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	proxy, _ := parseProxy(cfg.Proxy) // checked by Validate
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if proxy != nil {
		tr.Proxy = http.ProxyURL(proxy)
	}
	tr.TLSHandshakeTimeout = min(cfg.Timeout, 10*time.Second)
	// Keep a connection per concurrent sender: through a proxy, a new TLS
	// connection costs several round trips.
	tr.MaxIdleConnsPerHost = 16
	n := &Notifier{
		cfg: cfg,
		// No Client.Timeout: it would cut long polls. Every call gets its
		// own deadline from cfg.Timeout instead.
		http:     &http.Client{Transport: tr},
		log:      logger,
		clock:    realClock{},
		red:      redactor{token: cfg.Token},
		progress: map[string]progress{},
	}
	for _, o := range opts {
		o(n)
	}
	n.limits = newLimiter(n.clock, cfg)
	routeLibraryLog(logger, n.red)

	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	bot, err := tgbotapi.NewBotAPIWithClient(cfg.Token, cfg.APIEndpoint, ctxClient{ctx: ctx, c: n.http})
	if err != nil {
		err = classify("getMe", 0, n.red.error(err))
		var e *Error
		if errors.As(err, &e) {
			switch e.Code {
			case http.StatusUnauthorized:
				return nil, fmt.Errorf("telegram: the Bot API refused the bot token (check token): %w", err)
			case http.StatusNotFound:
				return nil, fmt.Errorf("telegram: the Bot API does not know this token or address (check token and api_endpoint): %w", err)
			}
		}
		return nil, fmt.Errorf("telegram: connecting to the Bot API: %w", err)
	}
	bot.Client = n.http
	n.bot = bot
	logger.Info("telegram bot connected", "username", bot.Self.UserName, "config", cfg)
	return n, nil
}

// Bot is the underlying library client, for what this package does not
// wrap. Its HTTP client has the proxy but no overall timeout; its errors
// hold the token: pass them through Redact before logging.
func (n *Notifier) Bot() *tgbotapi.BotAPI { return n.bot }

// Username is the bot's username, without '@'.
func (n *Notifier) Username() string { return n.bot.Self.UserName }

// Redact removes the bot token from an error of the library.
func (n *Notifier) Redact(err error) error { return n.red.error(err) }

// HTTPClient is the client used for the Bot API, with the configured proxy.
func (n *Notifier) HTTPClient() *http.Client { return n.http }

// ctxClient gives every request of the library a context: the library
// builds its requests without one, so they could not be cancelled.
type ctxClient struct {
	ctx context.Context
	c   *http.Client
}

func (c ctxClient) Do(req *http.Request) (*http.Response, error) {
	return c.c.Do(req.WithContext(c.ctx))
}

// bound returns a copy of the bot whose requests carry ctx. The copy shares
// everything but the HTTP client wrapper, and lives for one call.
func (n *Notifier) bound(ctx context.Context) *tgbotapi.BotAPI {
	b := *n.bot
	b.Client = ctxClient{ctx: ctx, c: n.http}
	return &b
}

// Request makes one Bot API call with ctx and the configured timeout
// (plus the poll time for getUpdates), without rate limiting. Failures are
// *Error, classified as for Notify.
func (n *Notifier) Request(ctx context.Context, c tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	timeout := n.cfg.Timeout
	if u, ok := c.(tgbotapi.UpdateConfig); ok {
		timeout += time.Duration(u.Timeout) * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp, err := n.bound(ctx).Request(c)
	if err != nil {
		return nil, classify(methodOf(c), chatOf(c), n.red.error(err))
	}
	return resp, nil
}

// Probe tells whether the Bot API answers (getMe).
func (n *Notifier) Probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	if _, err := n.bound(ctx).MakeRequest("getMe", nil); err != nil {
		return classify("getMe", 0, n.red.error(err))
	}
	return nil
}

// GetUpdates long-polls for updates; ctx cancels the poll.
func (n *Notifier) GetUpdates(ctx context.Context, cfg tgbotapi.UpdateConfig) ([]tgbotapi.Update, error) {
	resp, err := n.Request(ctx, cfg)
	if err != nil {
		return nil, err
	}
	var ups []tgbotapi.Update
	if err := json.Unmarshal(resp.Result, &ups); err != nil {
		return nil, &Error{Method: "getUpdates", Description: "unreadable answer: " + err.Error(), Temporary: true, err: err}
	}
	return ups, nil
}

// DownloadFile fetches a file a user sent (getFile, then the file
// endpoint), refusing files over limit bytes.
func (n *Notifier) DownloadFile(ctx context.Context, fileID string, limit int64) ([]byte, error) {
	resp, err := n.Request(ctx, tgbotapi.FileConfig{FileID: fileID})
	if err != nil {
		return nil, err
	}
	var f tgbotapi.File
	if err := json.Unmarshal(resp.Result, &f); err != nil || f.FilePath == "" {
		return nil, &Error{Method: "getFile", Description: "answer without file_path", err: err}
	}
	if f.FileSize > 0 && int64(f.FileSize) > limit {
		return nil, &Error{Method: "getFile", Description: fmt.Sprintf("file is %d bytes, over the limit of %d", f.FileSize, limit)}
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf(n.cfg.FileEndpoint, n.cfg.Token, f.FilePath), nil)
	if err != nil {
		return nil, classify("download", 0, n.red.error(err))
	}
	res, err := n.http.Do(req)
	if err != nil {
		return nil, classify("download", 0, n.red.error(err))
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, &Error{Method: "download", Code: res.StatusCode, Description: res.Status, Temporary: res.StatusCode >= 500}
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, limit+1))
	if err != nil {
		return nil, classify("download", 0, n.red.error(err))
	}
	if int64(len(data)) > limit {
		return nil, &Error{Method: "download", Description: fmt.Sprintf("file is over the limit of %d bytes", limit)}
	}
	return data, nil
}

// methodOf names the Bot API method of c, from the library's config types.
func methodOf(c tgbotapi.Chattable) string {
	switch c.(type) {
	case tgbotapi.MessageConfig:
		return "sendMessage"
	case tgbotapi.EditMessageTextConfig:
		return "editMessageText"
	case tgbotapi.EditMessageReplyMarkupConfig:
		return "editMessageReplyMarkup"
	case tgbotapi.CallbackConfig:
		return "answerCallbackQuery"
	case tgbotapi.UpdateConfig:
		return "getUpdates"
	case tgbotapi.FileConfig:
		return "getFile"
	case tgbotapi.SetMyCommandsConfig:
		return "setMyCommands"
	case tgbotapi.DeleteMessageConfig:
		return "deleteMessage"
	case tgbotapi.DocumentConfig:
		return "sendDocument"
	default:
		return fmt.Sprintf("%T", c)
	}
}

// chatOf is the chat a call is for, when the config names one.
func chatOf(c tgbotapi.Chattable) int64 {
	switch v := c.(type) {
	case tgbotapi.MessageConfig:
		return v.ChatID
	case tgbotapi.EditMessageTextConfig:
		return v.ChatID
	case tgbotapi.EditMessageReplyMarkupConfig:
		return v.ChatID
	case tgbotapi.DeleteMessageConfig:
		return v.ChatID
	case tgbotapi.DocumentConfig:
		return v.ChatID
	default:
		return 0
	}
}
