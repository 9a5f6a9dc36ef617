package telegramtest

import (
	"encoding/json"
	"reflect"
	"strings"
)

// Telegram's size limits, in UTF-16 code units after entity parsing.
const (
	MaxTextLen    = 4096
	MaxCaptionLen = 1024
	// MaxCallbackData is the most bytes callback_data may hold.
	MaxCallbackData = 64
)

// formatText parses text in parse_mode and trims it as Telegram does.
func (s *Server) formatText(text, parseMode, entities string) (string, []MessageEntity, *apiError) {
	var ents []MessageEntity
	switch strings.ToLower(parseMode) {
	case "":
		if entities != "" {
			if err := json.Unmarshal([]byte(entities), &ents); err != nil {
				return "", nil, badRequest("can't parse entities JSON object")
			}
		}
	case "html":
		plain, parsed, err := parseHTML(text, !s.lenient)
		if err != nil {
			return "", nil, badRequest("can't parse entities: " + err.Error())
		}
		text, ents = plain, parsed
	case "markdown", "markdownv2":
		// Not parsed by the fake: the text is kept as sent.
	default:
		return "", nil, badRequest("unsupported parse_mode")
	}
	text, ents = trimText(text, ents)
	return text, ents, nil
}

// parseMarkup checks reply_markup like Telegram and returns the inline
// keyboard it holds, if any (an empty keyboard removes the current one).
func parseMarkup(raw string) (*InlineKeyboardMarkup, *apiError) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &obj); err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	rowsRaw, inline := obj["inline_keyboard"]
	if !inline {
		for _, k := range []string{"keyboard", "remove_keyboard", "force_reply"} {
			if _, ok := obj[k]; ok {
				return nil, nil // reply keyboards are not part of the message
			}
		}
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	var rows [][]map[string]json.RawMessage
	if string(rowsRaw) == "null" || json.Unmarshal(rowsRaw, &rows) != nil {
		return nil, badRequest(`field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays`)
	}
	kb := &InlineKeyboardMarkup{InlineKeyboard: [][]InlineKeyboardButton{}}
	for _, row := range rows {
		var out []InlineKeyboardButton
		for _, fields := range row {
			var b InlineKeyboardButton
			if err := json.Unmarshal(mustJSON(fields), &b); err != nil {
				return nil, badRequest("can't parse inline keyboard button: " + err.Error())
			}
			if _, ok := fields["text"]; !ok {
				return nil, badRequest(`can't parse inline keyboard button: Field "text" must be of type String`)
			}
			if data, ok := fields["callback_data"]; ok {
				var d string
				if json.Unmarshal(data, &d) != nil || d == "" || len(d) > MaxCallbackData {
					return nil, badRequest("BUTTON_DATA_INVALID")
				}
			}
			if len(fields) == 1 {
				return nil, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
			}
			out = append(out, b)
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, out)
	}
	return kb, nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// attached is the keyboard a message shows: none for an empty one.
func attached(kb *InlineKeyboardMarkup) *InlineKeyboardMarkup {
	if kb == nil || len(kb.InlineKeyboard) == 0 {
		return nil
	}
	return kb
}

// store gives m the chat's next message id and keeps it. Called with s.mu held.
func (s *Server) store(m *Message) {
	s.nextMsgID[m.Chat.ID]++
	m.MessageID = s.nextMsgID[m.Chat.ID]
	m.Date = s.now().Unix()
	s.messages[msgKey{m.Chat.ID, m.MessageID}] = m
}

// replyTo finds the message replied to, as the reply_to_message_id
// parameter names it.
func (s *Server) replyTo(c *call, chatID int64) (*Message, *apiError) {
	id, err := c.intParam("reply_to_message_id")
	if err != nil || id == 0 {
		return nil, err
	}
	m, ok := s.messages[msgKey{chatID, id}]
	if !ok {
		if c.boolParam("allow_sending_without_reply") {
			return nil, nil
		}
		return nil, badRequest("message to be replied not found")
	}
	cp := *m
	cp.ReplyToMessage = nil // Telegram does not nest replies further
	return &cp, nil
}

// messageText checks the text and keyboard of sendMessage and
// editMessageText as Telegram does.
func (s *Server) messageText(c *call) (string, []MessageEntity, *InlineKeyboardMarkup, *apiError) {
	text, ents, err := s.formatText(c.params["text"], c.params["parse_mode"], c.params["entities"])
	if err != nil {
		return "", nil, nil, err
	}
	if text == "" {
		return "", nil, nil, badRequest("message text is empty")
	}
	if UTF16Len(text) > MaxTextLen {
		return "", nil, nil, badRequest("message is too long")
	}
	kb, err := parseMarkup(c.params["reply_markup"])
	if err != nil {
		return "", nil, nil, err
	}
	return text, ents, kb, nil
}

func (s *Server) sendMessage(c *call) (any, *apiError) {
	cs, err := s.chat(c)
	if err != nil {
		return nil, err
	}
	text, ents, kb, err := s.messageText(c)
	if err != nil {
		return nil, err
	}
	reply, err := s.replyTo(c, cs.chat.ID)
	if err != nil {
		return nil, err
	}
	if err := s.flood(cs.chat.ID); err != nil {
		return nil, err
	}
	bot := s.bot
	m := &Message{From: &bot, Chat: cs.chat, Text: text, Entities: ents, ReplyMarkup: attached(kb), ReplyToMessage: reply}
	s.store(m)
	s.sent = append(s.sent, Sent{
		Method: c.method, ChatID: cs.chat.ID, MessageID: m.MessageID, Text: text, Raw: c.params["text"],
		ParseMode: c.params["parse_mode"], Entities: ents, ReplyMarkup: c.params["reply_markup"], Keyboard: m.ReplyMarkup,
		DisableWebPagePreview: c.boolParam("disable_web_page_preview"), ReplyTo: replyID(reply), At: s.now(),
	})
	return *m, nil
}

func replyID(m *Message) int {
	if m == nil {
		return 0
	}
	return m.MessageID
}

// editable finds the bot's message named by chat_id and message_id.
func (s *Server) editable(c *call, notFound string) (*Message, *apiError) {
	cs, err := s.chat(c)
	if err != nil {
		return nil, err
	}
	id, err := c.intParam("message_id")
	if err != nil {
		return nil, err
	}
	if id == 0 {
		return nil, badRequest("message identifier is not specified")
	}
	m, ok := s.messages[msgKey{cs.chat.ID, id}]
	if !ok {
		return nil, badRequest(notFound)
	}
	if m.From == nil || m.From.ID != s.bot.ID {
		return nil, badRequest("message can't be edited")
	}
	return m, nil
}

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

func (s *Server) editMessageText(c *call) (any, *apiError) {
	if c.params["inline_message_id"] != "" {
		return true, nil
	}
	m, err := s.editable(c, "message to edit not found")
	if err != nil {
		return nil, err
	}
	text, ents, kb, err := s.messageText(c)
	if err != nil {
		return nil, err
	}
	kb = attached(kb) // without reply_markup the keyboard goes away
	if text == m.Text && reflect.DeepEqual(ents, m.Entities) && reflect.DeepEqual(kb, m.ReplyMarkup) {
		return nil, badRequest(notModified)
	}
	edited := *m
	edited.Text, edited.Entities, edited.ReplyMarkup, edited.EditDate = text, ents, kb, s.now().Unix()
	s.messages[msgKey{m.Chat.ID, m.MessageID}] = &edited
	return edited, nil
}

func (s *Server) editMessageReplyMarkup(c *call) (any, *apiError) {
	if c.params["inline_message_id"] != "" {
		return true, nil
	}
	m, err := s.editable(c, "message to edit not found")
	if err != nil {
		return nil, err
	}
	kb, err := parseMarkup(c.params["reply_markup"])
	if err != nil {
		return nil, err
	}
	kb = attached(kb)
	if reflect.DeepEqual(kb, m.ReplyMarkup) {
		return nil, badRequest(notModified)
	}
	edited := *m
	edited.ReplyMarkup, edited.EditDate = kb, s.now().Unix()
	s.messages[msgKey{m.Chat.ID, m.MessageID}] = &edited
	return edited, nil
}

func (s *Server) deleteMessage(c *call) (any, *apiError) {
	cs, err := s.chat(c)
	if err != nil {
		return nil, err
	}
	id, err := c.intParam("message_id")
	if err != nil {
		return nil, err
	}
	key := msgKey{cs.chat.ID, id}
	if _, ok := s.messages[key]; !ok {
		return nil, badRequest("message to delete not found")
	}
	delete(s.messages, key)
	return true, nil
}

func (s *Server) sendChatAction(c *call) (any, *apiError) {
	if _, err := s.chat(c); err != nil {
		return nil, err
	}
	if c.params["action"] == "" {
		return nil, badRequest("wrong parameter action in request")
	}
	return true, nil
}

func (s *Server) sendDocument(c *call) (any, *apiError) {
	cs, err := s.chat(c)
	if err != nil {
		return nil, err
	}
	var f *storedFile
	if up, ok := c.files["document"]; ok {
		f = s.addFile("documents", up.name, up.mime, up.data)
	} else if id := c.params["document"]; id != "" {
		if f = s.files[id]; f == nil {
			return nil, badRequest("wrong file identifier/HTTP URL specified")
		}
	} else {
		return nil, badRequest("there is no document in the request")
	}
	caption, ents, err := s.formatText(c.params["caption"], c.params["parse_mode"], c.params["caption_entities"])
	if err != nil {
		return nil, err
	}
	if UTF16Len(caption) > MaxCaptionLen {
		return nil, badRequest("message caption is too long")
	}
	kb, err := parseMarkup(c.params["reply_markup"])
	if err != nil {
		return nil, err
	}
	if err := s.flood(cs.chat.ID); err != nil {
		return nil, err
	}
	bot := s.bot
	doc := f.document()
	m := &Message{From: &bot, Chat: cs.chat, Document: &doc, Caption: caption, CaptionEntities: ents, ReplyMarkup: attached(kb)}
	s.store(m)
	s.sent = append(s.sent, Sent{
		Method: c.method, ChatID: cs.chat.ID, MessageID: m.MessageID, Text: caption, Raw: c.params["caption"],
		ParseMode: c.params["parse_mode"], Entities: ents, ReplyMarkup: c.params["reply_markup"], Keyboard: m.ReplyMarkup,
		Document: &doc, At: s.now(),
	})
	return *m, nil
}
