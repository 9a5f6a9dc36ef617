package bot

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/notify"
	"github.com/sct-langson/nhacviec/notify/telegram"
	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

const testToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

// Assignments of the test plan (see newEnv).
const (
	kIII21   = "60/KH-SCT|III.2.1@2024|vp"
	kIII221  = "60/KH-SCT|III.2.2.1@2024|vp"
	kII1     = "60/KH-SCT|II.1@2024|qltm"
	kI5vp    = "60/KH-SCT|I.5@2024|vp"
	kI5qltm  = "60/KH-SCT|I.5@2024|qltm"
	kI41June = "60/KH-SCT|I.4.1@2024-06|vp"
)

// Telegram users: An (Văn phòng), Bình (Phòng QLTM), Quản trị (admin,
// no unit), a stranger.
var (
	userAn       = telegramtest.User{ID: 1001, FirstName: "An"}
	userBinh     = telegramtest.User{ID: 2002, FirstName: "Bình"}
	userAdmin    = telegramtest.User{ID: 3003, FirstName: "Quản trị"}
	userStranger = telegramtest.User{ID: 9009, FirstName: "Người lạ"}
)

func ict() *time.Location { return time.FixedZone("ICT", 7*3600) }

// testClock is the clock of the bot, the notifier and the fake server;
// Sleep moves it forward at once.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Add(d)
	return nil
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// logBuffer collects log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is a bot against the fake Bot API server and a real bbolt file.
type env struct {
	t     *testing.T
	srv   *telegramtest.Server
	tg    *telegram.Notifier
	db    *store.DB
	path  string
	eng   *scheduler.Engine
	dir   *org.Directory
	clock *testClock
	logs  *logBuffer
	bot   *Bot
	cfg   func(*Config)

	nextMsg int // ids of hand-made user messages
}

func testDirectory(t *testing.T) *org.Directory {
	t.Helper()
	d, err := org.New(
		[]org.Unit{{ID: "vp", Name: "Văn phòng Sở", Head: "an"}, {ID: "qltm", Name: "Phòng Quản lý thương mại", Head: "binh"}},
		[]org.Group{{ID: "cac-phong", Name: "Các phòng thuộc Sở", Members: []string{"vp", "qltm"}}},
		[]org.Person{
			{ID: "an", Name: "Nguyễn Văn An", Unit: "vp", Role: org.RoleHead, Telegram: userAn.ID},
			{ID: "binh", Name: "Trần Thị Bình", Unit: "qltm", Role: org.RoleStaff, Telegram: userBinh.ID},
			{ID: "quantri", Name: "Quản trị viên", Role: org.RoleAdmin, Telegram: userAdmin.ID},
		})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func testPlan() *plan.Plan {
	mk := func(id, timeline, text string, lead ...string) plan.Task {
		return plan.Task{ID: id, Section: id[:strings.IndexByte(id, '.')], Text: text,
			Timeline: plan.ParseTimeline(timeline), LeadIDs: lead, Output: "Báo cáo"}
	}
	return &plan.Plan{Code: "60/KH-SCT", Year: 2024, Date: time.Date(2024, 6, 13, 0, 0, 0, 0, time.UTC), Source: "p.txt",
		Tasks: []plan.Task{
			mk("I.4.1", "Hằng tháng", "Cập nhật, công khai thủ tục hành chính", "vp"),
			mk("I.5", "Trong năm 2024", "Mỗi phòng có ít nhất một sáng kiến", "cac-phong"),
			mk("II.1", "Trong năm 2024", "Rà soát văn bản quy phạm pháp luật", "qltm"),
			mk("III.2.1", "Trong năm 2024", "Rà soát <quy trình> nội bộ & \"một cửa\"", "vp"),
			mk("III.2.2.1", "Trong năm 2024", "Ban hành quyết định công bố", "vp"),
		}}
}

// newEnv opens a database in a temporary folder, plans the test plan on
// 19/11/2024 08:00 and starts a bot; cfg adjusts the bot's Config.
func newEnv(t *testing.T, cfg func(*Config)) *env {
	t.Helper()
	e := &env{t: t, srv: telegramtest.New(t, testToken), path: filepath.Join(t.TempDir(), "nhacviec.db"),
		dir: testDirectory(t), clock: &testClock{t: time.Date(2024, 11, 19, 8, 0, 0, 0, ict())}, logs: &logBuffer{}, cfg: cfg}
	e.srv.SetClock(e.clock.Now)
	e.open()
	p := testPlan()
	if _, err := e.db.ImportPlan(p); err != nil {
		t.Fatal(err)
	}
	var tasks []scheduler.Task
	for _, task := range p.Tasks {
		tasks = append(tasks, scheduler.Task{Plan: scheduler.PlanInfo{Code: p.Code, Year: 2024,
			Start: calendar.Date{Year: 2024, Month: time.June, Day: 13}}, Task: task})
	}
	if _, err := e.eng.Sync(tasks, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if strings.Contains(e.logs.String(), "refused our HTML") {
			t.Errorf("Telegram refused the bot's HTML:\n%s", e.logs.String())
		}
	})
	return e
}

