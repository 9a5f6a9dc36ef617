package telegramtest

import (
	"encoding/json"
	"fmt"
	"regexp"
)

func (s *Server) getMe(*call) (any, *apiError) { return s.bot, nil }

var commandPattern = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// commandsKey names a command list by scope and language.
func commandsKey(c *call) (string, *apiError) {
	var scope BotCommandScope
	if raw := c.params["scope"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &scope); err != nil {
			return "", badRequest("can't parse BotCommandScope JSON object")
		}
	}
	return scopeKey(scope, c.params["language_code"]), nil
}

func scopeKey(scope BotCommandScope, lang string) string {
	if scope.Type == "" {
		scope.Type = "default"
	}
	return fmt.Sprintf("%s|%d|%d|%s", scope.Type, scope.ChatID, scope.UserID, lang)
}

func (s *Server) setMyCommands(c *call) (any, *apiError) {
	var cmds []BotCommand
	if err := json.Unmarshal([]byte(c.params["commands"]), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("BOT_COMMANDS_TOO_MUCH")
	}
	for _, cmd := range cmds {
		if !commandPattern.MatchString(cmd.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := len([]rune(cmd.Description)); n == 0 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	key, err := commandsKey(c)
	if err != nil {
		return nil, err
	}
	s.commands[key] = cmds
	return true, nil
}

func (s *Server) getMyCommands(c *call) (any, *apiError) {
	key, err := commandsKey(c)
	if err != nil {
		return nil, err
	}
	cmds := s.commands[key]
	if cmds == nil {
		cmds = []BotCommand{}
	}
	return cmds, nil
}

func (s *Server) deleteMyCommands(c *call) (any, *apiError) {
	key, err := commandsKey(c)
	if err != nil {
		return nil, err
	}
	delete(s.commands, key)
	return true, nil
}

// Commands returns the command list set for a scope and language ("" for
// all languages); the zero scope is the default one.
func (s *Server) Commands(scope BotCommandScope, lang string) []BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]BotCommand(nil), s.commands[scopeKey(scope, lang)]...)
}

// callbackState is a button press waiting for its answer.
type callbackState struct {
	answered bool
}

func (s *Server) answerCallbackQuery(c *call) (any, *apiError) {
	id := c.params["callback_query_id"]
	cb, ok := s.callbacks[id]
	if !ok || cb.answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if len([]rune(c.params["text"])) > 200 {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	cacheTime, err := c.intParam("cache_time")
	if err != nil {
		return nil, err
	}
	cb.answered = true
	s.answers = append(s.answers, CallbackAnswer{QueryID: id, Text: c.params["text"],
		ShowAlert: c.boolParam("show_alert"), URL: c.params["url"], CacheTime: cacheTime})
	return true, nil
}

func (s *Server) setWebhook(c *call) (any, *apiError) {
	s.webhook = c.params["url"]
	return true, nil
}

func (s *Server) deleteWebhook(c *call) (any, *apiError) {
	s.webhook = ""
	if c.boolParam("drop_pending_updates") {
		s.updates = nil
	}
	return true, nil
}

func (s *Server) getWebhookInfo(*call) (any, *apiError) {
	return WebhookInfo{URL: s.webhook, PendingUpdateCount: len(s.updates)}, nil
}
