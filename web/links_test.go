package web

import (
	"bytes"
	"encoding/base64"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// postMultipart sends a form with an optional file, as a browser does.
func (b *browser) postMultipart(path string, fields map[string]string, fileName string, data []byte) resp {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if fileName != "" {
		h := textproto.MIMEHeader{}
		// Browsers write the name as typed, escaping only " and newlines.
		h.Set("Content-Disposition", `form-data; name="tai-lieu"; filename="`+strings.ReplaceAll(fileName, `"`, "%22")+`"`)
		h.Set("Content-Type", "application/pdf")
		fw, _ := w.CreatePart(h)
		fw.Write(data)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.f.base+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", b.f.base)
	return b.do(req)
}

func (f *fixture) links(who, key string) (done, snooze, note string) {
	f.t.Helper()
	d, s, n, ok := f.srv.Links(who, key)
	if !ok {
		f.t.Fatalf("no links for %s on %s", who, key)
	}
	return strings.TrimPrefix(d, f.base), strings.TrimPrefix(s, f.base), strings.TrimPrefix(n, f.base)
}

// TestScannerGETChangesNothing: a mail scanner opens every link of a
// reminder, without cookies, several times: nothing changes.
func TestScannerGETChangesNothing(t *testing.T) {
	f := newFixture(t)
	before := f.assignment(kTC)
	d, s, n := f.links("binh", kTC)
	for range 2 {
		for _, path := range []string{d, s, n} {
			p := f.browser().get(path)
			if p.status != http.StatusOK {
				t.Fatalf("GET %s: %d", path, p.status)
			}
			if p.header.Get("Cache-Control") != "no-store" {
				t.Errorf("link page cacheable")
			}
		}
	}
	after := f.assignment(kTC)
	if after.State != before.State || len(after.Notes) != 0 || !after.SnoozedUntil.IsZero() || len(f.audit()) != 0 {
		t.Errorf("a GET changed the assignment: %+v, audit %v", after, f.audit())
	}
}

// TestDoneLinkWithNoteAndPDF: the "Đã hoàn thành" link's page, confirmed
// with a note and a PDF: done via web, audited, the file kept under a
// generated name and downloaded with its own, the office's digest told;
// a second click shows it done and changes nothing.
func TestDoneLinkWithNoteAndPDF(t *testing.T) {
	f := newFixture(t)
	done, _, _ := f.links("binh", kTC)
	b := f.browser()
	page := b.get(done)
	contains(t, "confirmation page", page.body, "Xác nhận hoàn thành", "Nhiệm vụ I.2</strong>", "Báo cáo &lt;kết quả&gt; &amp; đánh giá", "Trần Thị Bình", "chưa hoàn thành")
	pdf := []byte("%PDF-1.4\n% báo cáo quý II\n")
	name := "Báo cáo <b>&amp;</b>.pdf"
	p := b.postMultipart(done, map[string]string{"csrf": b.csrf(done), "lam": "done", "ghi-chu": "Đã gửi báo cáo số 12"}, name, pdf)
	if p.status != http.StatusOK || !strings.Contains(p.body, "Đã ghi nhận hoàn thành") {
		t.Fatalf("confirm: %d %s", p.status, p.body)
	}
	a := f.assignment(kTC)
	if a.State != scheduler.StateDone || a.DoneVia != "web" || a.DoneBy != "binh" || a.Note != "Đã gửi báo cáo số 12" || !a.DoneAt.Equal(f.clock()) {
		t.Fatalf("after the link: %+v", a)
	}
	if len(a.Evidence) != 1 || a.Evidence[0].Name != name || strings.Contains(a.Evidence[0].Path, "Báo") {
		t.Fatalf("evidence %+v", a.Evidence)
	}
	es := f.audit()
	if len(es) != 2 || es[0].Action != "done" || es[0].Via != "web" || es[1].Action != "evidence" || es[1].Note != name {
		t.Errorf("audit %+v", es)
	}
	var keys []string
	f.db.Scheduler().View(func(tx scheduler.Tx) (err error) { keys, err = tx.Completions(f.clock()); return })
	if !slices.Contains(keys, kTC) {
		t.Errorf("the office's digest gets %v, not %s", keys, kTC)
	}
	// Downloaded by a signed-in person of the office, under its own name.
	office := f.signIn("chanh@sct.example")
	dl := office.get("/tai-lieu?nv=" + url.QueryEscape(kTC) + "&i=0")
	if dl.status != http.StatusOK || dl.body != string(pdf) {
		t.Fatalf("download: %d", dl.status)
	}
	cd := dl.header.Get("Content-Disposition")
	if kind, params, err := mime.ParseMediaType(cd); err != nil || kind != "attachment" || params["filename"] != name {
		t.Errorf("Content-Disposition %q: %s %q %v", cd, kind, params["filename"], err)
	}
	task := office.get("/nhiem-vu?ke-hoach=" + url.QueryEscape(planCode) + "&ma=I.2")
	contains(t, "task page", task.body, "Báo cáo &lt;b&gt;&amp;amp;&lt;/b&gt;.pdf", "Đã gửi báo cáo số 12", "qua trang web", "nộp tài liệu (trang web)")
	// A second click: shown done, nothing changes.
	again := f.browser()
	p = again.get(done)
	contains(t, "second open", p.body, "đã hoàn thành", "không cần xác nhận thêm")
	f.advance(time.Hour)
	p = again.postMultipart(done, map[string]string{"csrf": again.csrf("/dang-nhap"), "lam": "done", "ghi-chu": "lần hai"}, "", nil)
	contains(t, "second confirm", p.body, "đã hoàn thành trước đó", "Không có gì thay đổi")
	if a2 := f.assignment(kTC); !a2.DoneAt.Equal(a.DoneAt) || a2.Note != a.Note || len(f.audit()) != 2 {
		t.Errorf("a second confirm changed %+v", a2)
	}
}

// TestSnoozeAndNoteLinks: each link does its own answer only.
func TestSnoozeAndNoteLinks(t *testing.T) {
	f := newFixture(t)
	_, snooze, note := f.links("binh", kTC2)
	b := f.browser()
	if p := b.post(snooze, url.Values{"csrf": {b.csrf(snooze)}, "lam": {"done"}}); p.status != http.StatusBadRequest {
		t.Errorf("done through the snooze link: %d", p.status)
	}
	p := b.post(snooze, url.Values{"csrf": {b.csrf(snooze)}, "lam": {"snooze"}, "nhac-lai": {"3"}})
	contains(t, "snooze", p.body, "sẽ được nhắc lại từ")
	// 3 working days from Monday 17/06 09:00: Thursday 20/06 at the start of working hours.
	if a := f.assignment(kTC2); !a.SnoozedUntil.Equal(time.Date(2024, 6, 20, 7, 30, 0, 0, vietnam)) || a.State != scheduler.StateOpen {
		t.Errorf("after snooze %+v", a)
	}
	p = b.postMultipart(note, map[string]string{"csrf": b.csrf(note), "lam": "note", "ghi-chu": "Đang lấy ý kiến"}, "", nil)
	contains(t, "note", p.body, "Đã lưu ghi chú")
	if a := f.assignment(kTC2); len(a.Notes) != 1 || a.Notes[0].Text != "Đang lấy ý kiến" || a.Notes[0].By != "binh" {
		t.Errorf("after note %+v", a)
	}
}

// TestBadLinksRefused: tampered, expired, signed by a dropped key, for a
// person no longer in the config, or for another unit: refused.
func TestBadLinksRefused(t *testing.T) {
	f := newFixture(t)
	done, _, _ := f.links("binh", kTC)
	tok := strings.TrimPrefix(done, "/l/")
	payload, sig, _ := strings.Cut(tok, ".")
	// The payload of binh's kTC link, pointed at kt's assignment.
	forged := f.srv.sign(link{who: "binh", assignment: kKT, kind: linkDone, expires: f.clock().Add(time.Hour)})
	fp, _, _ := strings.Cut(forged, ".")
	b := f.browser()
	token := b.csrf("/dang-nhap")
	for name, path := range map[string]string{
		"signature cut":          "/l/" + payload + "." + sig[:len(sig)-2],
		"payload of another":     "/l/" + fp + "." + sig,
		"no signature":           "/l/" + payload,
		"garbage":                "/l/%3Cscript%3E",
		"flipped payload letter": "/l/" + strings.Replace(payload, payload[5:6], map[bool]string{true: "A", false: "B"}[payload[5] != 'A'], 1) + "." + sig,
	} {
		if p := b.get(path); p.status != http.StatusBadRequest {
			t.Errorf("GET %s: %d", name, p.status)
		}
		if p := b.post(path, url.Values{"csrf": {token}, "lam": {"done"}}); p.status != http.StatusBadRequest {
			t.Errorf("POST %s: %d", name, p.status)
		}
	}
	// A person may not get links for another unit's assignment.
	if _, _, _, ok := f.srv.Links("binh", kKT); ok {
		t.Error("links for another unit's assignment")
	}
	// Expired after 60 days.
	f.advance(LinkTTL)
	if p := b.post(done, url.Values{"csrf": {token}, "lam": {"done"}}); p.status != http.StatusGone {
		t.Errorf("expired link: %d", p.status)
	}
	if a := f.assignment(kTC); a.State != scheduler.StateOpen || len(f.audit()) != 0 {
		t.Fatalf("a refused link changed %+v", a)
	}
	// Rotating the key and dropping the old ones ends every link sent, at
	// once in the running door (ReloadKeys, as the admin socket does).
	f.advance(-LinkTTL)
	k, err := f.db.RotateLinkKey(true, f.clock())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.srv.ReloadKeys(); err != nil {
		t.Fatal(err)
	}
	if p := b.get(done); p.status != http.StatusBadRequest {
		t.Errorf("link of a dropped key: %d", p.status)
	}
	fresh, _, _ := f.links("binh", kTC)
	if p := b.get(fresh); p.status != http.StatusOK {
		t.Errorf("a new link after the rotation: %d", p.status)
	}
	payload, _, _ = strings.Cut(strings.TrimPrefix(fresh, "/l/"), ".")
	if raw, _ := base64.RawURLEncoding.DecodeString(payload); !strings.Contains(string(raw), linkSep+k.ID+linkSep) {
		t.Errorf("the new link is not signed by the new key %s: %q", k.ID, raw)
	}
}

// TestUnitMailboxLinks: a unit's shared mailbox gets links for its own
// unit; the change is recorded as the mailbox's.
func TestUnitMailboxLinks(t *testing.T) {
	f := newFixture(t)
	if _, _, _, ok := f.srv.Links("tc", kVP); ok {
		t.Error("tc's mailbox got links for vp's assignment")
	}
	done, _, _ := f.links("tc", kTC)
	b := f.browser()
	b.postMultipart(done, map[string]string{"csrf": b.csrf(done), "lam": "done"}, "", nil)
	if a := f.assignment(kTC); a.State != scheduler.StateDone || a.DoneBy != "unit:tc" {
		t.Errorf("after the mailbox's link: %+v", a)
	}
}

// TestDoneOnDiskBeforeThePage: when the confirmation page arrives, the
// done mark is already in the database file (bbolt commits — writes and
// fsyncs — before the handler answers): a copy of the file taken then has it.
func TestDoneOnDiskBeforeThePage(t *testing.T) {
	f := newFixture(t)
	done, _, _ := f.links("binh", kTC)
	b := f.browser()
	p := b.postMultipart(done, map[string]string{"csrf": b.csrf(done), "lam": "done"}, "", nil)
	raw, err := os.ReadFile(f.db.Path()) // right after the answer
	if err != nil || p.status != http.StatusOK {
		t.Fatalf("%d %v", p.status, err)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(copyPath, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := store.Open(copyPath, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	as, _ := c.Assignments(planCode)
	for _, a := range as {
		if a.Key == kTC && (a.State != scheduler.StateDone || a.DoneVia != "web") {
			t.Errorf("the file holds %+v", a)
		}
	}
}

// TestOneStatePerRequest: a request reads the daemon's state (config,
// tasks, engine state) once, at its start, whatever it shows or changes:
// a reload in the middle of it cannot mix two configs.
func TestOneStatePerRequest(t *testing.T) {
	f := newFixture(t)
	done, _, _ := f.links("binh", kTC)
	b := f.browser()
	token := b.csrf(done)
	for name, do := range map[string]func() resp{
		"confirmation page": func() resp { return b.get(done) },
		"done by the link":  func() resp { return b.post(done, url.Values{"csrf": {token}, "lam": {"done"}}) },
	} {
		before := f.envCalls.Load()
		if p := do(); p.status != http.StatusOK {
			t.Fatalf("%s: %d", name, p.status)
		}
		if n := f.envCalls.Load() - before; n != 1 {
			t.Errorf("%s read the state %d times, want once", name, n)
		}
	}
	office := f.signIn("chanh@sct.example")
	before := f.envCalls.Load()
	if p := office.get("/"); p.status != http.StatusOK {
		t.Fatalf("overview: %d", p.status)
	}
	if n := f.envCalls.Load() - before; n != 1 {
		t.Errorf("the overview read the state %d times, want once", n)
	}
}
