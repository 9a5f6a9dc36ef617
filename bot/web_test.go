package bot

import (
	"strings"
	"testing"

	"github.com/sct-langson/nhacviec/notify/telegram/telegramtest"
)

// TestWebCommand: /web gives the sender's own one-time sign-in link in a
// private chat, never in a group, and /viec ends with the dashboard link.
const webGroup = -100424243

func TestWebCommand(t *testing.T) {
	var asked []string
	e := newEnv(t, func(c *Config) {
		c.WebURL = "https://nhacviec.example"
		c.WebSignIn = func(who string) (string, error) {
			asked = append(asked, who)
			return "https://nhacviec.example/dang-nhap/TOKEN-" + who, nil
		}
	})
	e.srv.PushText(userAn.ID, userAn, "/web")
	e.poll()
	contains(t, "/web", e.last(userAn.ID).Text, "https://nhacviec.example/dang-nhap/TOKEN-an", "một lần", "15 phút")
	e.srv.PushText(userStranger.ID, userStranger, "/web")
	e.poll()
	if len(asked) != 1 || asked[0] != "an" {
		t.Errorf("sign-in links made for %v, want only an", asked)
	}
	if strings.Contains(e.last(userStranger.ID).Text, "dang-nhap") {
		t.Error("a stranger got a sign-in link")
	}
	e.srv.PushText(webGroup, userAn, "/web@"+telegramtest.BotUsername)
	e.poll()
	if got := e.last(webGroup).Text; strings.Contains(got, "dang-nhap") || !strings.Contains(got, "tin nhắn riêng") {
		t.Errorf("in a group: %q", got)
	}
	e.srv.PushText(userAn.ID, userAn, "/viec")
	e.poll()
	contains(t, "/viec", e.last(userAn.ID).Text, "https://nhacviec.example/cua-toi", "/web")
	e.srv.PushText(userAn.ID, userAn, "/giupdo")
	e.poll()
	contains(t, "/giupdo", e.last(userAn.ID).Text, "/web — đường dẫn đăng nhập")
}
