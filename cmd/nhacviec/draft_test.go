package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sct-langson/nhacviec/notify/email/smtptest"
	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
	"github.com/sct-langson/nhacviec/report"
	"github.com/sct-langson/nhacviec/store"
)

const draftSubject = "Dự thảo báo cáo CCHC quý III năm 2024"

// draftIDs are the ids of the report drafts in the outbox.
func draftIDs(t *testing.T, e *env) []string {
	t.Helper()
	db, err := store.Open(filepath.Join(e.dir, "nhacviec.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	recs, err := db.Outbox(store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range recs {
		if strings.HasPrefix(r.Message.ID, "draft|") {
			ids = append(ids, r.Message.ID)
		}
	}
	return ids
}

// TestReportDraftAtCutoff: the Q3 2024 data cut-off is Saturday 14/09; on
// Monday 16/09 at 07:30 the office's head (Telegram by choice) and the
// person of reports.draft_to get the draft by e-mail with its XLSX, whose
// counts are those of `report --period 2024-Q3`, and its printable HTML;
// the head's Telegram has the summary and says where the files went.
// Nothing before the cut-off, nothing twice after a restart.
func TestReportDraftAtCutoff(t *testing.T) {
	smtp := smtptest.New(t, smtptest.Options{Username: "nhacviec", Password: e2ePassword})
	tg := telegramtest.New(t, e2eToken)
	e := newEnv(t)
	e.edit(t, "nhacviec.yaml", "    email: chanhvanphong@sct-langson.example\n", "    email: chanhvanphong@sct-langson.example\n    telegram: 4242\n    channels: [telegram]\n")
	e.edit(t, "nhacviec.yaml", "  draft_to: []\n", "  draft_to: [pgd-1]\n")
	e.useChannels(t, smtp, tg)
	channels := e.setup
	at := func(y, mo, d, h, mi int) { // sets Main's clock, keeping the channels' setup
		e.setup = func(m *Main) {
			channels(m)
			m.now = func() time.Time { return time.Date(y, time.Month(mo), d, h, mi, 0, 0, time.UTC) }
		}
	}

	// Friday 13/09, before the cut-off: plans, no draft.
	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	e.run(t, stopped, "run", "--now", "2024-09-13T10:00")
	if ids := draftIDs(t, e); len(ids) > 0 {
		t.Fatalf("draft queued before the cut-off: %v", ids)
	}
	// preview lists the draft when run sends it, to both, on their channels.
	out, stderr, code := e.run(t, context.Background(), "preview", "--json", "--now", "2024-09-13T10:00", "--to", "2024-09-16T08:00")
	if code != 0 {
		t.Fatalf("preview: exit %d %s", code, stderr)
	}
	var entries []previewEntry
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatal(err)
	}
	var previewed []string
	for _, en := range entries {
		if strings.Contains(en.Title, draftSubject) {
			previewed = append(previewed, en.At.In(time.FixedZone("ICT", 7*3600)).Format("02/01 15:04")+" "+en.Recipient.ID+" "+strings.Join(en.Channels, ",")+" "+en.Title)
		}
	}
	if want := []string{
		"16/09 07:30 chanh-vp telegram,email [Nhắc việc CCHC] " + draftSubject,
		"16/09 07:30 pgd-1 email [Nhắc việc CCHC] " + draftSubject,
	}; !slices.Equal(previewed, want) {
		t.Errorf("preview lists %q, want %q", previewed, want)
	}

	at(2024, 9, 13, 4, 0) // 11:00 in Hà Nội
	if out, stderr, code := e.run(t, context.Background(), "done", "III.2.1", "--note", "Đã ban hành"); code != 0 {
		t.Fatalf("done: %s %s", out, stderr)
	}

	// Monday 16/09, two seconds before the working day starts.
	e.setup = channels
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.run(t, ctx, "run", "--now", "2024-09-16T07:29:58")
	}()
	drafts := func() map[string]smtptest.Message {
		got := map[string]smtptest.Message{}
		for _, m := range smtp.Messages() {
			if strings.Contains(m.Subject(), draftSubject) {
				for _, to := range m.To {
					got[to] = m
				}
			}
		}
		return got
	}
	tgDraft := func() int {
		n := 0
		for _, s := range tg.SentTo(4242) {
			if strings.Contains(s.Text, draftSubject) {
				n++
				if !strings.Contains(s.Text, "đã gửi kèm thư điện tử tới chanhvanphong@sct-langson.example") {
					t.Errorf("the Telegram draft does not say where the files went:\n%s", s.Text)
				}
			}
		}
		return n
	}
	waitFor(t, "the draft to both recipients", func() bool { return len(drafts()) == 2 && tgDraft() == 1 })
	cancel()
	<-done
	got := drafts()
	head, ok := got["chanhvanphong@sct-langson.example"]
	if !ok {
		t.Fatalf("no draft e-mail to the office's head; got %v", got)
	}
	if _, ok := got["pgd1@sct-langson.example"]; !ok {
		t.Errorf("no draft e-mail to the person of reports.draft_to")
	}
	if d := head.Header.Get("Date"); !strings.Contains(d, "16 Sep 2024 07:30") {
		t.Errorf("draft dated %q, want 16 Sep 2024 07:30 (the first working moment after the cut-off)", d)
	}
	parts, err := head.Parts()
	if err != nil {
		t.Fatal(err)
	}
	var xlsx, html []byte
	var text string
	for _, p := range parts {
		switch p.Filename {
		case "du-thao-bao-cao-cchc-2024-Q3.xlsx":
			xlsx = p.Body
		case "du-thao-bao-cao-cchc-2024-Q3.html":
			html = p.Body
		case "":
			if p.ContentType == "text/plain" {
				text = strings.ReplaceAll(string(p.Body), "\r\n", "\n")
			}
		}
	}
	if !bytes.Contains(html, []byte("III.2.1")) || !bytes.Contains(html, []byte("Đã ban hành")) {
		t.Errorf("the printable HTML attachment lacks III.2.1 and its note (%d bytes)", len(html))
	}

	// The attached workbook's counts are those of the CLI's draft.
	at(2024, 9, 20, 3, 0)
	cli, stderr, code := e.run(t, context.Background(), "report", "--period", "2024-Q3")
	if code != 0 {
		t.Fatalf("report: %s", stderr)
	}
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatalf("open the attached XLSX: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(report.SheetDraft)
	if err != nil {
		t.Fatal(err)
	}
	inSheet := map[string]string{}
	for _, r := range rows {
		if len(r) >= 2 {
			inSheet[r[0]] = r[1]
		}
	}
	total := 0
	for _, b := range report.Buckets() {
		m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(b.Label()) + `\s+(\d+)\s*$`).FindStringSubmatch(cli)
		if m == nil {
			t.Fatalf("report --period 2024-Q3 has no count for %q:\n%s", b.Label(), cli)
		}
		if inSheet[b.Label()] != m[1] {
			t.Errorf("%s: %q in the attached XLSX, %s in report --period 2024-Q3", b.Label(), inSheet[b.Label()], m[1])
		}
		if !strings.Contains(text, "- "+b.Label()+": "+m[1]+"\n") {
			t.Errorf("the e-mail's summary lacks %q: %s", b.Label()+": "+m[1], text)
		}
		n, _ := strconv.Atoi(m[1])
		total += n
	}
	if total == 0 || inSheet[report.DoneOnTime.Label()] == "0" && inSheet[report.DoneLate.Label()] == "0" {
		t.Errorf("no assignment, or none done, in the Q3 draft: %v", inSheet)
	}
	_, missing, _ := strings.Cut(cli, "3. ĐƠN VỊ CHƯA BÁO CÁO TIẾN ĐỘ\n")
	if n := strings.Count("\n"+missing, "\n- "); !strings.Contains(text, "Đơn vị chưa báo cáo tiến độ: "+strconv.Itoa(n)+"\n") {
		t.Errorf("the e-mail's summary does not count the %d units that have not reported:\n%q", n, text)
	}

	// A restart the day after queues nothing new, and does not build the
	// draft again to find that out.
	before := draftIDs(t, e)
	if len(before) != 3 { // head: e-mail and Telegram; pgd-1: e-mail
		t.Errorf("draft messages %v, want 3", before)
	}
	at(2024, 9, 17, 2, 0)
	stopped, cancel = context.WithCancel(context.Background())
	cancel()
	_, restartLog, _ := e.run(t, stopped, "run", "--now", "2024-09-17T09:00")
	if after := draftIDs(t, e); len(after) != len(before) {
		t.Errorf("after a restart: %v, before: %v", after, before)
	}
	if strings.Contains(restartLog, "report draft queued") {
		t.Errorf("the restart built the draft again:\n%s", restartLog)
	}
}
