package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func signInPath(t *testing.T, f *fixture) string {
	t.Helper()
	m := f.lastMail()
	if m == nil {
		t.Fatal("no mail")
	}
	return strings.TrimPrefix(regexp.MustCompile(`https?://\S+`).FindString(m.Intro), f.base)
}

// TestSignInLinkOnceFifteenMinutes: the mailed link signs in once; opening
// it (a mail scanner) uses nothing up; used, expired or tampered it is
// refused; an unknown address gets the same answer and no mail.
func TestSignInLinkOnceFifteenMinutes(t *testing.T) {
	f := newFixture(t)
	b := f.browser()
	p := b.post("/dang-nhap", url.Values{"csrf": {b.csrf("/dang-nhap")}, "email": {"Binh@SCT.example"}})
	contains(t, "answer", p.body, "đường dẫn đăng nhập đã được gửi", "15 phút")
	m := f.lastMail()
	if m == nil || m.To.Email != "binh@sct.example" || m.Channel != "email" {
		t.Fatalf("mail %+v", m)
	}
	path := signInPath(t, f)
	for range 3 { // a scanner, a preview, the person
		if p := f.browser().get(path); p.status != http.StatusOK || !strings.Contains(p.body, "Đăng nhập") {
			t.Fatalf("GET of the link: %d", p.status)
		}
	}
	p = b.post(path, url.Values{"csrf": {b.csrf(path)}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("redeem: %d %s", p.status, p.body)
	}
	if p := b.get("/"); p.status != http.StatusOK || !strings.Contains(p.body, "Trần Thị Bình") && !strings.Contains(p.body, "Tiến độ") {
		t.Fatalf("dashboard after sign-in: %d", p.status)
	}
	// Used: refused, also to another browser.
	other := f.browser()
	if p := other.get(path); p.status != http.StatusBadRequest || !strings.Contains(p.body, "đã được dùng") {
		t.Errorf("used link GET: %d %s", p.status, p.body)
	}
	if p := other.post(path, url.Values{"csrf": {other.csrf("/dang-nhap")}}); p.status != http.StatusBadRequest {
		t.Errorf("used link POST: %d", p.status)
	}
	// Expired after 15 minutes.
	b2 := f.browser()
	b2.post("/dang-nhap", url.Values{"csrf": {b2.csrf("/dang-nhap")}, "email": {"cuong@sct.example"}})
	late := signInPath(t, f)
	token := b2.csrf("/dang-nhap")
	f.advance(15 * time.Minute)
	if p := b2.post(late, url.Values{"csrf": {token}}); p.status != http.StatusBadRequest || !strings.Contains(p.body, "hết hạn") {
		t.Errorf("expired link: %d %s", p.status, p.body)
	}
	// Tampered.
	if p := b2.post(late[:len(late)-3]+"AAA", url.Values{"csrf": {token}}); p.status != http.StatusBadRequest {
		t.Errorf("tampered link: %d", p.status)
	}
	// Unknown address: same answer, no mail.
	n := len(f.mails)
	p = b2.post("/dang-nhap", url.Values{"csrf": {token}, "email": {"ke-gian@evil.example"}})
	if !strings.Contains(p.body, "đường dẫn đăng nhập đã được gửi") || len(f.mails) != n {
		t.Errorf("unknown address: %d mails, answer %s", len(f.mails)-n, p.body)
	}
}

// TestSignInThrottled: at most 3 links per person and 20 requests per
// address in 15 minutes.
func TestSignInThrottled(t *testing.T) {
	f := newFixture(t)
	b := f.browser()
	token := b.csrf("/dang-nhap")
	ask := func(email string) int {
		return b.post("/dang-nhap", url.Values{"csrf": {token}, "email": {email}}).status
	}
	for i := range 3 {
		if s := ask("binh@sct.example"); s != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, s)
		}
	}
	if s := ask("binh@sct.example"); s != http.StatusTooManyRequests || len(f.mails) != 3 {
		t.Fatalf("4th request for one person: %d, %d mails", s, len(f.mails))
	}
	for i := range 16 { // 20 from this address in all
		ask([]string{"chanh@sct.example", "cuong@sct.example", "x@sct.example"}[i%3])
	}
	if s := ask("pgd@sct.example"); s != http.StatusTooManyRequests {
		t.Errorf("21st request from one address: %d", s)
	}
	f.advance(15 * time.Minute)
	if s := ask("binh@sct.example"); s != http.StatusOK {
		t.Errorf("after the window: %d", s)
	}
}

// TestSignInLinkForTelegramUser: /web's link (SignInLink) signs in the
// person it was made for.
func TestSignInLinkForTelegramUser(t *testing.T) {
	f := newFixture(t)
	link, err := f.srv.SignInLink("cuong")
	if err != nil {
		t.Fatal(err)
	}
	b := f.browser()
	path := strings.TrimPrefix(link, f.base)
	if p := b.post(path, url.Values{"csrf": {b.csrf(path)}}); p.status != http.StatusSeeOther {
		t.Fatalf("redeem: %d", p.status)
	}
	p := b.get("/cua-toi")
	contains(t, "my tasks", p.body, "Việc của tôi", "Phòng Kinh tế")
}

// TestClientAddrBehindProxy: behind a proxy on loopback the client is the
// address the proxy appended; a remote peer cannot choose its address.
func TestClientAddrBehindProxy(t *testing.T) {
	for _, tt := range []struct{ remote, xff, want string }{
		{"127.0.0.1:5000", "203.0.113.9", "203.0.113.9"},
		{"127.0.0.1:5000", "10.0.0.1, 203.0.113.9", "203.0.113.9"},
		{"[::1]:5000", "203.0.113.9", "203.0.113.9"},
		{"127.0.0.1:5000", "", "127.0.0.1"},
		{"127.0.0.1:5000", "not-an-ip", "127.0.0.1"},
		{"198.51.100.7:5000", "203.0.113.9", "198.51.100.7"},
	} {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = tt.remote
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		if got := clientAddr(r); got != tt.want {
			t.Errorf("%s with X-Forwarded-For %q: %s, want %s", tt.remote, tt.xff, got, tt.want)
		}
	}
}
