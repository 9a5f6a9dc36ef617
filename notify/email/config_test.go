package email

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	valid := Config{Host: "mail.sct.langson.gov.vn", From: "nhacviec@sct.langson.gov.vn"}
	for _, tc := range []struct {
		name   string
		change func(*Config)
		want   []string // every error expected; none means valid
	}{
		{name: "minimal", change: func(*Config) {}},
		{name: "full", change: func(c *Config) {
			c.Port, c.TLS, c.Username, c.Password, c.Auth = 465, TLSImplicit, "u", "p", AuthLogin
			c.Timeout, c.IdleTimeout, c.ReuseConnection = time.Second, time.Minute, true
		}},
		{name: "none on localhost", change: func(c *Config) { c.Host, c.TLS = "localhost", TLSNone }},
		{name: "none on 127.0.0.1", change: func(c *Config) { c.Host, c.TLS = "127.0.0.1", TLSNone }},
		{name: "none on ::1", change: func(c *Config) { c.Host, c.TLS = "::1", TLSNone }},
		{name: "no host", change: func(c *Config) { c.Host = "" }, want: []string{"email: host: required"}},
		{name: "host with port", change: func(c *Config) { c.Host = "mail.x:587" },
			want: []string{`email: host: "mail.x:587" is not a host name`}},
		{name: "host with space", change: func(c *Config) { c.Host = " mail.x" },
			want: []string{`email: host: " mail.x" is not`}},
		{name: "port", change: func(c *Config) { c.Port = 70000 }, want: []string{"email: port: 70000 is outside 1-65535"}},
		{name: "tls unknown", change: func(c *Config) { c.TLS = "ssl" }, want: []string{`email: tls: "ssl" is not one of`}},
		{name: "none on remote host", change: func(c *Config) { c.TLS = TLSNone },
			want: []string{`email: tls: "none" is allowed only for a loopback host, not "mail.sct.langson.gov.vn"`}},
		{name: "none on private address", change: func(c *Config) { c.Host, c.TLS = "10.0.0.5", TLSNone },
			want: []string{"email: tls:"}},
		{name: "password without username", change: func(c *Config) { c.Password = "p" },
			want: []string{"email: username: required when a password is set"}},
		{name: "username without password", change: func(c *Config) { c.Username = "u" },
			want: []string{"email: password: required when a username is set"}},
		{name: "auth", change: func(c *Config) { c.Auth = "cram-md5" }, want: []string{`email: auth: "cram-md5"`}},
		{name: "no from", change: func(c *Config) { c.From = "" }, want: []string{"email: from: required"}},
		{name: "from with name", change: func(c *Config) { c.From = "VP <vp@x.vn>" },
			want: []string{`email: from: "VP <vp@x.vn>" is not a bare e-mail address`}},
		{name: "from name two lines", change: func(c *Config) { c.FromName = "a\r\nBcc: x@y" },
			want: []string{"email: from_name: must be one line"}},
		{name: "hello name", change: func(c *Config) { c.HelloName = "a b" }, want: []string{"email: hello_name:"}},
		{name: "timeouts", change: func(c *Config) { c.Timeout, c.IdleTimeout = -1, -time.Second },
			want: []string{"email: timeout: -1ns is negative", "email: idle_timeout: -1s is negative"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := valid
			tc.change(&c)
			err := c.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want %q", tc.want)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tc.want) {
				t.Errorf("Validate() gave %d errors, want %d:\n%v", len(lines), len(tc.want), err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, lacks %q", err, w)
				}
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	for _, tc := range []struct {
		tls  TLSMode
		port int
	}{{"", 587}, {TLSStartTLS, 587}, {TLSImplicit, 465}, {TLSNone, 25}} {
		c := Config{TLS: tc.tls}.withDefaults()
		if c.Port != tc.port || c.Timeout != DefaultTimeout || c.IdleTimeout != DefaultIdleTimeout || c.Auth != AuthPlain {
			t.Errorf("defaults for tls %q = port %d, timeout %s, idle %s, auth %q", tc.tls, c.Port, c.Timeout, c.IdleTimeout, c.Auth)
		}
	}
	if c := (Config{TLS: TLSImplicit, Port: 2465}).withDefaults(); c.Port != 2465 {
		t.Errorf("explicit port replaced by %d", c.Port)
	}
}

func TestConfigNeverPrintsPassword(t *testing.T) {
	c := Config{Host: "mail.x", Username: "u", Password: "mật-khẩu-bí-mật", From: "a@x"}
	var logs strings.Builder
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "email", c)
	for _, text := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), logs.String()} {
		if strings.Contains(text, c.Password) {
			t.Errorf("password printed: %s", text)
		}
		if !strings.Contains(text, "[redacted]") {
			t.Errorf("password not marked redacted: %s", text)
		}
	}
}
