// Package web is the door for people: the office's dashboard, sign-in by
// one-time links, and the one-click answers of reminder e-mails, served
// over HTTP(S) with every state change a POST that carries a credential
// (a session or a signed link), a CSRF token and a same-origin browser.
// Changes go through package action, as the bot's do.
package web

import (
	"cmp"
	"context"
	"crypto/tls"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sct-langson/nhacviec/action"
	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// Defaults of Config.
const (
	DefaultSessionTTL = 7 * 24 * time.Hour
	SignInTTL         = 15 * time.Minute
	LinkTTL           = 60 * 24 * time.Hour
	DefaultMaxUpload  = 20 << 20
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Store is what the web keeps in the database; *store.DB implements it.
type Store interface {
	ApplyChange(fn func(tx scheduler.Tx, audit func(store.AuditEntry) error) error) error
	Assignments(plan string) ([]scheduler.Assignment, error)
	// CachedAssignments is Assignments("") decoding only what changed
	// since the last read through c.
	CachedAssignments(c *store.AssignmentCache) ([]scheduler.Assignment, error)
	Audit(f store.AuditFilter) ([]store.AuditEntry, error)
	// DashCounts are the counts by plan, section and unit kept for the
	// overview; ok false when the database keeps none.
	DashCounts(at time.Time, loc *time.Location) (counts []store.DashCount, ok bool, err error)
	// ForEachOpenOf reads one unit's open assignments, by due day.
	ForEachOpenOf(unit string, fn func(scheduler.Assignment) error) error
	Binding(telegramUserID int64) (store.Binding, bool, error)
	CreateSignInToken(who string, ttl time.Duration, now time.Time) (string, error)
	SignInTokenValid(token string, now time.Time) (string, error)
	SignIn(token string, ttl time.Duration, now time.Time) (string, store.Session, error)
	Session(id string) (store.Session, bool, error)
	RevokeSession(id string, now time.Time) error
	RevokeSessions(who string, now time.Time) (int, error)
	LinkKeys(now time.Time) ([]store.LinkKey, error)
	Scheduler() scheduler.Store
	// Version changes with every committed write (the cache's key).
	Version() (int, error)
}

// Env is the daemon's state a request works with: the part of the config
// the pages read, the plans' tasks and the engine's planning state. The
// config may be reloaded, so Env is taken once at the start of every
// request and used throughout it: nothing in one request mixes two
// configs.
type Env struct {
	Directory *org.Directory
	Office    string // unit id of Văn phòng Sở
	Calendar  *calendar.Calendar
	// Tasks are the plans' current tasks.
	Tasks []scheduler.Task
	// Planner plans an assignment's next step after a change (a pinned
	// engine state, scheduler.Engine.Pin).
	Planner action.Planner
}

// Config is what a Server needs.
type Config struct {
	// BaseURL is the address people open: scheme and host only.
	BaseURL string
	Store   Store
	// Env returns the daemon's current state, once per request.
	Env func() Env
	Now func() time.Time // default time.Now
	Log *slog.Logger     // default: discard
	// EvidenceDir keeps uploaded files; uploads are refused without it.
	EvidenceDir string
	MaxUpload   int64 // bytes; default DefaultMaxUpload
	// SendEmail delivers a sign-in link; nil: sign-in by e-mail is off.
	SendEmail  func(ctx context.Context, m *notify.Message) error
	SessionTTL time.Duration // default DefaultSessionTTL
	// WarmEvery is how often Serve checks for writes to prepare the
	// office's overview ahead of its next view; default 2s, negative: never.
	WarmEvery time.Duration
}

// Server serves the web door.
type Server struct {
	cfg    Config
	base   *url.URL
	origin string // scheme://host of BaseURL
	secure bool
	now    func() time.Time
	log    *slog.Logger
	keys   atomic.Pointer[[]store.LinkKey] // newest first; swapped by ReloadKeys
	csrf   []byte
	pages  map[string]*template.Template
	limit  *limiter
	mux    *http.ServeMux
	cache  snapshotCache
	facts  factsCache // what the pages take from every task (summary.go)
}

// New checks cfg, loads the link keys (creating the first) and returns
// a Server.
func New(cfg Config) (*Server, error) {
	switch {
	case cfg.Store == nil || cfg.Env == nil:
		return nil, errors.New("web: store and env are required")
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("web: base URL %q is not an http:// or https:// address", cfg.BaseURL)
	}
	s := &Server{cfg: cfg, base: u, origin: u.Scheme + "://" + u.Host, secure: u.Scheme == "https",
		now: cfg.Now, log: cfg.Log}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.cfg.MaxUpload <= 0 {
		s.cfg.MaxUpload = DefaultMaxUpload
	}
	if s.cfg.SessionTTL <= 0 {
		s.cfg.SessionTTL = DefaultSessionTTL
	}
	if err := s.ReloadKeys(); err != nil {
		return nil, err
	}
	s.csrf = mac(s.linkKeys()[0].Secret, "csrf")
	if s.pages, err = parsePages(cfg.Env().Calendar.Location()); err != nil {
		return nil, err
	}
	s.limit = newLimiter(s.now)
	s.routes()
	return s, nil
}

// ReloadKeys reads the link-signing keys again from the store, after a
// rotation through the daemon: new links are signed by the newest key,
// links signed by a key still kept keep working, and those of a dropped
// key stop at once.
func (s *Server) ReloadKeys() error {
	keys, err := s.cfg.Store.LinkKeys(s.now())
	if err != nil || len(keys) == 0 {
		return fmt.Errorf("web: link keys: %v", err)
	}
	s.keys.Store(&keys)
	return nil
}

func (s *Server) linkKeys() []store.LinkKey { return *s.keys.Load() }

// URL is the absolute address of a path of the site.
func (s *Server) URL(path string) string { return s.origin + path }

// Handler is the whole site, behind the Host check and security headers.
func (s *Server) Handler() http.Handler { return s.guard(s.mux) }

// Serve serves on ln until ctx ends; with certFile and keyFile it serves
// TLS itself.
func (s *Server) Serve(ctx context.Context, ln net.Listener, certFile, keyFile string) error {
	srv := &http.Server{
		Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	if certFile != "" {
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if every := cmp.Or(s.cfg.WarmEvery, 2*time.Second); every > 0 {
		wctx, stop := context.WithCancel(ctx)
		defer stop()
		go s.warm(wctx, every)
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		case <-done:
		}
	}()
	defer close(done)
	var err error
	if certFile != "" {
		err = srv.ServeTLS(ln, certFile, keyFile)
	} else {
		err = srv.Serve(ln)
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

func (s *Server) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	m.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	m.HandleFunc("GET /dang-nhap", s.signInForm)
	m.HandleFunc("POST /dang-nhap", s.signInRequest)
	m.HandleFunc("GET /dang-nhap/{token}", s.signInConfirm)
	m.HandleFunc("POST /dang-nhap/{token}", s.signInRedeem)
	m.HandleFunc("POST /dang-xuat", s.signOut)
	m.HandleFunc("GET /l/{token}", s.linkPage)
	m.HandleFunc("POST /l/{token}", s.linkPost)
	m.HandleFunc("GET /{$}", s.signedIn(s.overview))
	m.HandleFunc("GET /qua-han", s.signedIn(s.overdue))
	m.HandleFunc("GET /nhiem-vu", s.signedIn(s.taskPage))
	m.HandleFunc("GET /don-vi/{unit}", s.signedIn(s.unitPage))
	m.HandleFunc("GET /cua-toi", s.signedIn(s.mine))
	m.HandleFunc("GET /nhat-ky", s.signedIn(s.auditPage))
	m.HandleFunc("GET /bao-cao.csv", s.signedIn(s.download("csv")))
	m.HandleFunc("GET /bao-cao.xlsx", s.signedIn(s.download("xlsx")))
	m.HandleFunc("GET /tai-lieu", s.signedIn(s.evidenceFile))
	m.HandleFunc("POST /thao-tac", s.signedIn(s.dashboardAction))
	m.HandleFunc("POST /thu-hoi-phien", s.signedIn(s.revokeSessions))
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusNotFound, "Không tìm thấy trang này.")
	})
	s.mux = m
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// hostOK reports whether a request's Host is BaseURL's (a default port
// may be written or not).
func (s *Server) hostOK(host string) bool {
	want := strings.ToLower(s.base.Host)
	host = strings.ToLower(host)
	if host == want {
		return true
	}
	if s.base.Port() == "" {
		port := map[bool]string{true: ":443", false: ":80"}[s.secure]
		return host == want+port
	}
	return false
}

// guard refuses a foreign Host (DNS rebinding, misdirected requests) and
// sets the security headers of every answer.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		// Links carry tokens: never send them to another site as a Referer.
		// ("no-referrer" would make browsers send Origin: null on POST.)
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		switch {
		case r.Host == "":
			http.Error(w, "missing Host", http.StatusBadRequest)
			return
		case !s.hostOK(r.Host):
			s.log.Warn("web request for a foreign host refused", "host", r.Host, "remote", r.RemoteAddr)
			http.Error(w, "misdirected request: this server answers for "+s.base.Host, http.StatusMisdirectedRequest)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !s.sameOrigin(r) {
			s.log.Warn("cross-origin web request refused", "origin", r.Header.Get("Origin"),
				"fetch_site", r.Header.Get("Sec-Fetch-Site"), "path", r.URL.Path)
			s.fail(w, r, http.StatusForbidden, "Yêu cầu bị từ chối: biểu mẫu không được gửi từ trang của hệ thống.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin: a state change must come from a page of this site. Browsers
// send Origin on POST, and Sec-Fetch-Site; either one foreign refuses.
func (s *Server) sameOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" && !strings.EqualFold(o, s.origin) {
		return false
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return true
	}
	return false
}
