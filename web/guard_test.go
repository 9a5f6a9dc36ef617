package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestWrongHostRefused: a request naming another host (DNS rebinding, a
// misdirected proxy) is refused on every route, before anything else.
func TestWrongHostRefused(t *testing.T) {
	f := newFixture(t)
	b := f.signIn("chanh@sct.example")
	for _, path := range []string{"/", "/dang-nhap", "/qua-han", "/nhat-ky", "/l/x.y", "/static/style.css", "/bao-cao.csv"} {
		req, _ := http.NewRequest(http.MethodGet, f.base+path, nil)
		req.Host = "evil.example" + f.base[strings.LastIndex(f.base, ":"):]
		if p := b.do(req); p.status != http.StatusMisdirectedRequest || strings.Contains(p.body, "Văn phòng") {
			t.Errorf("GET %s with Host %s: %d", path, req.Host, p.status)
		}
	}
	// The right host is served, with a default port written or not.
	s := f.server("https://nhacviec.example")
	for host, want := range map[string]int{"nhacviec.example": 200, "NHACVIEC.example:443": 200, "nhacviec.example:8443": 421, "": 400} {
		req := httptest.NewRequest(http.MethodGet, "/dang-nhap", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("Host %q: %d, want %d", host, rec.Code, want)
		}
	}
}

// TestSecurityHeadersAndCookies: every answer carries the headers; the
// cookies are HttpOnly, SameSite=Lax, and Secure behind https.
func TestSecurityHeadersAndCookies(t *testing.T) {
	f := newFixture(t)
	p := f.browser().get("/dang-nhap")
	for h, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
		"X-Frame-Options":         "DENY",
	} {
		if !strings.Contains(p.header.Get(h), want) {
			t.Errorf("%s = %q, want %q", h, p.header.Get(h), want)
		}
	}
	if csp := p.header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if strings.Contains(p.body, "<script") || strings.Contains(p.body, "style=") || strings.Contains(p.body, "http://cdn") {
		t.Error("page has inline script or style, or an external asset")
	}
	for _, base := range []string{"http://127.0.0.1:8080", "https://nhacviec.example"} {
		s := f.server(base)
		req := httptest.NewRequest(http.MethodGet, "/dang-nhap", nil)
		req.Host = strings.TrimPrefix(strings.TrimPrefix(base, "http://"), "https://")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		cs := rec.Result().Cookies()
		if len(cs) != 1 {
			t.Fatalf("%s: cookies %v", base, cs)
		}
		c := cs[0]
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != strings.HasPrefix(base, "https") {
			t.Errorf("%s: cookie %+v", base, c)
		}
		if hsts := rec.Header().Get("Strict-Transport-Security"); (hsts != "") != strings.HasPrefix(base, "https") {
			t.Errorf("%s: HSTS %q", base, hsts)
		}
	}
}

// TestPostNeedsCSRFAndSameOrigin: a state change without the form's
// token, or from another site, is refused and changes nothing.
func TestPostNeedsCSRFAndSameOrigin(t *testing.T) {
	f := newFixture(t)
	b := f.signIn("binh@sct.example")
	token := b.csrf("/nhiem-vu?ke-hoach=" + url.QueryEscape(planCode) + "&ma=I.2")
	form := func(csrf string) url.Values {
		return url.Values{"csrf": {csrf}, "nv": {kTC}, "lam": {"done"}}
	}
	cases := map[string]func() resp{
		"no token":    func() resp { return b.post("/thao-tac", form("")) },
		"wrong token": func() resp { return b.post("/thao-tac", form(token[:len(token)-2]+"xx")) },
		"foreign origin": func() resp {
			req, _ := http.NewRequest(http.MethodPost, f.base+"/thao-tac", strings.NewReader(form(token).Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", "http://evil.example")
			return b.do(req)
		},
		"cross-site fetch": func() resp {
			req, _ := http.NewRequest(http.MethodPost, f.base+"/thao-tac", strings.NewReader(form(token).Encode()))
			req.Header.Set("Content-Type", "text/plain")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			return b.do(req)
		},
		"token of another browser": func() resp {
			other := f.browser()
			return b.post("/thao-tac", form(other.csrf("/dang-nhap")))
		},
	}
	for name, send := range cases {
		if p := send(); p.status != http.StatusForbidden {
			t.Errorf("%s: %d", name, p.status)
		}
	}
	if a := f.assignment(kTC); a.State != "open" || len(f.audit()) != 0 {
		t.Fatalf("a refused POST changed %s: %+v", kTC, a)
	}
	if p := b.post("/thao-tac", form(token)); p.status != http.StatusOK || f.assignment(kTC).State != "done" {
		t.Fatalf("the same POST with its token: %d %s", p.status, p.body)
	}
}

// TestNoSessionGoesToSignIn: every page of the dashboard needs a session.
func TestNoSessionGoesToSignIn(t *testing.T) {
	f := newFixture(t)
	b := f.browser()
	for _, path := range []string{"/", "/qua-han", "/nhiem-vu?ke-hoach=x&ma=I.1", "/don-vi/tc", "/cua-toi", "/nhat-ky",
		"/bao-cao.csv", "/bao-cao.xlsx", "/tai-lieu?nv=" + url.QueryEscape(kTC) + "&i=0"} {
		p := b.get(path)
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/dang-nhap?sau=") {
			t.Errorf("GET %s without a session: %d %q", path, p.status, p.header.Get("Location"))
		}
	}
	p := b.post("/thao-tac", url.Values{"csrf": {b.csrf("/dang-nhap")}, "nv": {kTC}, "lam": {"done"}})
	if p.status != http.StatusUnauthorized || f.assignment(kTC).State != "open" {
		t.Errorf("POST without a session: %d", p.status)
	}
	// A revoked (signed-out) session is no session.
	s := f.signIn("binh@sct.example")
	if p := s.get("/"); p.status != http.StatusOK {
		t.Fatalf("signed in: %d", p.status)
	}
	cookie := s.c.Jar.Cookies(mustURL(f.base))
	s.post("/dang-xuat", url.Values{"csrf": {s.csrf("/")}})
	replay := f.browser()
	replay.c.Jar.SetCookies(mustURL(f.base), cookie)
	if p := replay.get("/"); p.status != http.StatusSeeOther {
		t.Errorf("a signed-out session's cookie still works: %d", p.status)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// TestGETNeverWrites: no GET of any page, link or file writes to the
// database (its last transaction id stays), signed in or not.
func TestGETNeverWrites(t *testing.T) {
	f := newFixture(t)
	admin := f.signIn("admin@sct.example")
	token, _ := f.srv.SignInLink("binh")
	done, snooze, note := f.links("binh", kTC)
	before, _ := f.db.Version()
	q := "?ke-hoach=" + url.QueryEscape(planCode)
	paths := []string{"/", "/" + q + "&ngay=2024-06-01", "/qua-han", "/qua-han?sap-xep=don-vi", "/nhiem-vu" + q + "&ma=I.2",
		"/don-vi/tc", "/cua-toi", "/nhat-ky", "/bao-cao.csv", "/bao-cao.xlsx", "/tai-lieu?nv=" + url.QueryEscape(kTC) + "&i=0",
		"/dang-nhap", strings.TrimPrefix(token, f.base), done, snooze, note, "/static/style.css", "/khong-co"}
	for _, b := range []*browser{admin, f.browser()} {
		for _, p := range paths {
			b.get(p)
		}
	}
	if after, _ := f.db.Version(); after != before {
		t.Errorf("GETs wrote to the database: transaction %d → %d", before, after)
	}
}
