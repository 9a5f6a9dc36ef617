package config

import (
	"net/url"
	"strings"
)

// Web is the listener for people: the dashboard, sign-in and the
// one-click links of reminder e-mails.
type Web struct {
	// Listen is the address served, such as 127.0.0.1:8080; empty or
	// "off": no web door (e-mails then carry no links).
	Listen string `yaml:"listen"`
	// BaseURL is the address people open (https://nhacviec.example.gov.vn
	// behind a reverse proxy): every request's Host must be its host, and
	// links in e-mails and bot replies start with it.
	BaseURL string `yaml:"base_url"`
	// CertFile and KeyFile, when set, make the daemon serve TLS itself.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// EvidenceDir keeps uploaded evidence; default the bot's evidence_dir,
	// else "evidence" beside the config file.
	EvidenceDir string `yaml:"evidence_dir"`
	// MaxUploadMB caps one uploaded file; default 20.
	MaxUploadMB int `yaml:"max_upload_mb"`
}

// WebEnabled reports whether the web listener is configured.
func (c *Config) WebEnabled() bool { return c.Web.Listen != "" && c.Web.Listen != "off" }

// WebEvidenceDir is where uploaded evidence is kept, resolved.
func (c *Config) WebEvidenceDir() string {
	switch {
	case c.Web.EvidenceDir != "":
		return c.Resolve(c.Web.EvidenceDir)
	case c.Telegram.EvidenceDir != "":
		return c.Resolve(c.Telegram.EvidenceDir)
	}
	return c.Resolve("evidence")
}

func (c *Config) checkWeb(v *validator) {
	w := c.Web
	if !c.WebEnabled() {
		return
	}
	u, err := url.Parse(w.BaseURL)
	switch {
	case w.BaseURL == "":
		v.fail([]any{"web", "base_url"}, "missing: the address people open, such as https://nhacviec.example.gov.vn")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		v.fail([]any{"web", "base_url"}, "%q is not an http:// or https:// address", w.BaseURL)
	case strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		v.fail([]any{"web", "base_url"}, "%q: give the scheme and host only (no path, query or user)", w.BaseURL)
	case w.CertFile != "" && u.Scheme != "https":
		v.fail([]any{"web", "base_url"}, "%q: the daemon serves TLS (cert_file), so base_url must be https://", w.BaseURL)
	}
	if (w.CertFile == "") != (w.KeyFile == "") {
		v.fail([]any{"web", "key_file"}, "set both cert_file and key_file, or neither")
	}
	if w.MaxUploadMB < 0 || w.MaxUploadMB > 1024 {
		v.fail([]any{"web", "max_upload_mb"}, "%d is not between 1 and 1024", w.MaxUploadMB)
	}
}
