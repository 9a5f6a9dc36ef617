package ops

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

func TestHandler(t *testing.T) {
	var mu sync.Mutex
	readyErr := errors.New("store not open")
	srv := httptest.NewServer(Handler(HandlerConfig{
		Metrics: NewMetrics("1.2.3"),
		Ready: func() error {
			mu.Lock()
			defer mu.Unlock()
			return readyErr
		},
	}))
	defer srv.Close()

	steps := []struct {
		name     string
		path     string
		ready    bool // make Ready return nil before this request
		wantCode int
		wantBody string // exact; "" checks nothing
	}{
		{"healthz", "/healthz", false, http.StatusOK, "ok\n"},
		{"readyz while not ready", "/readyz", false, http.StatusServiceUnavailable, "not ready: store not open\n"},
		{"healthz while not ready", "/healthz", false, http.StatusOK, "ok\n"},
		{"readyz once ready", "/readyz", true, http.StatusOK, "ready\n"},
		{"metrics", "/metrics", true, http.StatusOK, ""},
		{"root", "/", true, http.StatusNotFound, ""},
		{"unknown", "/debug/pprof/", true, http.StatusNotFound, ""},
		{"subpath", "/healthz/x", true, http.StatusNotFound, ""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.ready {
				mu.Lock()
				readyErr = nil
				mu.Unlock()
			}
			code, body := get(t, srv.URL+st.path)
			if code != st.wantCode {
				t.Errorf("GET %s = %d, want %d", st.path, code, st.wantCode)
			}
			if st.wantBody != "" && body != st.wantBody {
				t.Errorf("GET %s body = %q, want %q", st.path, body, st.wantBody)
			}
			if st.path == "/metrics" && !strings.Contains(body, "nhacviec_build_info{version=\"1.2.3\"} 1\n") {
				t.Errorf("GET /metrics lacks build_info:\n%s", body)
			}
		})
	}
}

func TestHandlerOptional(t *testing.T) {
	srv := httptest.NewServer(Handler(HandlerConfig{}))
	defer srv.Close()
	tests := []struct {
		path     string
		wantCode int
	}{
		{"/readyz", http.StatusOK},        // no Ready: always ready
		{"/metrics", http.StatusNotFound}, // no Metrics: not served
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if code, _ := get(t, srv.URL+tt.path); code != tt.wantCode {
				t.Errorf("GET %s = %d, want %d", tt.path, code, tt.wantCode)
			}
		})
	}
}

func TestHandlerMethod(t *testing.T) {
	srv := httptest.NewServer(Handler(HandlerConfig{}))
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/healthz", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /healthz = %d, want 405", resp.StatusCode)
	}
}
