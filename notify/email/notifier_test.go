package email

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/email/smtptest"
)

// notifyOK sends m and fails the test unless it is delivered.
func notifyOK(t *testing.T, n *Notifier, m *notify.Message) {
	t.Helper()
	if retry, err := n.Notify(context.Background(), m); err != nil {
		t.Fatalf("Notify(%s): retry=%t err=%v", m.ID, retry, err)
	}
}

// messageWithID is testMessage with another idempotency key.
func messageWithID(id string) *notify.Message {
	m := testMessage()
	m.ID = id
	return m
}

func TestNotifyDeliversOverSTARTTLSWithAuth(t *testing.T) {
	srv := newServer(t)
	n, _ := newNotifier(t, testConfig(srv))
	m := testMessage()
	notifyOK(t, n, m)

	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	msg := got[0]
	if msg.From != testFrom || len(msg.To) != 1 || msg.To[0] != testTo {
		t.Errorf("envelope = %s -> %v, want %s -> [%s]", msg.From, msg.To, testFrom, testTo)
	}
	if s := msg.Subject(); s != "Nhắc việc: 2 nhiệm vụ sắp đến hạn" {
		t.Errorf("Subject = %q", s)
	}
	from, err := mail.ParseAddress(msg.Header.Get("From"))
	if err != nil || from.Name != "Văn phòng Sở Công Thương" || from.Address != testFrom {
		t.Errorf("From = %+v, %v", from, err)
	}
	to, err := mail.ParseAddress(msg.Header.Get("To"))
	if err != nil || to.Name != "Văn phòng Sở" || to.Address != testTo {
		t.Errorf("To = %+v, %v", to, err)
	}
	if id := msg.Header.Get(HeaderMessageID); id != m.ID {
		t.Errorf("%s = %q, want %q", HeaderMessageID, id, m.ID)
	}
	if date, err := msg.Header.Date(); err != nil || !date.Equal(m.At) {
		t.Errorf("Date = %v, %v; want %v", date, err, m.At)
	}
	if a := msg.Header.Get("Auto-Submitted"); a != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", a)
	}

	parts, err := msg.Parts()
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 3 {
		t.Fatalf("got %d MIME parts, want text, html, ics", len(parts))
	}
	text, htmlPart, ics := parts[0], parts[1], parts[2]

	t.Run("text part", func(t *testing.T) {
		if text.ContentType != "text/plain" || !strings.EqualFold(text.Params["charset"], "utf-8") {
			t.Fatalf("first part is %s %v", text.ContentType, text.Params)
		}
		body := strings.ReplaceAll(string(text.Body), "\r\n", "\n")
		for _, want := range []string{
			"Kính gửi: Văn phòng Sở",
			"Các nhiệm vụ dưới đây của Kế hoạch 60/KH-SCT sắp đến hạn.",
			"Sắp đến hạn (2 nhiệm vụ):",
			"1. [III.2.1] " + trickyText,
			"Đơn vị chủ trì: Văn phòng Sở",
			"Thời hạn: 31/12/2024",
			"Tình trạng: còn 5 ngày làm việc",
			"Kết quả/sản phẩm: Báo cáo kết quả rà soát <kèm danh mục>",
			"2. [I.4.1] Xây dựng báo cáo CCHC định kỳ hằng tháng",
			"Thời hạn: 30/12/2024",
			"Khi hoàn thành, vui lòng báo lại cho Văn phòng Sở.",
			"\n-- \n" + Signature,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("text body lacks %q\n%s", want, body)
			}
		}
		for _, bad := range []string{"&lt;", "&gt;", "&amp;", "&#"} {
			if strings.Contains(body, bad) {
				t.Errorf("text body contains HTML escape %q", bad)
			}
		}
	})

	t.Run("html part", func(t *testing.T) {
		if htmlPart.ContentType != "text/html" {
			t.Fatalf("second part is %s", htmlPart.ContentType)
		}
		raw := string(htmlPart.Body)
		if strings.Contains(raw, "<Cổng dịch vụ công>") {
			t.Errorf("task text is not escaped in HTML")
		}
		if strings.Contains(raw, "&amp;lt;") || strings.Contains(raw, "&amp;amp;") {
			t.Errorf("task text is escaped twice")
		}
		shown := html.UnescapeString(raw)
		for _, want := range []string{
			"Kính gửi: Văn phòng Sở", trickyText, "Báo cáo kết quả rà soát <kèm danh mục>",
			"31/12/2024", "còn 5 ngày làm việc", Signature, `<html lang="vi">`,
		} {
			if !strings.Contains(shown, want) {
				t.Errorf("html body lacks %q", want)
			}
		}
	})

	t.Run("calendar attachment", func(t *testing.T) {
		if ics.ContentType != "text/calendar" || ics.Params["method"] != "PUBLISH" ||
			ics.Params["charset"] != "utf-8" || ics.Filename != calendarFile {
			t.Fatalf("attachment = %s %v %q", ics.ContentType, ics.Params, ics.Filename)
		}
		lines := icsUnfold(t, string(ics.Body))
		events := icsEvents(lines)
		if len(events) != 2 {
			t.Fatalf("got %d events, want 2", len(events))
		}
		wantUID := eventUID(m.Items[0], "sct.langson.gov.vn")
		e := events[0]
		for key, want := range map[string]string{
			"UID":                wantUID,
			"DTSTART;VALUE=DATE": "20241231",
			"DTEND;VALUE=DATE":   "20250101",
			"DTSTAMP":            "20241224T010000Z",
			"VALARM/TRIGGER":     "-PT16H",
		} {
			if e[key] != want {
				t.Errorf("event 1 %s = %q, want %q", key, e[key], want)
			}
		}
		if got := icsUnescape(e["SUMMARY"]); got != "[III.2.1] "+trickyText {
			t.Errorf("SUMMARY unescaped = %q", got)
		}
		if d := icsUnescape(e["DESCRIPTION"]); !strings.Contains(d, "Đơn vị chủ trì: Văn phòng Sở\nKết quả/sản phẩm: Báo cáo kết quả rà soát <kèm danh mục>") {
			t.Errorf("DESCRIPTION unescaped = %q", d)
		}
		// 18:00 UTC on 29/12 is 01:00 on 30/12 in Vietnam.
		if got := events[1]["DTSTART;VALUE=DATE"]; got != "20241230" {
			t.Errorf("event 2 DTSTART = %q, want 20241230 (Asia/Ho_Chi_Minh)", got)
		}
	})
}

