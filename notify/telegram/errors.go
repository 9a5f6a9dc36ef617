package telegram

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// ErrChatUnreachable marks a permanent failure to reach a chat: the user
// blocked the bot or deleted the account, the bot left or was removed from
// the group, the chat does not exist or never talked to the bot, or the
// recipient has no chat id. The pipeline falls back to e-mail on it
// (errors.Is).
var ErrChatUnreachable = errors.New("telegram: chat unreachable")

// Error is a failed Bot API call. Match it with errors.As to read
// Telegram's answer; errors.Is(err, ErrChatUnreachable) tells a chat that
// cannot be reached. Its text never holds the bot token.
type Error struct {
	Method string // Bot API method, "sendMessage"
	ChatID int64  // chat the call was for, 0 when none
	// Code is Telegram's error_code (400, 403, 429, 502...), 0 when no
	// Bot API answer was read (network failure, timeout, a gateway's HTML
	// page).
	Code int
	// Description is Telegram's description ("Forbidden: bot was blocked
	// by the user") or the network failure.
	Description string
	// Temporary reports a failure worth retrying later: flood wait, server
	// error, network failure, timeout, unreadable answer.
	Temporary bool
	// MigrateToChatID is the new id of a group upgraded to a supergroup.
	MigrateToChatID int64
	// MessageID, Part and Parts name the notification and its failed part
	// (from 1) when the error comes from Notify.
	MessageID   string
	Part, Parts int

	unreachable bool
	err         error // cause, without the token
}

// Unavailable reports a failure of the Bot API (or the route to it) rather
// than of one chat: a network failure, a timeout, a server error or a
// gateway's page. A flood wait is not one.
func (e *Error) Unavailable() bool {
	return e.Temporary && e.Code != http.StatusTooManyRequests
}

// Error names the method, the chat and Telegram's answer.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "telegram: %s", e.Method)
	if e.ChatID != 0 {
		fmt.Fprintf(&b, " to chat %d", e.ChatID)
	}
	if e.MessageID != "" {
		fmt.Fprintf(&b, " (message %q", e.MessageID)
		if e.Parts > 1 {
			fmt.Fprintf(&b, " part %d of %d", e.Part, e.Parts)
		}
		b.WriteString(")")
	}
	b.WriteString(": ")
	if e.Code != 0 {
		fmt.Fprintf(&b, "%d ", e.Code)
	}
	b.WriteString(e.Description)
	if e.MigrateToChatID != 0 {
		fmt.Fprintf(&b, " (new chat id %d)", e.MigrateToChatID)
	}
	return b.String()
}

// Unwrap returns the cause (a *tgbotapi.Error, a *url.Error...) and
// ErrChatUnreachable when the chat cannot be reached.
func (e *Error) Unwrap() []error {
	errs := []error{}
	if e.unreachable {
		errs = append(errs, ErrChatUnreachable)
	}
	if e.err != nil {
		errs = append(errs, e.err)
	}
	return errs
}

// retryAfterError is a flood wait: it implements notify.RetryAfterError.
type retryAfterError struct {
	err   *Error
	after time.Duration
}

// RetryAfter is Telegram's retry_after.
func (e *retryAfterError) RetryAfter() time.Duration { return e.after }

// Unwrap returns the *Error.
func (e *retryAfterError) Unwrap() error { return e.err }

// Error is the *Error's text.
func (e *retryAfterError) Error() string { return e.err.Error() }

// classify turns an error of the library, already redacted, into an *Error
// (a *retryAfterError for a flood wait).
func classify(method string, chatID int64, err error) error {
	e := &Error{Method: method, ChatID: chatID, err: err, Description: err.Error()}
	var api *tgbotapi.Error
	if !errors.As(err, &api) {
		// Network failure, timeout, cancelled context, or an answer that is
		// not Bot API JSON (a gateway's HTML 502): try again later.
		e.Temporary = true
		return e
	}
	e.Code, e.Description, e.MigrateToChatID = api.Code, api.Message, api.MigrateToChatID
	if e.Code == 0 { // files uploads leave it out
		e.Code = codeOf(api.Message)
	}
	switch {
	case api.RetryAfter > 0 || e.Code == http.StatusTooManyRequests:
		e.Temporary = true
		return &retryAfterError{err: e, after: time.Duration(max(api.RetryAfter, 1)) * time.Second}
	case e.Code >= 500 || e.Code == 0:
		e.Temporary = true
	case isUnreachable(e.Code, api.Message) || api.MigrateToChatID != 0:
		e.unreachable = true
	}
	return e
}

// codeOf reads the status from the start of a description.
func codeOf(description string) int {
	for code, prefix := range map[int]string{
		400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
		409: "Conflict", 429: "Too Many Requests", 500: "Internal Server Error",
		502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
	} {
		if strings.HasPrefix(description, prefix) {
			return code
		}
	}
	return 0
}

// unreachableReasons are the 400 answers that mean the chat cannot get
// messages from the bot; every 403 means so too.
var unreachableReasons = []string{
	"chat not found", "user not found", "peer_id_invalid", "chat_id_invalid",
	"bot was blocked", "bot was kicked", "user is deactivated", "bot can't initiate conversation",
	"group chat was upgraded", "have no rights to send", "not enough rights to send",
	"chat_write_forbidden", "chat_restricted", "need administrator rights",
}

func isUnreachable(code int, description string) bool {
	if code == http.StatusForbidden {
		return true
	}
	if code != http.StatusBadRequest {
		return false
	}
	d := strings.ToLower(description)
	for _, r := range unreachableReasons {
		if strings.Contains(d, r) {
			return true
		}
	}
	return false
}

// isEntityError reports Telegram refusing our HTML.
func isEntityError(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == http.StatusBadRequest &&
		strings.Contains(strings.ToLower(e.Description), "can't parse entities")
}

// temporary reports whether err is worth retrying.
func temporary(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Temporary
}

// retryAfter is the flood wait err asks for, 0 if none.
func retryAfter(err error) time.Duration {
	var f *retryAfterError
	if errors.As(err, &f) {
		return f.after
	}
	return 0
}
