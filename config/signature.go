package config

import (
	"net/mail"
	"strings"
)

// Signature closes every message: who sends it, whom to call, how to
// answer.
type Signature struct {
	// Office is the sending office: "Văn phòng Sở Công Thương Lạng Sơn".
	Office string `yaml:"office"`
	// Contact is the person to call, with their phone and e-mail.
	Contact string `yaml:"contact"`
	Phone   string `yaml:"phone"`
	Email   string `yaml:"email"`
	// Answer says how to answer a reminder; default: the bot's commands.
	Answer string `yaml:"answer"`
}

// SignatureLines are the closing lines of every message, nil when the
// section is empty (the default closing then applies).
func (c *Config) SignatureLines(defaultAnswer string) []string {
	s := c.Signature
	if s == (Signature{}) {
		return nil
	}
	var out []string
	if s.Office != "" {
		out = append(out, s.Office)
	}
	var contact []string
	for _, v := range []string{s.Contact, s.Phone, s.Email} {
		if v != "" {
			contact = append(contact, v)
		}
	}
	if len(contact) > 0 {
		out = append(out, "Liên hệ: "+strings.Join(contact, ", "))
	}
	answer := s.Answer
	if answer == "" {
		answer = defaultAnswer
	}
	return append(out, answer)
}

func (c *Config) checkSignature(v *validator) {
	s := c.Signature
	for field, val := range map[string]string{"office": s.Office, "contact": s.Contact, "phone": s.Phone, "answer": s.Answer} {
		if strings.ContainsAny(val, "\r\n") {
			v.fail([]any{"signature", field}, "one line only")
		}
	}
	if s.Email != "" {
		if _, err := mail.ParseAddress(s.Email); err != nil {
			v.fail([]any{"signature", "email"}, "%q is not an e-mail address", s.Email)
		}
	}
	if s.Phone != "" && strings.Trim(s.Phone, "0123456789 .+-()") != "" {
		v.fail([]any{"signature", "phone"}, "%q is not a phone number", s.Phone)
	}
}