func TestMessageIDStableAcrossSends(t *testing.T) {
	srv := newServer(t)
	n, _ := newNotifier(t, testConfig(srv))
	notifyOK(t, n, testMessage())
	notifyOK(t, n, testMessage())
	notifyOK(t, n, messageWithID("another-message"))
	got := srv.Messages()
	if len(got) != 3 {
		t.Fatalf("received %d messages", len(got))
	}
	first, second, other := got[0].Header.Get("Message-ID"), got[1].Header.Get("Message-ID"), got[2].Header.Get("Message-ID")
	if first == "" || first != second {
		t.Errorf("Message-ID of the same message differs: %q vs %q", first, second)
	}
	if other == first {
		t.Errorf("different messages share Message-ID %q", first)
	}
	if !strings.HasSuffix(first, "@sct.langson.gov.vn>") {
		t.Errorf("Message-ID %q is not in the sender's domain", first)
	}
}

func TestWrongPasswordIsPermanentAndSecret(t *testing.T) {
	srv := smtptest.New(t, smtptest.Options{Username: testUser, Password: "the-right-one"})
	n, logs := newNotifier(t, testConfig(srv)) // sends testPassword
	retry, err := n.Notify(context.Background(), testMessage())
	if err == nil || retry {
		t.Fatalf("Notify = retry %t, err %v; want a permanent error", retry, err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != 535 || e.EnhancedCode != "5.7.8" {
		t.Errorf("error = %#v, want SMTP 535 5.7.8", e)
	}
	for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), logs.String()} {
		if strings.Contains(text, testPassword) {
			t.Errorf("password leaked: %s", text)
		}
	}
	if len(srv.Messages()) != 0 {
		t.Errorf("server received a message without AUTH")
	}
}

