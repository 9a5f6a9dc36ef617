package config

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// Email is the e-mail channel. Its password comes from an environment
// variable or a file, never from this file.
type Email struct {
	Host            string `yaml:"host"`
	Port            int    `yaml:"port"`
	TLS             string `yaml:"tls"` // starttls (default), tls, none (loopback only)
	Username        string `yaml:"username"`
	PasswordEnv     string `yaml:"password_env"`
	PasswordFile    string `yaml:"password_file"`
	From            string `yaml:"from"`
	FromName        string `yaml:"from_name"`
	ReuseConnection *bool  `yaml:"reuse_connection"` // default true
	Connections     int    `yaml:"connections"`      // most open at once; default 3
	Timeout         string `yaml:"timeout"`          // default 15s
	CAFile          string `yaml:"ca_file"`          // PEM file of a private CA to trust
}

// Telegram is the Telegram channel. Its token comes from an environment
// variable or a file, never from this file.
type Telegram struct {
	TokenEnv     string `yaml:"token_env"`
	TokenFile    string `yaml:"token_file"`
	APIEndpoint  string `yaml:"api_endpoint"`  // "https://api.telegram.org/bot%s/%s" or a self-hosted Bot API server
	FileEndpoint string `yaml:"file_endpoint"` // "https://api.telegram.org/file/bot%s/%s"
	// Proxy is "http://host:port" or "socks5://host:port"; with a password,
	// put the whole URL in the variable named by ProxyEnv instead.
	Proxy       string `yaml:"proxy"`
	ProxyEnv    string `yaml:"proxy_env"`
	Timeout     string `yaml:"timeout"`      // per call, default 30s
	EvidenceDir string `yaml:"evidence_dir"` // where evidence documents are downloaded
}

// Delivery tunes the outbox pipeline.
type Delivery struct {
	FallbackAfter string `yaml:"fallback_after"` // Telegram failing this long → e-mail; default 1h
	MaxAge        string `yaml:"max_age"`        // give up after; default 48h
	Admin         string `yaml:"admin"`          // person id told about failing chats
	// AllChannels sends every message on each channel that reaches its
	// recipient; by default only the first preferred one carries it, the
	// next one only when it fails.
	AllChannels bool `yaml:"all_channels"`
}

// HTTP is the operations listener.
type HTTP struct {
	Listen string `yaml:"listen"` // default 127.0.0.1:9464; "off" disables it
}

// EmailEnabled reports whether the e-mail channel is configured.
func (c *Config) EmailEnabled() bool { return c.Email.Host != "" }

// TelegramEnabled reports whether the Telegram channel is configured.
func (c *Config) TelegramEnabled() bool {
	return c.Telegram.TokenEnv != "" || c.Telegram.TokenFile != ""
}

func (c *Config) checkChannels(v *validator) {
	e := c.Email
	if c.EmailEnabled() {
		if e.From == "" {
			v.fail([]any{"email", "from"}, "missing: the sender address")
		}
		switch e.TLS {
		case "", "starttls", "tls", "none":
		default:
			v.fail([]any{"email", "tls"}, "%q is not starttls, tls or none", e.TLS)
		}
		if e.Username != "" && e.PasswordEnv == "" && e.PasswordFile == "" {
			v.fail([]any{"email", "username"}, "a username needs password_env or password_file")
		}
		if e.PasswordEnv != "" && e.PasswordFile != "" {
			v.fail([]any{"email", "password_file"}, "set password_env or password_file, not both")
		}
		checkDuration(v, []any{"email", "timeout"}, e.Timeout)
		if e.Connections < 0 || e.Connections > 100 {
			v.fail([]any{"email", "connections"}, "%d is outside 1-100", e.Connections)
		}
	} else if e != (Email{}) {
		v.fail([]any{"email"}, "host is missing: set email.host or remove the email section")
	}
	t := c.Telegram
	if t.TokenEnv != "" && t.TokenFile != "" {
		v.fail([]any{"telegram", "token_file"}, "set token_env or token_file, not both")
	}
	if !c.TelegramEnabled() && t != (Telegram{}) {
		v.fail([]any{"telegram"}, "token_env or token_file is missing")
	}
	if strings.Contains(t.Proxy, "@") {
		v.fail([]any{"telegram", "proxy"}, "the proxy URL holds a password: put it in the variable named by proxy_env")
	}
	if t.Proxy != "" && !strings.HasPrefix(t.Proxy, "http://") && !strings.HasPrefix(t.Proxy, "https://") && !strings.HasPrefix(t.Proxy, "socks5://") && !strings.HasPrefix(t.Proxy, "socks5h://") {
		v.fail([]any{"telegram", "proxy"}, "%q is not an http://, https:// or socks5:// URL", t.Proxy)
	}
	checkDuration(v, []any{"telegram", "timeout"}, t.Timeout)
	checkDuration(v, []any{"delivery", "fallback_after"}, c.Delivery.FallbackAfter)
	checkDuration(v, []any{"delivery", "max_age"}, c.Delivery.MaxAge)
	if a := c.Delivery.Admin; a != "" && c.Directory != nil {
		if _, ok := c.Directory.Person(a); !ok {
			v.fail([]any{"delivery", "admin"}, "%q is not a person id", a)
		}
	}
}

func checkDuration(v *validator, path []any, s string) {
	if s == "" {
		return
	}
	if d, err := time.ParseDuration(s); err != nil || d <= 0 {
		v.fail(path, "%q is not a positive duration such as 30s, 15m or 2h", s)
	}
}

// Duration parses a duration already checked by Load, or returns def.
func Duration(s string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d
	}
	return def
}

// Secret reads a secret from the environment variable named env or the file
// at path (relative to the config file). Errors name the variable or file,
// never the secret.
func (c *Config) Secret(field, env, path string, getenv func(string) string) (string, error) {
	switch {
	case env != "":
		v := getenv(env)
		if v == "" {
			return "", fmt.Errorf("%s: environment variable %s is empty or unset", field, env)
		}
		return v, nil
	case path != "":
		data, err := os.ReadFile(c.Resolve(path))
		if err != nil {
			return "", fmt.Errorf("%s: read %s: %w", field, path, err)
		}
		s := strings.TrimSpace(string(data))
		if s == "" {
			return "", fmt.Errorf("%s: %s is empty", field, path)
		}
		return s, nil
	}
	return "", nil
}
