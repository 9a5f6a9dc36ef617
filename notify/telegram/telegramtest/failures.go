package telegramtest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Failure is an answer given instead of the normal one, for the next Times
// calls of Method.
type Failure struct {
	// Method is the method name ("sendMessage"); empty matches every method.
	Method string
	// ChatID limits the failure to calls for that chat (chat_id); 0
	// matches every chat.
	ChatID int64
	// After is how many matching calls are answered normally first.
	After int
	// Times is how many calls get this answer; less than 1 means one.
	Times int
	// Code is the HTTP status and error_code: 429, 500, 502...
	Code int
	// Description is Telegram's text; a usual one is chosen from Code when
	// empty ("Too Many Requests: retry after 5").
	Description string
	// RetryAfter is parameters.retry_after, in seconds.
	RetryAfter int
	// MigrateToChatID is parameters.migrate_to_chat_id.
	MigrateToChatID int64
	// Gateway answers with a reverse proxy's HTML error page, not JSON, as
	// nginx in front of the Bot API does when the upstream fails.
	Gateway bool
}

// Fail queues f: the next matching calls answer with it. Failures queued
// earlier are used up first.
func (s *Server) Fail(f Failure) {
	if f.Times < 1 {
		f.Times = 1
	}
	if f.Code == 0 {
		f.Code = http.StatusInternalServerError
	}
	if f.Description == "" {
		f.Description = describe(f.Code, f.RetryAfter)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &f)
}

// TooManyRequests makes the next n calls, of any method, answer 429 with
// retry_after seconds, as Telegram's flood control does.
func (s *Server) TooManyRequests(n, retryAfter int) {
	s.Fail(Failure{Times: n, Code: http.StatusTooManyRequests, RetryAfter: retryAfter})
}

// BadGateway makes the next n calls, of any method, get a gateway's HTML
// "502 Bad Gateway" page.
func (s *Server) BadGateway(n int) {
	s.Fail(Failure{Times: n, Code: http.StatusBadGateway, Gateway: true})
}

func describe(code, retryAfter int) string {
	switch code {
	case http.StatusTooManyRequests:
		return "Too Many Requests: retry after " + strconv.Itoa(retryAfter)
	case http.StatusBadRequest:
		return "Bad Request"
	case http.StatusUnauthorized:
		return "Unauthorized"
	case http.StatusForbidden:
		return "Forbidden"
	case http.StatusNotFound:
		return "Not Found"
	case http.StatusConflict:
		return "Conflict"
	default:
		return http.StatusText(code)
	}
}

// injected returns the failure the next call of method gets, if any, and
// uses it up. The first matching failure decides. Called with s.mu held.
func (s *Server) injected(method string, chatID int64) *Failure {
	for i, f := range s.failures {
		if f.Method != "" && !strings.EqualFold(f.Method, method) {
			continue
		}
		if f.ChatID != 0 && f.ChatID != chatID {
			continue
		}
		if f.After > 0 {
			f.After--
			return nil
		}
		answer := *f
		if f.Times--; f.Times == 0 {
			s.failures = append(s.failures[:i], s.failures[i+1:]...)
		}
		return &answer
	}
	return nil
}

func (f *Failure) status() int { return f.Code }

func (f *Failure) write(w http.ResponseWriter) {
	if f.Gateway {
		text := fmt.Sprintf("%d %s", f.Code, http.StatusText(f.Code))
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Code)
		fmt.Fprintf(w, "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", text, text)
		return
	}
	e := &apiError{code: f.Code, desc: f.Description}
	if f.RetryAfter > 0 || f.MigrateToChatID != 0 {
		e.params = &ResponseParameters{RetryAfter: f.RetryAfter, MigrateToChatID: f.MigrateToChatID}
	}
	writeError(w, e)
}

// chatState is what the server knows of a chat.
type chatState struct {
	chat  Chat
	known bool      // added or seen; matters with RequireKnownChats
	fail  *apiError // answer to every call naming this chat
}

func (s *Server) chatState(id int64) *chatState {
	cs, ok := s.chats[id]
	if !ok {
		cs = &chatState{chat: defaultChat(id)}
		s.chats[id] = cs
	}
	return cs
}

