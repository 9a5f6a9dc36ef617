package telegramtest

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
)

// Request is one call the server answered.
type Request struct {
	Method string            // canonical name: "sendMessage"
	Params map[string]string // every parameter, JSON values as JSON text
	Files  []string          // names of uploaded file fields
	Status int               // HTTP status of the answer (200, 429...)
	At     time.Time         // server clock
}

// Sent is a message the server accepted from the bot.
type Sent struct {
	Method    string // sendMessage or sendDocument
	ChatID    int64
	MessageID int
	// Text is what the reader sees: the text (or caption) after entity
	// parsing and trimming.
	Text string
	// Raw is the text or caption parameter as sent.
	Raw       string
	ParseMode string
	Entities  []MessageEntity
	// ReplyMarkup is the reply_markup parameter as sent; Keyboard is the
	// inline keyboard shown under the message, if any.
	ReplyMarkup           string
	Keyboard              *InlineKeyboardMarkup
	DisableWebPagePreview bool
	ReplyTo               int // message id replied to
	Document              *Document
	At                    time.Time
}

// CallbackAnswer is one answerCallbackQuery call.
type CallbackAnswer struct {
	QueryID   string
	Text      string
	ShowAlert bool
	URL       string
	CacheTime int
}

// record keeps c and the status it got. Called with s.mu held.
func (s *Server) record(c *call, status int) {
	files := slices.Collect(maps.Keys(c.files))
	sort.Strings(files)
	s.requests = append(s.requests, Request{Method: c.method, Params: c.params, Files: files, Status: status, At: s.now()})
}

// Requests returns every call answered so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Calls returns the calls of one method (case-insensitive), in order.
func (s *Server) Calls(method string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if strings.EqualFold(r.Method, method) {
			out = append(out, r)
		}
	}
	return out
}

// CountStatus is how many calls were answered with an HTTP status: 429
// counts flood refusals.
func (s *Server) CountStatus(status int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Status == status {
			n++
		}
	}
	return n
}

// Sent returns every message accepted, in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// SentTo returns the messages accepted for one chat, in order.
func (s *Server) SentTo(chatID int64) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Sent
	for _, m := range s.sent {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// Message returns a message as it stands now, after edits; false when it
// does not exist or was deleted.
func (s *Server) Message(chatID int64, messageID int) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[msgKey{chatID, messageID}]
	if !ok {
		return Message{}, false
	}
	return *m, true
}

// Answers returns every answerCallbackQuery call accepted, in order.
func (s *Server) Answers() []CallbackAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.answers)
}

// Forget clears the records of requests, sent messages and callback
// answers; stored messages, files and updates stay.
func (s *Server) Forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.sent, s.answers = nil, nil, nil
}
