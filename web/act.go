package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sct-langson/nhacviec/action"
	"github.com/sct-langson/nhacviec/calendar"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// maxNote bounds a note, as the bot does.
const maxNote = 2000

// request is a change asked through a form: what to do, and with what.
type request struct {
	Do    string // done, undo, snooze, note
	Note  string
	Until time.Time
	File  *upload
}

type upload struct {
	name string
	data []byte
}

// errForm is a form a person must correct; its text is Vietnamese.
type errForm struct{ msg string }

func (e errForm) Error() string { return e.msg }

// readForm parses a (multipart) form within the upload cap and checks its
// CSRF token.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+1<<20)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if ct == "multipart/form-data" {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return errForm{fmt.Sprintf("Tệp quá lớn: tối đa %d MB.", s.cfg.MaxUpload>>20)}
	case err != nil:
		return errForm{"Biểu mẫu không hợp lệ."}
	case !s.csrfOK(r):
		return errForm{"Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang và thử lại."}
	}
	return nil
}

// parseRequest reads what the form asks, allowing only the answers in allowed.
func (s *Server) parseRequest(r *http.Request, env Env, allowed ...string) (request, error) {
	q := request{Do: r.PostFormValue("lam"), Note: strings.TrimSpace(r.PostFormValue("ghi-chu"))}
	ok := false
	for _, a := range allowed {
		ok = ok || q.Do == a
	}
	if !ok {
		return q, errForm{"Thao tác không hợp lệ."}
	}
	if utf8.RuneCountInString(q.Note) > maxNote {
		return q, errForm{fmt.Sprintf("Ghi chú quá dài: tối đa %d ký tự.", maxNote)}
	}
	if q.Do == "snooze" {
		now := s.now()
		// Working days, as the bot and the letters count them; a week is 5.
		switch v := r.PostFormValue("nhac-lai"); v {
		case "1", "3", "5":
			q.Until = action.SnoozeFor(env.Calendar, now, int(v[0]-'0'))
		default:
			d, err := calendar.ParseDate(r.PostFormValue("ngay-nhac"))
			if err != nil {
				return q, errForm{"Hãy chọn thời gian nhắc lại."}
			}
			q.Until = action.SnoozeUntilDay(env.Calendar, d)
			if !q.Until.After(now) {
				return q, errForm{"Ngày nhắc lại phải ở tương lai."}
			}
		}
	}
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File["tai-lieu"]; len(fhs) > 0 && fhs[0].Size > 0 {
			u, err := s.readUpload(fhs[0])
			if err != nil {
				return q, err
			}
			q.File = u
		}
	}
	if q.Do == "note" && q.Note == "" && q.File == nil {
		return q, errForm{"Hãy nhập ghi chú hoặc chọn tệp tài liệu."}
	}
	return q, nil
}

// readUpload keeps the name as the browser sent it: FileHeader.Filename
// has been cut to its last path element, which would cut a name such as
// "Báo cáo <b>&amp;</b>.pdf".
func (s *Server) readUpload(fh *multipart.FileHeader) (*upload, error) {
	if s.cfg.EvidenceDir == "" {
		return nil, errForm{"Hệ thống chưa được cấu hình nơi lưu tài liệu."}
	}
	if fh.Size > s.cfg.MaxUpload {
		return nil, errForm{fmt.Sprintf("Tệp quá lớn: tối đa %d MB.", s.cfg.MaxUpload>>20)}
	}
	name := fh.Filename
	if _, params, err := mime.ParseMediaType(fh.Header.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		name = params["filename"]
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, s.cfg.MaxUpload+1))
	if err != nil {
		return nil, err
	}
	return &upload{name: name, data: data}, nil
}

// outcome is what a change did, worded for the page.
type outcome struct {
	OK         bool
	Text       string
	Assignment assignmentView
}