func TestTLSNoneOnlyForLoopback(t *testing.T) {
	cfg := Config{Host: "mail.sct.langson.gov.vn", TLS: TLSNone, From: testFrom}
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "email: tls:") {
		t.Fatalf("New(none, remote host) = %v, want a tls error", err)
	}

	srv := smtptest.New(t, smtptest.Options{NoTLS: true, Username: testUser, Password: testPassword})
	cfg = testConfig(srv)
	cfg.TLS, cfg.RootCAs = TLSNone, nil
	n, _ := newNotifier(t, cfg)
	notifyOK(t, n, testMessage())
	if len(srv.Messages()) != 1 {
		t.Errorf("clear-text delivery to loopback failed")
	}
}

func TestSTARTTLSRequiredButNotOffered(t *testing.T) {
	srv := smtptest.New(t, smtptest.Options{NoTLS: true, Username: testUser, Password: testPassword})
	n, _ := newNotifier(t, testConfig(srv))
	retry, err := n.Notify(context.Background(), testMessage())
	if err == nil || retry {
		t.Fatalf("Notify = retry %t, err %v; want a permanent error", retry, err)
	}
	if !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("error %q does not say STARTTLS is missing", err)
	}
	if len(srv.Messages()) != 0 {
		t.Errorf("message sent in clear text")
	}
}

func TestImplicitTLS(t *testing.T) {
	srv := smtptest.New(t, smtptest.Options{ImplicitTLS: true, Username: testUser, Password: testPassword})
	cfg := testConfig(srv)
	cfg.TLS = TLSImplicit
	n, _ := newNotifier(t, cfg)
	notifyOK(t, n, testMessage())
	if len(srv.Messages()) != 1 {
		t.Errorf("no message over implicit TLS")
	}
}

func TestUntrustedCertificateIsPermanent(t *testing.T) {
	srv := newServer(t)
	cfg := testConfig(srv)
	cfg.RootCAs = nil // system pool: does not know the test CA
	n, _ := newNotifier(t, cfg)
	retry, err := n.Notify(context.Background(), testMessage())
	if err == nil || retry {
		t.Fatalf("Notify = retry %t, err %v; want a permanent certificate error", retry, err)
	}
}

