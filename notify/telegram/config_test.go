package telegram

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	ok := Config{Token: testToken}
	tests := []struct {
		name   string
		change func(*Config)
		want   string // "" when valid
	}{
		{"minimal", func(*Config) {}, ""},
		{"everything", func(c *Config) {
			c.APIEndpoint, c.FileEndpoint = "http://10.0.0.5:8081/bot%s/%s", "http://10.0.0.5:8081/file/bot%s/%s"
			c.Proxy, c.Timeout, c.GlobalRate, c.ChatInterval, c.GroupPerMinute = "http://proxy.sct.vn:3128", time.Minute, 20, 2*time.Second, 10
		}, ""},
		{"socks5 with password", func(c *Config) { c.Proxy = "socks5://nv:s3cret@127.0.0.1:1080" }, ""},
		{"socks5h", func(c *Config) { c.Proxy = "socks5h://proxy:1080" }, ""},
		{"https proxy", func(c *Config) { c.Proxy = "https://proxy.example.vn" }, ""},
		{"no token", func(c *Config) { c.Token = "" }, "telegram: token: required"},
		{"bad token", func(c *Config) { c.Token = "12345 secret-part" },
			"telegram: token: does not look like a bot token (digits, a colon, then letters, digits, '_' or '-')"},
		{"endpoint without verbs", func(c *Config) { c.APIEndpoint = "https://relay.vn/bot" },
			`telegram: api_endpoint: "https://relay.vn/bot" must hold exactly two %s (token, then method or file path) and no other %`},
		{"endpoint with the token", func(c *Config) { c.APIEndpoint = "https://relay.vn/bot" + testToken + "/%s" },
			"telegram: api_endpoint: must hold %s where the token goes, not the token itself"},
		{"endpoint not http", func(c *Config) { c.FileEndpoint = "ftp://relay.vn/file/bot%s/%s" },
			`telegram: file_endpoint: "ftp://relay.vn/file/bot%s/%s" is not an http:// or https:// URL`},
		{"proxy scheme", func(c *Config) { c.Proxy = "ftp://nv:s3cret@proxy:21" },
			`telegram: proxy: "ftp://nv:xxxxx@proxy:21": scheme must be http, https or socks5`},
		{"proxy unparsable", func(c *Config) { c.Proxy = "socks5://nv:s3cret@proxy:port" },
			`telegram: proxy: not a URL: invalid port ":port" after host`},
		{"proxy without host", func(c *Config) { c.Proxy = "http://" }, `telegram: proxy: "http:" has no host`},
		{"negatives", func(c *Config) { c.Timeout, c.GlobalRate, c.ChatInterval, c.GroupPerMinute = -1, -1, -1, -1 },
			"telegram: timeout: -1ns is negative\ntelegram: global_rate: -1 is negative\n" +
				"telegram: chat_interval: -1ns is negative\ntelegram: group_per_minute: -1 is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.change(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate: %v", err)
			case tt.want != "" && (err == nil || err.Error() != tt.want):
				t.Errorf("Validate = %v\nwant %s", err, tt.want)
			}
			if err != nil && (strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")) {
				t.Errorf("secret in %q", err)
			}
		})
	}
}

func TestConfigPrintsNoSecret(t *testing.T) {
	c := Config{Token: testToken, Proxy: "socks5://nv:s3cret@127.0.0.1:1080"}
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("config", "telegram", c)
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), b.String()} {
		if strings.Contains(s, "s3cret") || strings.Contains(s, "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw") {
			t.Errorf("secret in %q", s)
		}
		if !strings.Contains(s, "123456789:[redacted]") || !strings.Contains(s, "socks5://nv:xxxxx@127.0.0.1:1080") {
			t.Errorf("%q should show the bot id and the proxy without its password", s)
		}
	}
}
