package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/action"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/store"
)

// Cookie names.
const (
	sessionCookie = "nv_session"
	csrfCookie    = "nv_csrf"
)

// Throttles of sign-in requests, per client address and per person.
const (
	throttleWindow    = 15 * time.Minute
	maxPerAddress     = 20
	maxPerPerson      = 3
	maxRedeemsPerAddr = 30
)

func mac(key []byte, parts ...string) []byte {
	h := hmac.New(sha256.New, key)
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum(nil)
}

func (s *Server) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode}
}

// csrfToken is the token the forms of a page carry: the HMAC of the
// browser's CSRF cookie, set here when missing.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	val := ""
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 {
		val = c.Value
	} else {
		val, _ = store.NewSecret()
		http.SetCookie(w, s.cookie(csrfCookie, val, 0))
		r.AddCookie(&http.Cookie{Name: csrfCookie, Value: val})
	}
	return base64.RawURLEncoding.EncodeToString(mac(s.csrf, val))
}

// csrfOK checks a POST's token against its cookie. Call after the form
// is parsed.
func (s *Server) csrfOK(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || c.Value == "" {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(r.PostFormValue("csrf"))
	return err == nil && hmac.Equal(got, mac(s.csrf, c.Value))
}

// viewer is the signed-in person of a request.
type viewer struct {
	action.Actor
	session string
}

type ctxKey struct{}

func viewerOf(r *http.Request) *viewer {
	v, _ := r.Context().Value(ctxKey{}).(*viewer)
	return v
}

// seesAll: the office, the leadership and admins follow every unit.
func (v *viewer) seesAll(env Env) bool {
	return v.Role == org.RoleAdmin || v.Role == org.RoleLeader || v.Unit != "" && v.Unit == env.Office
}

// sees reports whether v may see a unit's assignments.
func (v *viewer) sees(unit string, env Env) bool {
	return v.seesAll(env) || v.Unit != "" && v.Unit == unit
}

// resolve finds the person behind an id: a person of the config, an
// invited Telegram user, or a unit's shared mailbox ("unit:<id>").
func (s *Server) resolve(who string, env Env) (action.Actor, bool) {
	if p, ok := env.Directory.Person(who); ok {
		return action.Actor{Who: p.ID, Name: p.Name, Unit: p.Unit, Role: p.Role, Known: true}, true
	}
	if id, ok := strings.CutPrefix(who, "unit:"); ok {
		if u, ok := env.Directory.Unit(id); ok && !u.External {
			return action.Actor{Who: who, Name: u.Name, Unit: u.ID, Role: org.RoleStaff, Known: true}, true
		}
		return action.Actor{}, false
	}
	if tg, ok := strings.CutPrefix(who, "telegram:"); ok {
		id, err := strconv.ParseInt(tg, 10, 64)
		if err != nil {
			return action.Actor{}, false
		}
		b, ok, err := s.cfg.Store.Binding(id)
		if err != nil || !ok {
			return action.Actor{}, false
		}
		return action.Actor{Who: who, Name: b.Name, Unit: b.Unit, Role: b.Role, Known: true}, true
	}
	return action.Actor{}, false
}

// signedIn runs h for a signed-in person; others go to the sign-in page.
func (s *Server) signedIn(h func(http.ResponseWriter, *http.Request, *viewer, Env)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		env := s.cfg.Env()
		v := s.session(r, env)
		if v == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/dang-nhap?sau="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.fail(w, r, http.StatusUnauthorized, "Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại.")
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, v)), v, env)
	}
}

// session is the valid session of r's cookie, or nil.
func (s *Server) session(r *http.Request, env Env) *viewer {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	sess, ok, err := s.cfg.Store.Session(c.Value)
	if err != nil {
		s.log.Error("read a web session", "err", err)
		return nil
	}
	if !ok || !sess.Valid(s.now()) {
		return nil
	}
	a, ok := s.resolve(sess.Who, env)
	if !ok {
		return nil // removed from the config since
	}
	return &viewer{Actor: a, session: c.Value}
}

// clientAddr is the address a request came from, for throttling. Behind
// a reverse proxy on the same machine (the documented deployment) every
// request comes from loopback: then the address the proxy appended to
// X-Forwarded-For is the client's. A remote peer's header is not trusted.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			last = strings.TrimSpace(last[strings.LastIndexByte(last, ',')+1:])
			if net.ParseIP(last) != nil {
				return last
			}
		}
	}
	return host
}

type signInView struct {
	Sent, Mail bool
	Next       string
	Error      string
}

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "signin", "Đăng nhập", signInView{Mail: s.cfg.SendEmail != nil, Next: safeNext(r.URL.Query().Get("sau"))})
}

// safeNext keeps a return path on this site.
func safeNext(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	return p
}

