package telegram

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// redacted replaces a secret in text.
const redacted = "[redacted]"

// tokenLike matches what looks like any bot token, for text that may carry
// a token this process does not know about.
var tokenLike = regexp.MustCompile(`[0-9]{3,}:[A-Za-z0-9_-]{30,}`)

// redactor removes a bot token from text and errors. Every Bot API URL holds
// the token, and net/http quotes the URL in its errors.
type redactor struct {
	token string
}

// string returns s without the token, plain or URL-escaped, nor anything
// shaped like a token.
func (r redactor) string(s string) string {
	if r.token != "" {
		s = strings.ReplaceAll(s, r.token, redacted)
		if esc := url.PathEscape(r.token); esc != r.token {
			s = strings.ReplaceAll(s, esc, redacted)
		}
		if esc := url.QueryEscape(r.token); esc != r.token {
			s = strings.ReplaceAll(s, esc, redacted)
		}
	}
	return tokenLike.ReplaceAllString(s, redacted)
}

// error returns err with the token removed from its text and from the text
// of every error in its chain, keeping the chain for errors.Is and As: a
// *url.Error is rebuilt with a clean URL, an error whose own text holds
// the token is wrapped.
func (r redactor) error(err error) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue == err {
		return &url.Error{Op: ue.Op, URL: r.string(ue.URL), Err: r.error(ue.Err)}
	}
	text := err.Error()
	if clean := r.string(text); clean != text {
		return &redactedError{text: clean, err: r.error(errors.Unwrap(err))}
	}
	return err
}

// redactedError stands for an error whose text held the token.
type redactedError struct {
	text string
	err  error // the cleaned cause, if any
}

func (e *redactedError) Error() string { return e.text }
func (e *redactedError) Unwrap() error { return e.err }

// The library logs through a package-level logger (tgbotapi.SetLogger):
// in Debug mode every request, and from GetUpdatesChan every error with
// its URL. It is replaced once by libraryLogger, which redacts each line
// and hands it to the logger of the last Notifier created. This is the
// package's only global state, forced by the library.
var (
	libraryLoggerOnce sync.Once
	libraryTarget     atomic.Pointer[libraryDestination]
)

type libraryDestination struct {
	log *slog.Logger
	red redactor
}

// libraryLogger is the tgbotapi.BotLogger installed by New.
type libraryLogger struct{}

func (libraryLogger) Println(v ...any) { libraryLine(strings.TrimSuffix(fmt.Sprintln(v...), "\n")) }

func (libraryLogger) Printf(format string, v ...any) {
	libraryLine(strings.TrimSuffix(fmt.Sprintf(format, v...), "\n"))
}

func libraryLine(line string) {
	dst := libraryTarget.Load()
	if dst == nil {
		return
	}
	dst.log.Debug("telegram library", "line", dst.red.string(line))
}

// routeLibraryLog sends the library's log lines, redacted, to log.
func routeLibraryLog(log *slog.Logger, red redactor) {
	libraryTarget.Store(&libraryDestination{log: log, red: red})
	libraryLoggerOnce.Do(func() {
		_ = tgbotapi.SetLogger(libraryLogger{}) // fails only for nil
	})
}