// defaultChat describes a chat from its id alone: positive ids are users,
// -100… ids supergroups, other negative ids basic groups.
func defaultChat(id int64) Chat {
	switch {
	case id > 0:
		return Chat{ID: id, Type: "private", FirstName: fmt.Sprintf("Người dùng %d", id)}
	case id <= -1000000000000:
		return Chat{ID: id, Type: "supergroup", Title: fmt.Sprintf("Nhóm %d", -id)}
	default:
		return Chat{ID: id, Type: "group", Title: fmt.Sprintf("Nhóm %d", -id)}
	}
}

// AddChat makes a chat known, with its type, title or name and username.
// An empty Type is derived from the id.
func (s *Server) AddChat(c Chat) {
	if c.Type == "" {
		c.Type = defaultChat(c.ID).Type
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.chatState(c.ID)
	cs.chat, cs.known = c, true
}

// RequireKnownChats makes every chat that was neither added with AddChat
// nor seen in a pushed update answer 400 "chat not found", as Telegram does
// for users who never started the bot.
func (s *Server) RequireKnownChats() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.knownOnly = true
}

// FailChat makes every call naming the chat answer with code and
// description ("Forbidden: bot was blocked by the user"), until ClearChat.
func (s *Server) FailChat(chatID int64, code int, description string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatState(chatID).fail = &apiError{code: code, desc: description}
}

// ClearChat undoes FailChat and the helpers built on it.
func (s *Server) ClearChat(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatState(chatID).fail = nil
}

// BlockChat plays a user who blocked the bot: 403 "Forbidden: bot was
// blocked by the user".
func (s *Server) BlockChat(chatID int64) {
	s.FailChat(chatID, http.StatusForbidden, "Forbidden: bot was blocked by the user")
}

// UnknownChat plays a chat the bot cannot see: 400 "Bad Request: chat not
// found".
func (s *Server) UnknownChat(chatID int64) {
	s.FailChat(chatID, http.StatusBadRequest, "Bad Request: chat not found")
}

// DeactivateUser plays a deleted account: 403 "Forbidden: user is
// deactivated".
func (s *Server) DeactivateUser(chatID int64) {
	s.FailChat(chatID, http.StatusForbidden, "Forbidden: user is deactivated")
}

// KickBot plays the bot removed from a group: 403 "Forbidden: bot was kicked
// from the group chat" (or "supergroup chat").
func (s *Server) KickBot(chatID int64) {
	kind := "group"
	if defaultChat(chatID).Type == "supergroup" {
		kind = "supergroup"
	}
	s.FailChat(chatID, http.StatusForbidden, "Forbidden: bot was kicked from the "+kind+" chat")
}

// MigrateChat plays a group upgraded to a supergroup: 400 "Bad Request:
// group chat was upgraded to a supergroup chat" with migrate_to_chat_id.
func (s *Server) MigrateChat(chatID, newID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatState(chatID).fail = &apiError{code: http.StatusBadRequest,
		desc:   "Bad Request: group chat was upgraded to a supergroup chat",
		params: &ResponseParameters{MigrateToChatID: newID}}
}

// chat resolves the chat_id parameter and applies the chat's failure and
// the known-chats rule. Called with s.mu held.
func (s *Server) chat(c *call) (*chatState, *apiError) {
	raw := strings.TrimSpace(c.params["chat_id"])
	if raw == "" {
		return nil, badRequest("chat_id is empty")
	}
	var cs *chatState
	if name, ok := strings.CutPrefix(raw, "@"); ok {
		for _, st := range s.chats {
			if st.chat.Username != "" && strings.EqualFold(st.chat.Username, name) {
				cs = st
			}
		}
		if cs == nil {
			return nil, badRequest("chat not found")
		}
	} else {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id == 0 {
			return nil, badRequest("chat not found")
		}
		cs = s.chatState(id)
	}
	if cs.fail != nil {
		e := *cs.fail
		return nil, &e
	}
	if s.knownOnly && !cs.known {
		return nil, badRequest("chat not found")
	}
	return cs, nil
}