// signInRequest sends a one-time link to the address given, if it is a
// person's; the answer is the same either way, so that nobody learns
// which addresses exist.
func (s *Server) signInRequest(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil || !s.csrfOK(r) {
		s.fail(w, r, http.StatusForbidden, "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang và thử lại.")
		return
	}
	view := signInView{Mail: s.cfg.SendEmail != nil, Next: safeNext(r.PostFormValue("sau"))}
	addr, err := mail.ParseAddress(strings.TrimSpace(r.PostFormValue("email")))
	if err != nil {
		view.Error = "Địa chỉ e-mail không hợp lệ."
		s.render(w, r, http.StatusBadRequest, "signin", "Đăng nhập", view)
		return
	}
	email := strings.ToLower(addr.Address)
	if !s.limit.allow("addr:"+clientAddr(r), maxPerAddress, throttleWindow) || !s.limit.allow("mail:"+email, maxPerPerson, throttleWindow) {
		s.log.Warn("web sign-in throttled", "remote", clientAddr(r))
		view.Error = "Bạn đã yêu cầu quá nhiều lần. Hãy thử lại sau 15 phút."
		s.render(w, r, http.StatusTooManyRequests, "signin", "Đăng nhập", view)
		return
	}
	env := s.cfg.Env()
	var person *org.Person
	for _, p := range env.Directory.People() {
		if strings.EqualFold(p.Email, email) {
			person = &p
			break
		}
	}
	if person != nil && s.cfg.SendEmail != nil {
		if err := s.mailSignIn(r.Context(), *person, view.Next); err != nil {
			s.log.Error("send a web sign-in link", "who", person.ID, "err", err)
			s.fail(w, r, http.StatusServiceUnavailable, "Không gửi được e-mail lúc này. Hãy thử lại sau ít phút.")
			return
		}
	} else {
		s.log.Info("web sign-in asked for an unknown address")
	}
	view.Sent = true
	s.render(w, r, http.StatusOK, "signin", "Đăng nhập", view)
}

func (s *Server) mailSignIn(ctx context.Context, p org.Person, next string) error {
	link, err := s.SignInLink(p.ID)
	if err != nil {
		return err
	}
	if next != "/" {
		link += "?sau=" + urlQueryEscape(next)
	}
	now := s.now()
	m := &notify.Message{
		ID: "web-sign-in|" + p.ID + "|" + now.Format(time.RFC3339Nano), Channel: notify.ChannelEmail, Kind: notify.KindInfo,
		To: notify.Recipient{ID: p.ID, Name: p.Name, Email: p.Email}, At: now,
		Title: "Đường dẫn đăng nhập hệ thống nhắc việc",
		Intro: "Bấm vào đường dẫn dưới đây để đăng nhập trang theo dõi nhiệm vụ:\n\n" + link +
			"\n\nĐường dẫn chỉ dùng được một lần, trong 15 phút. Nếu anh/chị không yêu cầu đăng nhập, hãy bỏ qua thư này.",
	}
	return s.cfg.SendEmail(ctx, m)
}

// SignInLink makes a one-time sign-in link for a person (the bot's /web,
// the e-mail above): valid SignInTTL, stored hashed.
func (s *Server) SignInLink(who string) (string, error) {
	token, err := s.cfg.Store.CreateSignInToken(who, SignInTTL, s.now())
	if err != nil {
		return "", err
	}
	return s.URL("/dang-nhap/" + token), nil
}

type confirmView struct {
	Token, Next, Error string
}

// signInConfirm shows a button: opening the link (a mail scanner does)
// uses nothing up.
func (s *Server) signInConfirm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if _, err := s.cfg.Store.SignInTokenValid(token, s.now()); err != nil {
		s.badToken(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "signin-confirm", "Đăng nhập", confirmView{Token: token, Next: safeNext(r.URL.Query().Get("sau"))})
}

func (s *Server) badToken(w http.ResponseWriter, r *http.Request, err error) {
	msg := "Đường dẫn đăng nhập không hợp lệ."
	switch {
	case errors.Is(err, store.ErrTokenUsed):
		msg = "Đường dẫn đăng nhập này đã được dùng. Mỗi đường dẫn chỉ dùng được một lần."
	case errors.Is(err, store.ErrTokenExpired):
		msg = "Đường dẫn đăng nhập đã hết hạn (hiệu lực 15 phút)."
	case !errors.Is(err, store.ErrTokenUnknown):
		s.log.Error("check a web sign-in token", "err", err)
	}
	s.fail(w, r, http.StatusBadRequest, msg+" Hãy yêu cầu một đường dẫn mới.")
}

func (s *Server) signInRedeem(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil || !s.csrfOK(r) {
		s.fail(w, r, http.StatusForbidden, "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy mở lại đường dẫn đăng nhập.")
		return
	}
	if !s.limit.allow("redeem:"+clientAddr(r), maxRedeemsPerAddr, throttleWindow) {
		s.fail(w, r, http.StatusTooManyRequests, "Quá nhiều lần thử. Hãy thử lại sau 15 phút.")
		return
	}
	id, sess, err := s.cfg.Store.SignIn(r.PathValue("token"), s.cfg.SessionTTL, s.now())
	if err != nil {
		s.badToken(w, r, errors.Unwrap(err))
		return
	}
	s.log.Info("web sign-in", "who", sess.Who)
	http.SetCookie(w, s.cookie(sessionCookie, id, int(s.cfg.SessionTTL/time.Second)))
	http.Redirect(w, r, safeNext(r.PostFormValue("sau")), http.StatusSeeOther)
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil || !s.csrfOK(r) {
		s.fail(w, r, http.StatusForbidden, "Biểu mẫu không hợp lệ.")
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.cfg.Store.RevokeSession(c.Value, s.now()); err != nil {
			s.log.Error("revoke a web session", "err", err)
		}
	}
	http.SetCookie(w, s.cookie(sessionCookie, "", -1))
	http.Redirect(w, r, "/dang-nhap", http.StatusSeeOther)
}
