package telegramtest

import (
	"net/http"
	"strconv"
	"time"
)

// poller is a getUpdates call waiting for updates.
type poller struct {
	stop chan struct{} // closed when a newer getUpdates takes over
}

// PushUpdate queues u for getUpdates and returns it with its update_id
// (given when zero). Chats and callback queries in it become known.
func (s *Server) PushUpdate(u Update) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.push(u)
}

// push queues u. Called with s.mu held.
func (s *Server) push(u Update) Update {
	if u.UpdateID == 0 {
		u.UpdateID = s.nextUpd
	}
	s.nextUpd = max(s.nextUpd, u.UpdateID) + 1
	for _, m := range []*Message{u.Message, u.EditedMessage, u.ChannelPost, u.EditedChannelPost} {
		if m != nil {
			s.chatState(m.Chat.ID).known = true
		}
	}
	if cb := u.CallbackQuery; cb != nil {
		if _, ok := s.callbacks[cb.ID]; !ok {
			s.callbacks[cb.ID] = &callbackState{}
		}
	}
	s.updates = append(s.updates, u)
	close(s.arrived)
	s.arrived = make(chan struct{})
	return u
}

// userMessage is a new message from a user in a chat, stored with the
// chat's next message id. Called with s.mu held.
func (s *Server) userMessage(chatID int64, from User) *Message {
	cs := s.chatState(chatID)
	if cs.chat.Type == "private" && !cs.known {
		cs.chat.FirstName, cs.chat.LastName, cs.chat.Username = from.FirstName, from.LastName, from.Username
	}
	cs.known = true
	from.IsBot = false
	m := &Message{From: &from, Chat: cs.chat}
	s.store(m)
	return m
}

// commandEntity marks a leading "/command" or "/command@bot" as Telegram
// does, so that clients recognise commands.
func commandEntity(text string) []MessageEntity {
	if len(text) < 2 || text[0] != '/' {
		return nil
	}
	word := func(i int) int {
		for i < len(text) && (isAlpha(text[i]) || isDigit(text[i]) || text[i] == '_') {
			i++
		}
		return i
	}
	end := word(1)
	if end == 1 {
		return nil
	}
	if end < len(text) && text[end] == '@' {
		if at := word(end + 1); at > end+1 {
			end = at
		}
	}
	return []MessageEntity{{Type: "bot_command", Offset: 0, Length: end}}
}

// PushText queues a text message from a user in a chat (chatID equals
// from.ID for a private chat) and returns the update.
func (s *Server) PushText(chatID int64, from User, text string) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.userMessage(chatID, from)
	m.Text, m.Entities = text, commandEntity(text)
	return s.push(Update{Message: m})
}

// PushReply queues a user's text answering the message replyTo of the
// chat (typically one the bot sent).
func (s *Server) PushReply(chatID int64, from User, replyTo int, text string) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	var orig *Message
	if o, ok := s.messages[msgKey{chatID, replyTo}]; ok {
		cp := *o
		cp.ReplyToMessage = nil
		orig = &cp
	}
	m := s.userMessage(chatID, from)
	m.Text, m.Entities, m.ReplyToMessage = text, commandEntity(text), orig
	return s.push(Update{Message: m})
}

// PushDocument queues a file sent by a user, downloadable through getFile.
func (s *Server) PushDocument(chatID int64, from User, name, mimeType string, data []byte, caption string) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.addFile("documents", name, mimeType, data)
	doc := f.document()
	m := s.userMessage(chatID, from)
	m.Document, m.Caption = &doc, caption
	return s.push(Update{Message: m})
}

// PushPhoto queues a photo sent by a user, downloadable through getFile.
func (s *Server) PushPhoto(chatID int64, from User, data []byte, caption string) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.addFile("photos", "", "image/jpeg", data)
	m := s.userMessage(chatID, from)
	m.Photo, m.Caption = photoSizes(f), caption
	return s.push(Update{Message: m})
}

// PushCallback queues a press on a button with callback data under the
// message messageID of the chat. The bot must answer it once with
// answerCallbackQuery.
func (s *Server) PushCallback(chatID int64, from User, messageID int, data string) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := &Message{MessageID: messageID, Chat: s.chatState(chatID).chat}
	if m, ok := s.messages[msgKey{chatID, messageID}]; ok {
		cp := *m
		msg = &cp
	}
	from.IsBot = false
	cb := &CallbackQuery{
		ID:           strconv.FormatInt(int64(s.nextUpd)*7919, 10),
		From:         from,
		Message:      msg,
		ChatInstance: strconv.FormatInt(chatID*-31, 10),
		Data:         data,
	}
	return s.push(Update{CallbackQuery: cb})
}

// Pending is the number of updates not yet confirmed by an offset.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

// getUpdates answers a long poll. A newer call ends the waiting one with
// 409, as Telegram does when two bot instances poll.
func (s *Server) getUpdates(w http.ResponseWriter, c *call) {
	var params [3]int
	for i, name := range []string{"offset", "limit", "timeout"} {
		n, err := c.intParam(name)
		if err != nil {
			s.mu.Lock()
			s.record(c, err.code)
			s.mu.Unlock()
			writeError(w, err)
			return
		}
		params[i] = n
	}
	offset, limit, timeout := params[0], params[1], params[2]
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	answer := func(status int, result any, e *apiError) { // with s.mu held
		s.record(c, status)
		s.mu.Unlock()
		if e != nil {
			writeError(w, e)
		} else {
			writeJSON(w, status, envelope{OK: true, Result: result})
		}
	}

	s.mu.Lock()
	if s.webhook != "" {
		answer(http.StatusConflict, nil, &apiError{code: http.StatusConflict,
			desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"})
		return
	}
	if s.poll != nil {
		close(s.poll.stop)
	}
	me := &poller{stop: make(chan struct{})}
	s.poll = me
	defer func() {
		s.mu.Lock()
		if s.poll == me {
			s.poll = nil
		}
		s.mu.Unlock()
	}()
	s.confirm(offset)
	timer := time.NewTimer(time.Duration(timeout) * time.Second)
	defer timer.Stop()
	for {
		if ups := s.updates[:min(limit, len(s.updates))]; len(ups) > 0 || timeout <= 0 {
			answer(http.StatusOK, append([]Update{}, ups...), nil)
			return
		}
		arrived := s.arrived
		s.mu.Unlock()
		select {
		case <-arrived:
			s.mu.Lock()
		case <-timer.C:
			timeout = 0
			s.mu.Lock()
		case <-me.stop:
			s.mu.Lock()
			answer(http.StatusConflict, nil, &apiError{code: http.StatusConflict,
				desc: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"})
			return
		case <-c.req.Context().Done():
			s.mu.Lock()
			s.record(c, 499) // client went away; nothing is written
			s.mu.Unlock()
			return
		case <-s.closed:
			s.mu.Lock()
			timeout = 0
		}
	}
}

// confirm forgets the updates an offset confirms. Called with s.mu held.
func (s *Server) confirm(offset int) {
	switch {
	case offset > 0:
		i := 0
		for i < len(s.updates) && s.updates[i].UpdateID < offset {
			i++
		}
		s.updates = s.updates[i:]
	case offset < 0:
		if keep := -offset; keep < len(s.updates) {
			s.updates = s.updates[len(s.updates)-keep:]
		}
	}
}
