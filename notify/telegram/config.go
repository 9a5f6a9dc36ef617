package telegram

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Defaults applied by New to zero fields.
const (
	DefaultAPIEndpoint    = "https://api.telegram.org/bot%s/%s"
	DefaultFileEndpoint   = "https://api.telegram.org/file/bot%s/%s"
	DefaultTimeout        = 30 * time.Second
	DefaultGlobalRate     = 30.0 // messages per second, all chats together
	DefaultChatInterval   = time.Second
	DefaultGroupPerMinute = 20
)

// Config is the Telegram channel's configuration.
type Config struct {
	// Token is the bot token from @BotFather. It is a secret: it never
	// appears in an error, a log line or String.
	Token string
	// APIEndpoint is the Bot API URL format with two %s, for the token and
	// the method: a self-hosted Bot API server, a relay reachable from
	// Vietnam, or a test server. Default DefaultAPIEndpoint.
	APIEndpoint string
	// FileEndpoint is the file download URL format with two %s, for the
	// token and the file path. Default DefaultFileEndpoint.
	FileEndpoint string
	// Proxy is an http://, https:// or socks5:// proxy URL, with user and
	// password if needed ("socks5://user:pass@host:1080"). When empty the
	// HTTPS_PROXY environment variable applies, as for any Go program.
	Proxy string
	// Timeout bounds one API call (a long poll gets its poll time on top).
	// Default DefaultTimeout.
	Timeout time.Duration
	// GlobalRate is the most messages per second sent to all chats
	// together. Default DefaultGlobalRate.
	GlobalRate float64
	// ChatInterval is the least time between two messages to one chat.
	// Default DefaultChatInterval.
	ChatInterval time.Duration
	// GroupPerMinute is the most messages per minute sent to one group
	// (negative chat id). Default DefaultGroupPerMinute.
	GroupPerMinute int
}

var tokenPattern = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)

// Validate reports every invalid field, each error naming its field. No
// error quotes the token or the proxy password.
func (c Config) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("telegram: %s: %s", field, fmt.Sprintf(format, args...)))
	}
	switch {
	case c.Token == "":
		bad("token", "required")
	case !tokenPattern.MatchString(c.Token):
		bad("token", "does not look like a bot token (digits, a colon, then letters, digits, '_' or '-')")
	}
	red := redactor{token: c.Token}
	if err := checkEndpoint(c.APIEndpoint, c.Token); err != nil {
		bad("api_endpoint", "%s", red.string(err.Error()))
	}
	if err := checkEndpoint(c.FileEndpoint, c.Token); err != nil {
		bad("file_endpoint", "%s", red.string(err.Error()))
	}
	if _, err := parseProxy(c.Proxy); err != nil {
		bad("proxy", "%v", err)
	}
	if c.Timeout < 0 {
		bad("timeout", "%s is negative", c.Timeout)
	}
	if c.GlobalRate < 0 {
		bad("global_rate", "%g is negative", c.GlobalRate)
	}
	if c.ChatInterval < 0 {
		bad("chat_interval", "%s is negative", c.ChatInterval)
	}
	if c.GroupPerMinute < 0 {
		bad("group_per_minute", "%d is negative", c.GroupPerMinute)
	}
	return errors.Join(errs...)
}

// checkEndpoint accepts an empty format or an http(s) URL format with
// exactly two %s verbs.
func checkEndpoint(format, token string) error {
	if format == "" {
		return nil
	}
	if token != "" && strings.Contains(format, token) {
		return errors.New("must hold %s where the token goes, not the token itself")
	}
	if strings.Count(format, "%s") != 2 || strings.Count(format, "%") != 2 {
		return fmt.Errorf("%q must hold exactly two %%s (token, then method or file path) and no other %%", format)
	}
	u, err := url.Parse(fmt.Sprintf(format, "0:x", "m"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http:// or https:// URL", format)
	}
	return nil
}

// parseProxy parses a proxy URL; an error never quotes its password.
func parseProxy(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the whole URL, password included
		}
		return nil, fmt.Errorf("not a URL: %w", err)
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h":
	default:
		return nil, fmt.Errorf("%q: scheme must be http, https or socks5", u.Redacted())
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("%q has no host", u.Redacted())
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		return nil, fmt.Errorf("%q: a proxy URL has no path or query", u.Redacted())
	}
	return u, nil
}

// withDefaults returns c with its zero fields set to their defaults.
func (c Config) withDefaults() Config {
	if c.APIEndpoint == "" {
		c.APIEndpoint = DefaultAPIEndpoint
	}
	if c.FileEndpoint == "" {
		c.FileEndpoint = DefaultFileEndpoint
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.GlobalRate == 0 {
		c.GlobalRate = DefaultGlobalRate
	}
	if c.ChatInterval == 0 {
		c.ChatInterval = DefaultChatInterval
	}
	if c.GroupPerMinute == 0 {
		c.GroupPerMinute = DefaultGroupPerMinute
	}
	return c
}

// botID is the public part of the token: the bot's user id.
func (c Config) botID() string {
	id, _, ok := strings.Cut(c.Token, ":")
	if !ok {
		return ""
	}
	return id
}

func (c Config) proxyRedacted() string {
	if u, err := parseProxy(c.Proxy); err == nil && u != nil {
		return u.Redacted()
	}
	if c.Proxy != "" {
		return "[invalid]"
	}
	return ""
}

func (c Config) tokenRedacted() string {
	if c.Token == "" {
		return ""
	}
	return c.botID() + ":" + redacted
}

// String describes c without its secrets, so that printing a Config with
// %v or %+v leaks neither the token nor the proxy password.
func (c Config) String() string {
	return fmt.Sprintf("telegram.Config{Token:%s APIEndpoint:%s FileEndpoint:%s Proxy:%s Timeout:%s GlobalRate:%g ChatInterval:%s GroupPerMinute:%d}",
		c.tokenRedacted(), c.APIEndpoint, c.FileEndpoint, c.proxyRedacted(), c.Timeout, c.GlobalRate, c.ChatInterval, c.GroupPerMinute)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// LogValue is c for log/slog, without its secrets.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("token", c.tokenRedacted()),
		slog.String("api_endpoint", c.APIEndpoint),
		slog.String("file_endpoint", c.FileEndpoint),
		slog.String("proxy", c.proxyRedacted()),
		slog.Duration("timeout", c.Timeout),
		slog.Float64("global_rate", c.GlobalRate),
		slog.Duration("chat_interval", c.ChatInterval),
		slog.Int("group_per_minute", c.GroupPerMinute),
	)
}