// open opens the database, the engine, a notifier and a bot.
func (e *env) open() {
	t := e.t
	db, err := store.Open(e.path, store.Options{Now: e.clock.Now, LockTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e.db = db
	days, _ := calendar.ParseDays("2024-01-01, 2024-09-02..2024-09-03")
	cal, err := calendar.New(calendar.Config{Location: ict(), Years: map[int]calendar.Year{2024: {DaysOff: days}}})
	if err != nil {
		t.Fatal(err)
	}
	e.eng = scheduler.New(scheduler.Config{Calendar: cal, Directory: e.dir, Policy: scheduler.DefaultPolicy, Office: "vp"}, db.Scheduler(), nil)
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.tg, err = telegram.New(context.Background(), telegram.Config{Token: testToken, APIEndpoint: e.srv.Endpoint(),
		FileEndpoint: e.srv.FileEndpoint(), Timeout: 5 * time.Second}, log,
		telegram.WithClock(e.clock), telegram.WithKeyboard(Keyboard),
		telegram.WithSentHook(func(chat int64, id int, m *notify.Message) { e.bot.OnSent(chat, id, m) }))
	if err != nil {
		t.Fatal(err)
	}
	c := Config{Notifier: e.tg, Store: db, Engine: e.eng, Directory: func() *org.Directory { return e.dir },
		Now: e.clock.Now, Log: log, Sleep: e.clock.Sleep, Location: ict(), PollTimeout: -1}
	if e.cfg != nil {
		e.cfg(&c)
	}
	e.bot, err = New(c)
	if err != nil {
		t.Fatal(err)
	}
}

// restart closes the database and opens everything again, as a new process.
func (e *env) restart() {
	if err := e.db.Close(); err != nil {
		e.t.Fatal(err)
	}
	e.open()
}

// poll handles the pending updates.
func (e *env) poll() int {
	e.t.Helper()
	n, err := e.bot.Poll(context.Background())
	if err != nil {
		e.t.Fatalf("Poll: %v", err)
	}
	return n
}

func (e *env) assignment(key string) scheduler.Assignment {
	e.t.Helper()
	var a scheduler.Assignment
	err := e.db.Scheduler().View(func(tx scheduler.Tx) error {
		var ok bool
		var err error
		a, ok, err = tx.Assignment(key)
		if err == nil && !ok {
			e.t.Fatalf("no assignment %s", key)
		}
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) audit() []store.AuditEntry {
	e.t.Helper()
	entries, err := e.db.Audit(store.AuditFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	return entries
}

// remind sends a reminder listing keys to chat through the notifier, as
// the pipeline does, and returns the message id of its last part.
func (e *env) remind(chat int64, keys ...string) int {
	e.t.Helper()
	m := &notify.Message{ID: "m-" + strings.Join(keys, ","), Channel: notify.ChannelTelegram, Kind: notify.KindReminder,
		To: notify.Recipient{ID: "an", Name: "Nguyễn Văn An", TelegramID: chat}, At: e.clock.Now(), Title: "Nhắc việc"}
	for _, k := range keys {
		a := e.assignment(k)
		m.Items = append(m.Items, notify.Item{Kind: notify.KindReminder, Assignment: k, TaskID: a.TaskID,
			Occurrence: a.Occurrence, Unit: a.Unit, Text: "Nhiệm vụ " + a.TaskID, Due: a.DueDay.In(ict())})
	}
	if len(keys) > 1 {
		m.Kind = notify.KindDigest
	}
	if _, err := e.tg.Notify(context.Background(), m); err != nil {
		e.t.Fatalf("Notify: %v", err)
	}
	return e.last(chat).MessageID
}

// last is the last message sent to chat.
func (e *env) last(chat int64) telegramtest.Sent {
	e.t.Helper()
	sent := e.srv.SentTo(chat)
	if len(sent) == 0 {
		e.t.Fatalf("nothing sent to chat %d", chat)
	}
	return sent[len(sent)-1]
}

// lastAnswer is the answer to the last button press.
func (e *env) lastAnswer() telegramtest.CallbackAnswer {
	e.t.Helper()
	a := e.srv.Answers()
	if len(a) == 0 {
		e.t.Fatal("no button press answered")
	}
	return a[len(a)-1]
}

// keyboard is the inline keyboard a message shows now, as button data.
func (e *env) keyboard(chat int64, id int) []string {
	e.t.Helper()
	m, ok := e.srv.Message(chat, id)
	if !ok {
		e.t.Fatalf("no message %d in chat %d", id, chat)
	}
	var out []string
	if m.ReplyMarkup != nil {
		for _, row := range m.ReplyMarkup.InlineKeyboard {
			for _, b := range row {
				out = append(out, b.CallbackData)
			}
		}
	}
	return out
}

func contains(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s = %q\nwant it to contain %q", what, got, w)
		}
	}
}

// pushFileReply queues a document sent by user in reply to message
// replyTo: the fake's PushDocument sends no reply.
func (e *env) pushFileReply(chat int64, user telegramtest.User, replyTo int, name string, data []byte) {
	e.t.Helper()
	id := e.srv.AddFile(name, "application/pdf", data)
	doc := telegramtest.Document{FileID: id, FileUniqueID: "u" + id[len(id)-8:], FileName: name, MimeType: "application/pdf", FileSize: len(data)}
	e.pushReplyWith(chat, user, replyTo, func(m *telegramtest.Message) { m.Document = &doc })
}

// pushPhotoReply queues a photo sent in reply to message replyTo.
func (e *env) pushPhotoReply(chat int64, user telegramtest.User, replyTo int, data []byte) {
	e.t.Helper()
	id := e.srv.AddFile("", "image/jpeg", data)
	e.pushReplyWith(chat, user, replyTo, func(m *telegramtest.Message) {
		m.Photo = []telegramtest.PhotoSize{{FileID: id, FileUniqueID: "p1", Width: 90, Height: 90, FileSize: len(data)}}
	})
}

func (e *env) pushReplyWith(chat int64, user telegramtest.User, replyTo int, fill func(*telegramtest.Message)) {
	e.t.Helper()
	orig, ok := e.srv.Message(chat, replyTo)
	if !ok {
		e.t.Fatalf("no message %d in chat %d", replyTo, chat)
	}
	e.nextMsg++
	m := &telegramtest.Message{MessageID: 10000 + e.nextMsg, From: &user, Date: e.clock.Now().Unix(),
		Chat: orig.Chat, ReplyToMessage: &orig}
	fill(m)
	e.srv.PushUpdate(telegramtest.Update{Message: m})
}