func TestTemporaryFailureThenSuccess(t *testing.T) {
	for _, reuse := range []bool{false, true} {
		t.Run(fmt.Sprintf("reuse=%t", reuse), func(t *testing.T) {
			srv := newServer(t)
			cfg := testConfig(srv)
			cfg.ReuseConnection = reuse
			n, _ := newNotifier(t, cfg)
			srv.FailData(1, 451)
			m := testMessage()
			retry, err := n.Notify(context.Background(), m)
			if err == nil || !retry {
				t.Fatalf("first Notify = retry %t, err %v; want a temporary error", retry, err)
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != 451 || e.EnhancedCode != "4.0.0" || !e.Temporary {
				t.Errorf("error = %+v, want 451 4.0.0", e)
			}
			notifyOK(t, n, m)
			if got := len(srv.Messages()); got != 1 {
				t.Errorf("server kept %d copies, want exactly 1", got)
			}
		})
	}
}

func TestRecipientRejectedIsPermanent(t *testing.T) {
	srv := newServer(t)
	n, _ := newNotifier(t, testConfig(srv))
	srv.RejectRcpt(testTo, 550)
	m := testMessage()
	retry, err := n.Notify(context.Background(), m)
	if err == nil || retry {
		t.Fatalf("Notify = retry %t, err %v; want a permanent error", retry, err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != 550 || e.Recipient != testTo || e.MessageID != m.ID {
		t.Errorf("error = %+v", e)
	}
	for _, want := range []string{"550", testTo, m.ID} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

func TestRecipientWithoutAddress(t *testing.T) {
	srv := newServer(t)
	n, _ := newNotifier(t, testConfig(srv))
	m := testMessage()
	m.To.Email = ""
	retry, err := n.Notify(context.Background(), m)
	if err == nil || retry || !errors.Is(err, errNoAddress) {
		t.Fatalf("Notify = retry %t, err %v; want permanent errNoAddress", retry, err)
	}
	if srv.Connections() != 0 {
		t.Errorf("dialed for a message that cannot be sent")
	}
}

func TestServerDownThenUp(t *testing.T) {
	for _, reuse := range []bool{false, true} {
		t.Run(fmt.Sprintf("reuse=%t", reuse), func(t *testing.T) {
			srv := newServer(t)
			cfg := testConfig(srv)
			cfg.ReuseConnection = reuse
			n, _ := newNotifier(t, cfg)
			notifyOK(t, n, messageWithID("before"))

			if err := srv.Close(); err != nil {
				t.Fatal(err)
			}
			retry, err := n.Notify(context.Background(), messageWithID("during"))
			if err == nil || !retry {
				t.Fatalf("Notify with server down = retry %t, err %v; want temporary", retry, err)
			}

			srv.Restart()
			notifyOK(t, n, messageWithID("during"))
			var ids []string
			for _, m := range srv.Messages() {
				ids = append(ids, m.Header.Get(HeaderMessageID))
			}
			if strings.Join(ids, ",") != "before,during" {
				t.Errorf("server received %v", ids)
			}
		})
	}
}

func TestConnectionReuse(t *testing.T) {
	for _, tc := range []struct {
		reuse bool
		want  int
	}{{reuse: true, want: 1}, {reuse: false, want: 5}} {
		t.Run(fmt.Sprintf("reuse=%t", tc.reuse), func(t *testing.T) {
			srv := newServer(t)
			cfg := testConfig(srv)
			cfg.ReuseConnection = tc.reuse
			n, _ := newNotifier(t, cfg)
			for i := range 5 {
				notifyOK(t, n, messageWithID(fmt.Sprint("m", i)))
			}
			if got := srv.Connections(); got != tc.want {
				t.Errorf("5 messages used %d connections, want %d", got, tc.want)
			}
			if got := len(srv.Messages()); got != 5 {
				t.Errorf("received %d messages, want 5", got)
			}
		})
	}
}

func TestIdleTimeoutRedials(t *testing.T) {
	for _, tc := range []struct {
		pause time.Duration
		want  int
	}{{pause: 59 * time.Second, want: 1}, {pause: time.Minute, want: 2}} {
		t.Run(tc.pause.String(), func(t *testing.T) {
			srv := newServer(t)
			cfg := testConfig(srv)
			cfg.ReuseConnection, cfg.IdleTimeout = true, time.Minute
			now := time.Date(2024, 12, 24, 8, 0, 0, 0, vietnam)
			n, _ := newNotifier(t, cfg, WithClock(func() time.Time { return now }))
			notifyOK(t, n, messageWithID("first"))
			now = now.Add(tc.pause)
			notifyOK(t, n, messageWithID("second"))
			if got := srv.Connections(); got != tc.want {
				t.Errorf("after %s idle: %d connections, want %d", tc.pause, got, tc.want)
			}
		})
	}
}

func TestConcurrentNotifyShareOneConnection(t *testing.T) {
	srv := newServer(t)
	cfg := testConfig(srv)
	cfg.ReuseConnection = true
	n, _ := newNotifier(t, cfg)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			if _, err := n.Notify(context.Background(), messageWithID(fmt.Sprint("c", i))); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(srv.Messages()); got != 8 {
		t.Errorf("received %d messages, want 8", got)
	}
	if got := srv.Connections(); got != 1 {
		t.Errorf("used %d connections, want 1", got)
	}
}

func TestNotifyBatch(t *testing.T) {
	srv := newServer(t)
	n, _ := newNotifier(t, testConfig(srv)) // no reuse: the batch still shares one connection
	rejected := messageWithID("rejected")
	rejected.To.Email = "khongco@sct.langson.gov.vn"
	srv.RejectRcpt(rejected.To.Email, 550)
	noAddress := messageWithID("no-address")
	noAddress.To.Email = ""

	results := n.NotifyBatch(context.Background(), []*notify.Message{
		messageWithID("a"), rejected, noAddress, messageWithID("b"),
	})
	if len(results) != 4 {
		t.Fatalf("got %d results", len(results))
	}
	for i, want := range []struct {
		ok    bool
		retry bool
	}{{ok: true}, {ok: false}, {ok: false}, {ok: true}} {
		if (results[i].Err == nil) != want.ok || results[i].Retry != want.retry {
			t.Errorf("result %d = %+v, want ok=%t retry=%t", i, results[i], want.ok, want.retry)
		}
	}
	var e *Error
	if !errors.As(results[1].Err, &e) || e.Code != 550 || e.MessageID != "rejected" {
		t.Errorf("result 1 error = %v", results[1].Err)
	}
	if got := len(srv.Messages()); got != 2 {
		t.Errorf("received %d messages, want 2", got)
	}
	if got := srv.Connections(); got != 1 {
		t.Errorf("batch used %d connections, want 1", got)
	}
}

func TestCanceledContextIsTemporary(t *testing.T) {
	srv := newServer(t)
	n, _ := newNotifier(t, testConfig(srv))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	retry, err := n.Notify(ctx, testMessage())
	if !retry || !errors.Is(err, context.Canceled) {
		t.Fatalf("Notify(canceled) = retry %t, err %v", retry, err)
	}
	if len(srv.Messages()) != 0 {
		t.Errorf("sent despite a canceled context")
	}
}

func TestNotifyAfterClose(t *testing.T) {
	srv := newServer(t)
	cfg := testConfig(srv)
	cfg.ReuseConnection = true
	n, _ := newNotifier(t, cfg)
	notifyOK(t, n, testMessage())
	if err := n.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	retry, err := n.Notify(context.Background(), testMessage())
	if !retry || !errors.Is(err, ErrClosed) {
		t.Fatalf("Notify after Close = retry %t, err %v", retry, err)
	}
}

func TestDeliveredDespiteFailureAfterData(t *testing.T) {
	srv := newServer(t)
	cfg := testConfig(srv)
	cfg.ReuseConnection = true
	n, logs := newNotifier(t, cfg)
	srv.HangUpAfterData(1) // the server takes the message, then RSET fails
	retry, err := n.Notify(context.Background(), messageWithID("taken"))
	if err != nil || retry {
		t.Fatalf("Notify = retry %t, err %v; a message the server took is delivered", retry, err)
	}
	if !strings.Contains(logs.String(), "delivered, but the connection failed afterwards") {
		t.Errorf("failure after delivery not logged:\n%s", logs)
	}
	notifyOK(t, n, messageWithID("next"))
	if got := len(srv.Messages()); got != 2 {
		t.Errorf("received %d messages, want 2", got)
	}
	if got := srv.Connections(); got != 2 {
		t.Errorf("used %d connections, want 2 (the broken one is not reused)", got)
	}
}

func TestPooledConnectionLostWhileIdleIsRedialed(t *testing.T) {
	srv := newServer(t)
	cfg := testConfig(srv)
	cfg.ReuseConnection = true
	n, _ := newNotifier(t, cfg)
	notifyOK(t, n, messageWithID("before"))
	if err := srv.Close(); err != nil { // drops the pooled connection
		t.Fatal(err)
	}
	srv.Restart()
	// Nothing was sent on the dead connection: no retry needed, dial again.
	notifyOK(t, n, messageWithID("after"))
	if got := srv.Connections(); got != 2 {
		t.Errorf("used %d connections, want 2", got)
	}
	if got := len(srv.Messages()); got != 2 {
		t.Errorf("received %d messages, want 2", got)
	}
}
