package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/sct-langson/nhacviec/internal/browsertest"
	"github.com/sct-langson/nhacviec/notify/email/smtptest"
	"github.com/sct-langson/nhacviec/report"
)

// newBrowser starts a headless Chromium with a fresh profile (skipped
// without Chromium, except in CI), bounded to 90 seconds.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(browsertest.New(t), 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// screenshotDir is where the browser tests save their screenshots:
// $NHACVIEC_SCREENSHOTS, or a temporary folder.
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("NHACVIEC_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// shoot saves the page as name-desktop.png and name-phone.png (375 px).
func shoot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	for _, v := range []struct {
		suffix string
		w, h   int64
		mobile bool
	}{{"desktop", 1280, 900, false}, {"phone", 375, 812, true}} {
		emulate := chromedp.EmulateViewport(v.w, v.h)
		if v.mobile {
			emulate = chromedp.EmulateViewport(v.w, v.h, chromedp.EmulateMobile)
		}
		if err := chromedp.Do(ctx, emulate, chromedp.Sleep(100*time.Millisecond)); err != nil {
			t.Fatalf("viewport %s: %v", name, err)
		}
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+"-"+v.suffix+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
}

// mailTo waits for a message to addr whose text part matches re, and
// returns the text part.
func mailTo(t *testing.T, srv *smtptest.Server, addr string, after int, re *regexp.Regexp) (string, int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		msgs := srv.Messages()
		for i := after; i < len(msgs); i++ {
			if !slicesContains(msgs[i].To, addr) {
				continue
			}
			p, err := msgs[i].Part("text/plain")
			if err == nil && re.Match(p.Body) {
				return string(p.Body), i + 1
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no mail to %s matching %s (%d messages)", addr, re, len(srv.Messages()))
	return "", 0
}

// TestBrowser drives the web door in a real headless Chromium against the
// running daemon, its e-mails caught by a real SMTP server: sign in with
// the mailed link, the overview equals `nhacviec report`, a reminder's
// "Đã hoàn thành" link done with a note and a PDF (downloaded back under
// its name), a second click changes nothing, and the office's next digest
// lists the completion. Screenshots go to $NHACVIEC_SCREENSHOTS.
func TestBrowser(t *testing.T) {
	ctx := newBrowser(t)
	shots := screenshotDir(t)
	smtp := smtptest.New(t, smtptest.Options{Username: "nhacviec", Password: e2ePassword})
	e := newEnv(t)
	addr := freePort(t)
	base := "http://" + addr
	e.edit(t, "nhacviec.yaml", "web:\n  listen: \"off\"\n  base_url: http://127.0.0.1:8080\n",
		fmt.Sprintf("web:\n  listen: %s\n  base_url: %s\n", addr, base))
	e.appendConfig(t, fmt.Sprintf("email:\n  host: %s\n  port: %d\n  tls: starttls\n  username: nhacviec\n  password_env: TEST_SMTP_PASSWORD\n  from: nhacviec@sct-langson.example\n", smtp.Host(), smtp.Port()))
	e.vars["TEST_SMTP_PASSWORD"] = e2ePassword
	e.setup = func(m *Main) { m.rootCAs = smtp.CertPool() }
	daemon := func(now string) func() {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			if _, stderr, code := e.run(t, ctx, "run", "--now", now); code != 0 {
				t.Errorf("run: exit %d\n%s", code, stderr)
			}
		}()
		waitFor(t, "the web door", func() bool {
			r, err := http.Get(base + "/dang-nhap")
			if err == nil {
				r.Body.Close()
			}
			return err == nil && r.StatusCode == 200
		})
		return func() { cancel(); <-done }
	}
	stop := daemon("2024-06-14T07:59:58")

	// The 08:00 reminder to Phòng Kế hoạch - Tài chính carries the links.
	reminder, seen := mailTo(t, smtp, "khtc@sct-langson.example", 0, regexp.MustCompile(`Đã hoàn thành: http`))
	links := regexp.MustCompile(`(?m)^\s+(Đã hoàn thành|Nhắc lại sau|Ghi chú / nộp tài liệu): (http\S+)`).FindAllStringSubmatch(reminder, -1)
	if len(links) < 3 {
		t.Fatalf("reminder without links:\n%s", reminder)
	}
	// A mail scanner opens every link: nothing changes (checked below,
	// the done page still asks for confirmation).
	for _, l := range links {
		r, err := http.Get(l[2])
		if err != nil || r.StatusCode != 200 {
			t.Fatalf("scanner GET %s: %v %v", l[2], err, r)
		}
		r.Body.Close()
	}
	doneLink := links[0][2]

	// Sign in as the office's head, with the link the SMTP server caught.
	for i, step := range []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "chanhvanphong@sct-langson.example"),
		chromedp.Submit(chromedp.ID("email")),
		chromedp.WaitVisible(chromedp.CSS("p.msg")),
	} {
		if err := chromedp.Do(ctx, step); err != nil {
			body, _ := chromedp.Run(context.Background(), chromedp.Text(chromedp.CSS("body")))
			t.Fatal(i, err, body)
		}
	}
	var err error
	signIn, seen := mailTo(t, smtp, "chanhvanphong@sct-langson.example", seen, regexp.MustCompile(`/dang-nhap/`))
	link := regexp.MustCompile(`http\S+/dang-nhap/\S+`).FindString(signIn)
	err = chromedp.Do(ctx,
		chromedp.Navigate(link),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("totals")),
		chromedp.Navigate(base+"/?ngay=2024-06-14"),
		chromedp.WaitVisible(chromedp.ID("totals")),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkTotals(t, ctx, e, "2024-06-14")
	shoot(t, ctx, shots, "overview")

	// The "Đã hoàn thành" link: the confirmation page, a note and a PDF.
	pdf := filepath.Join(t.TempDir(), "Báo cáo quý II <số 12> & phụ lục.pdf")
	pdfData := []byte("%PDF-1.4\n% báo cáo kết quả CCHC quý II\n%%EOF\n")
	if err := os.WriteFile(pdf, pdfData, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(doneLink), chromedp.WaitVisible(chromedp.ID("confirm"))); err != nil {
		t.Fatal(err)
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(v)
	}
	attr := func(sel, name string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
		if err != nil || !v.Exists {
			t.Fatalf("attribute %s: %v", name, err)
		}
		return v.Value
	}
	if state := text("#state"); state != "chưa hoàn thành" {
		t.Fatalf("after the scanner's GETs the task is %q", state)
	}
	plan, task := attr("#assignment", "data-plan"), attr("#assignment", "data-task")
	shoot(t, ctx, shots, "confirm")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("note"), "Đã gửi báo cáo số 12 cho Văn phòng Sở"),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{pdf}),
		chromedp.Click(chromedp.ID("confirm")),
		chromedp.WaitVisible(chromedp.ID("result")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if result, state := text("#result"), text("#state"); !strings.Contains(result, "Đã ghi nhận hoàn thành") || state != "đã hoàn thành" {
		t.Fatalf("after confirming: %q, state %q", result, state)
	}

	// The task page lists the document; it downloads under its name.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/nhiem-vu?ke-hoach="+url.QueryEscape(plan)+"&ma="+url.QueryEscape(task)),
		chromedp.WaitVisible(chromedp.CSS(`a[href^="/tai-lieu"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	href := attr(`a[href^="/tai-lieu"]`, "href")
	shoot(t, ctx, shots, "task")
	cookies, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, base+href, nil)
	for _, c := range cookies.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	_, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	if string(body) != string(pdfData) || params["filename"] != filepath.Base(pdf) {
		t.Errorf("download %s: %d %d bytes named %q: %.300s", href, resp.StatusCode, len(body), params["filename"], body)
	}

	// A second click shows it done and changes nothing.
	if err := chromedp.Do(ctx, chromedp.Navigate(doneLink), chromedp.WaitVisible(chromedp.ID("state"))); err != nil {
		t.Fatal(err)
	}
	if again := text("main"); !strings.Contains(again, "đã hoàn thành") || strings.Contains(again, "Xác nhận đã hoàn thành") {
		t.Errorf("second click:\n%s", again)
	}
	stop()

	// The office's next digest (Monday 17/6, 08:00) lists the completion.
	stop = daemon("2024-06-17T07:59:58")
	defer stop()
	digest, _ := mailTo(t, smtp, "chanhvanphong@sct-langson.example", seen, regexp.MustCompile(`Đã hoàn thành`))
	if !strings.Contains(digest, task) {
		t.Errorf("the office's digest lacks %s:\n%s", task, digest)
	}
}

// checkTotals compares the overview's four numbers with `nhacviec report`
// as of the same day.
func checkTotals(t *testing.T, ctx context.Context, e *env, day string) {
	t.Helper()
	out, stderr, code := e.run(t, context.Background(), "report", "--format", "csv", "--at", day)
	if code != 0 {
		t.Fatalf("report: %d %s", code, stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[report.Bucket]int{}
	for _, r := range recs[1:] {
		for _, b := range report.Buckets() {
			for _, cell := range r {
				if cell == b.Label() {
					want[b]++
				}
			}
		}
	}
	for _, b := range report.Buckets() {
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-bucket="`+string(b)+`"]`)))
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := strconv.Atoi(text); n != want[b] {
			t.Errorf("overview %s = %q, report says %d", b.Label(), text, want[b])
		}
	}
}
