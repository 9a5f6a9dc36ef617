package web

import (
	"net/http"

	"github.com/sct-langson/nhacviec/action"
	"github.com/sct-langson/nhacviec/scheduler"
)

type linkView struct {
	Kind       string
	Token      string
	Who        string
	Assignment assignmentView
	Task       scheduler.Task
	Result     *outcome
	MaxMB      int64
	Upload     bool
}

// checkLink verifies a link's signature, expiry and person, answering
// the request itself when the link is refused.
func (s *Server) checkLink(w http.ResponseWriter, r *http.Request, env Env) (link, action.Actor, bool) {
	l, err := s.verify(r.PathValue("token"))
	if err != nil {
		s.log.Warn("web link refused: bad signature", "remote", clientAddr(r))
		s.fail(w, r, http.StatusBadRequest, "Đường dẫn không hợp lệ (có thể đã bị sửa hoặc cắt mất một phần). Hãy mở lại đường dẫn trong e-mail, hoặc đăng nhập để cập nhật.")
		return l, action.Actor{}, false
	}
	if !s.now().Before(l.expires) {
		s.fail(w, r, http.StatusGone, "Đường dẫn này đã hết hạn (hiệu lực 60 ngày). Hãy đăng nhập để cập nhật nhiệm vụ.")
		return l, action.Actor{}, false
	}
	a, ok := s.resolve(l.who, env)
	if !ok {
		s.fail(w, r, http.StatusForbidden, "Người nhận đường dẫn này không còn trong danh sách của hệ thống.")
		return l, a, false
	}
	return l, a, true
}

func (s *Server) linkData(l link, actor action.Actor, env Env) (linkView, bool, error) {
	a, ok, err := s.assignment(l.assignment)
	if err != nil || !ok {
		return linkView{}, false, err
	}
	view := linkView{Kind: l.kind, Who: actor.Name, Assignment: viewOf(a, &viewer{Actor: actor}, s, env),
		MaxMB: s.cfg.MaxUpload >> 20, Upload: s.cfg.EvidenceDir != ""}
	for _, t := range env.Tasks {
		if t.Plan.Code == a.Plan && t.ID == a.TaskID {
			view.Task = t
		}
	}
	return view, true, nil
}

var linkTitles = map[string]string{linkDone: "Xác nhận hoàn thành", linkSnooze: "Nhắc lại sau", linkNote: "Ghi chú / nộp tài liệu"}

// linkPage shows what a link would do; it never changes anything, since
// mail scanners open every link of a message.
func (s *Server) linkPage(w http.ResponseWriter, r *http.Request) {
	env := s.cfg.Env()
	l, actor, ok := s.checkLink(w, r, env)
	if !ok {
		return
	}
	view, found, err := s.linkData(l, actor, env)
	switch {
	case err != nil:
		s.internal(w, r, err)
		return
	case !found || view.Assignment.State == scheduler.StateArchived:
		s.fail(w, r, http.StatusNotFound, "Nhiệm vụ này không còn trong kế hoạch.")
		return
	case !view.Assignment.CanAct:
		s.fail(w, r, http.StatusForbidden, "Bạn không có quyền cập nhật nhiệm vụ này.")
		return
	}
	view.Token = r.PathValue("token")
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "link", linkTitles[l.kind], view)
}

// linkPost does the one answer the link is for.
func (s *Server) linkPost(w http.ResponseWriter, r *http.Request) {
	env := s.cfg.Env()
	if err := s.readForm(w, r); err != nil {
		s.fail(w, r, http.StatusForbidden, err.Error())
		return
	}
	l, actor, ok := s.checkLink(w, r, env)
	if !ok {
		return
	}
	allowed := map[string][]string{linkDone: {"done"}, linkSnooze: {"snooze"}, linkNote: {"note"}}[l.kind]
	q, err := s.parseRequest(r, env, allowed...)
	if err != nil {
		s.formError(w, r, err)
		return
	}
	o, err := s.perform(actor, l.assignment, q, env)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	view, _, err := s.linkData(l, actor, env)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	view.Result = &o
	status := http.StatusOK
	if !o.OK && !view.Assignment.CanAct {
		status = http.StatusForbidden
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "link", linkTitles[l.kind], view)
}