// perform applies q for actor on the assignment key: the file is kept
// (fsynced) first, then the changes and their audit entries are written
// in one transaction, committed (fsynced by bbolt) before this returns,
// so the page that says "done" is shown only for a durable change.
func (s *Server) perform(actor action.Actor, key string, q request, env Env) (outcome, error) {
	now := s.now()
	c := action.Change{Actor: actor, Via: action.ViaWeb, At: now}
	var ev *scheduler.Evidence
	if q.File != nil {
		if !actor.MayUnit(action.UnitOfKey(key)) {
			return s.worded(action.Outcome{Status: action.Forbidden}, q, env), nil
		}
		kept, err := action.KeepEvidence(s.cfg.EvidenceDir, key, q.File.name, q.File.data)
		if err != nil {
			return outcome{}, err
		}
		ev = &kept
	}
	var last action.Outcome
	err := s.cfg.Store.ApplyChange(func(tx scheduler.Tx, audit func(store.AuditEntry) error) error {
		var reqs []action.Request
		switch q.Do {
		case "done":
			reqs = append(reqs, action.Request{Kind: action.Done, Note: q.Note})
		case "undo":
			reqs = append(reqs, action.Request{Kind: action.Undo})
		case "snooze":
			reqs = append(reqs, action.Request{Kind: action.Snooze, Until: q.Until})
		case "note":
			if q.Note != "" {
				reqs = append(reqs, action.Request{Kind: action.Note, Note: q.Note})
			}
		}
		if ev != nil {
			reqs = append(reqs, action.Request{Kind: action.Evidence, Evidence: ev})
		}
		for _, x := range reqs {
			o, err := action.Apply(tx, audit, env.Planner, c, key, x)
			if err != nil {
				return err
			}
			last = o
			if !o.Changed() {
				break // the first refusal stops the rest
			}
		}
		return nil
	})
	if err != nil {
		return outcome{}, err
	}
	if last.Changed() || last.Status != action.Forbidden {
		s.log.Info("web change", "who", actor.Who, "assignment", key, "do", q.Do, "changed", last.Changed())
	} else {
		s.log.Info("web change refused", "who", actor.Who, "unit", actor.Unit, "assignment", key, "do", q.Do)
	}
	return s.worded(last, q, env), nil
}

func (s *Server) worded(o action.Outcome, q request, env Env) outcome {
	a := o.Assignment
	out := outcome{OK: o.Changed(), Assignment: viewOf(a, nil, s, env)}
	name := scheduler.OccurrenceName(a.Occurrence)
	switch o.Status {
	case action.Gone:
		out.Text = "Nhiệm vụ này không còn trong kế hoạch."
	case action.Forbidden:
		out.Text = "Bạn không có quyền cập nhật nhiệm vụ của " + s.unitName(env, a.Unit) + ". Chỉ cán bộ của đơn vị chủ trì hoặc quản trị viên mới được cập nhật."
		if a.Unit == "" {
			out.Text = "Bạn không có quyền cập nhật nhiệm vụ này."
		}
	case action.AlreadyDone:
		out.Text = "Nhiệm vụ " + name + " đã hoàn thành trước đó (" + a.DoneAt.In(env.Calendar.Location()).Format("15:04 02/01/2006") + "). Không có gì thay đổi."
	case action.NotDone:
		out.Text = "Nhiệm vụ " + name + " chưa hoàn thành."
	case action.NotOpen:
		out.Text = "Nhiệm vụ " + name + " đã hoàn thành, không cần nhắc lại."
	case action.Applied:
		switch q.Do {
		case "done":
			out.Text = "Đã ghi nhận hoàn thành nhiệm vụ " + name + ". Văn phòng Sở sẽ nhận được thông báo trong bản tổng hợp tiếp theo."
		case "undo":
			out.Text = "Nhiệm vụ " + name + " được mở lại; hệ thống sẽ tiếp tục nhắc việc."
		case "snooze":
			out.Text = "Nhiệm vụ " + name + " sẽ được nhắc lại từ " + q.Until.In(env.Calendar.Location()).Format("15:04 02/01/2006") + "."
		default:
			out.Text = "Đã lưu ghi chú/tài liệu cho nhiệm vụ " + name + "."
		}
	}
	return out
}

// dashboardAction is a change made from the task page by a signed-in person.
func (s *Server) dashboardAction(w http.ResponseWriter, r *http.Request, v *viewer, env Env) {
	if err := s.readForm(w, r); err != nil {
		s.fail(w, r, http.StatusForbidden, err.Error())
		return
	}
	q, err := s.parseRequest(r, env, "done", "undo", "snooze", "note")
	if err != nil {
		s.formError(w, r, err)
		return
	}
	o, err := s.perform(v.Actor, r.PostFormValue("nv"), q, env)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	status := http.StatusOK
	if !o.OK && o.Assignment.Key == "" || !o.OK && strings.HasPrefix(o.Text, "Bạn không có quyền") {
		status = http.StatusForbidden
	}
	s.render(w, r, status, "result", "Kết quả", resultView{outcome: o, Back: taskURL(o.Assignment.Assignment)})
}

func (s *Server) formError(w http.ResponseWriter, r *http.Request, err error) {
	var fe errForm
	if errors.As(err, &fe) {
		s.fail(w, r, http.StatusBadRequest, fe.msg)
		return
	}
	s.internal(w, r, err)
}

type resultView struct {
	outcome
	Back string
}

func taskURL(a scheduler.Assignment) string {
	if a.Key == "" {
		return "/"
	}
	return "/nhiem-vu?ke-hoach=" + urlQueryEscape(a.Plan) + "&ma=" + urlQueryEscape(a.TaskID)
}
