package telegramtest

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseError is why Telegram refuses a text with parse_mode HTML. Its text
// follows Telegram's own, for instance `Unsupported start tag "br" at byte
// offset 12`; the API prefixes it with "Bad Request: can't parse entities: ".
type ParseError struct {
	Description string
}

// Error is the description.
func (e *ParseError) Error() string { return e.Description }

// ParseHTML parses text as Telegram parses parse_mode HTML and returns the
// text the reader sees and its entities (offsets and lengths in UTF-16 code
// units). It follows tdlib's parser (tags b, strong, i, em, u, ins, s,
// strike, del, a, code, pre, span class="tg-spoiler", tg-spoiler,
// blockquote; end tags must close the innermost open tag; numeric entities
// and &lt; &gt; &amp; &quot;), with one deliberate difference: an '&' that
// does not begin one of those entities, with its ';', is refused, where
// Telegram would show it as is. That catches text a sender forgot to
// escape, which Telegram would mangle silently ("&lt;" in a task title).
// Server.SetLenientEntities switches to Telegram's behaviour.
func ParseHTML(text string) (string, []MessageEntity, error) {
	return parseHTML(text, true)
}

type openTag struct {
	name, arg string
	offset    int // UTF-16 offset of the first character inside
	pos       int // byte offset in the output
	expand    bool
}

type htmlParser struct {
	in       string
	strict   bool
	out      strings.Builder
	utf16    int
	open     []openTag
	entities []MessageEntity
}

func (p *htmlParser) at(i int) byte {
	if i < len(p.in) {
		return p.in[i]
	}
	return 0
}

// isSpace is tdlib's is_space: the end of the text counts as a space.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0 || c == '\v' || c == '\f'
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

var allowedTags = map[string]bool{
	"a": true, "b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "code": true, "pre": true,
	"span": true, "tg-spoiler": true, "blockquote": true,
}

func parseHTML(in string, strict bool) (string, []MessageEntity, error) {
	if !utf8.ValidString(in) {
		return "", nil, &ParseError{"Strings must be encoded in UTF-8"}
	}
	p := &htmlParser{in: in, strict: strict}
	for i := 0; i < len(in); {
		c := in[i]
		if c == '&' {
			if r, next := p.entity(i); r != 0 {
				p.out.WriteRune(r)
				p.utf16 += utf16Len(r)
				i = next
				continue
			}
			if strict {
				return "", nil, &ParseError{fmt.Sprintf("Unsupported HTML entity at byte offset %d", i)}
			}
		}
		if c != '<' {
			if c&0xC0 != 0x80 {
				p.utf16++
				if c >= 0xF0 {
					p.utf16++
				}
			}
			p.out.WriteByte(c)
			i++
			continue
		}
		var err error
		if p.at(i+1) == '/' {
			i, err = p.endTag(i)
		} else {
			i, err = p.startTag(i)
		}
		if err != nil {
			return "", nil, err
		}
	}
	if n := len(p.open); n > 0 {
		return "", nil, &ParseError{fmt.Sprintf("Can't find end tag corresponding to start tag \"%s\"", p.open[n-1].name)}
	}
	for i := range p.entities {
		if p.entities[i].Type == "code" {
			p.entities[i].Language = ""
		}
	}
	sort.SliceStable(p.entities, func(a, b int) bool {
		ea, eb := p.entities[a], p.entities[b]
		if ea.Offset != eb.Offset {
			return ea.Offset < eb.Offset
		}
		return ea.Length > eb.Length
	})
	return p.out.String(), p.entities, nil
}

// entity decodes the character reference at i and returns the rune and the
// index after it, or 0 when there is none (tdlib's decode_html_entity; in
// strict mode the ';' is required).
func (p *htmlParser) entity(i int) (rune, int) {
	end := i + 1
	var r rune
	if p.at(end) == '#' {
		end++
		digits := end
		if p.at(end) == 'x' {
			end++
			digits = end
			for isHex(p.at(end)) {
				end++
			}
			v, err := strconv.ParseUint(p.in[digits:end], 16, 32)
			if err != nil {
				return 0, i
			}
			r = rune(v)
		} else {
			for isDigit(p.at(end)) {
				end++
			}
			v, err := strconv.ParseUint(p.in[digits:end], 10, 32)
			if err != nil {
				return 0, i
			}
			r = rune(v)
		}
		if r == 0 || r >= 0x10ffff || end-i >= 10 {
			return 0, i
		}
	} else {
		for isAlpha(p.at(end)) {
			end++
		}
		switch p.in[i+1 : end] {
		case "lt":
			r = '<'
		case "gt":
			r = '>'
		case "amp":
			r = '&'
		case "quot":
			r = '"'
		default:
			return 0, i
		}
	}
	if p.at(end) == ';' {
		return r, end + 1
	}
	if p.strict {
		return 0, i
	}
	return r, end
}

func (p *htmlParser) startTag(begin int) (int, error) {
	i := begin + 1
	for !isSpace(p.at(i)) && p.at(i) != '>' {
		i++
	}
	if i >= len(p.in) {
		return 0, &ParseError{fmt.Sprintf("Unclosed start tag at byte offset %d", begin)}
	}
	name := strings.ToLower(p.in[begin+1 : i])
	if !allowedTags[name] {
		return 0, &ParseError{fmt.Sprintf("Unsupported start tag \"%s\" at byte offset %d", name, begin)}
	}
	tag := openTag{name: name, offset: p.utf16, pos: p.out.Len()}
	for p.at(i) != '>' {
		for i < len(p.in) && isSpace(p.at(i)) {
			i++
		}
		if p.at(i) == '>' {
			break
		}
		attrBegin := i
		for !isSpace(p.at(i)) && p.at(i) != '=' && p.at(i) != '>' {
			i++
		}
		attr := p.in[attrBegin:i]
		if attr == "" {
			return 0, &ParseError{fmt.Sprintf("Empty attribute name in the tag \"%s\" at byte offset %d", name, begin)}
		}
		for i < len(p.in) && isSpace(p.at(i)) {
			i++
		}
		if p.at(i) != '=' {
			if name == "blockquote" && attr == "expandable" {
				tag.expand = true
				continue
			}
			return 0, &ParseError{fmt.Sprintf("Expected equal sign in declaration of an attribute of the tag \"%s\" at byte offset %d", name, begin)}
		}
		i++
		for i < len(p.in) && isSpace(p.at(i)) {
			i++
		}
		if i >= len(p.in) {
			return 0, &ParseError{fmt.Sprintf("Unclosed start tag \"%s\" at byte offset %d", name, begin)}
		}
		var value strings.Builder
		if q := p.at(i); q != '\'' && q != '"' {
			tokenBegin := i
			for c := p.at(i); isAlpha(c) || isDigit(c) || c == '.' || c == '-'; c = p.at(i) {
				i++
			}
			value.WriteString(strings.ToLower(p.in[tokenBegin:i]))
			if !isSpace(p.at(i)) && p.at(i) != '>' {
				return 0, &ParseError{fmt.Sprintf("Unexpected end of name token at byte offset %d", tokenBegin)}
			}
		} else {
			i++
			for i < len(p.in) && p.at(i) != q {
				if p.at(i) == '&' {
					if r, next := p.entity(i); r != 0 {
						value.WriteRune(r)
						i = next
						continue
					}
				}
				value.WriteByte(p.at(i))
				i++
			}
			if p.at(i) == q {
				i++
			}
		}
		if i >= len(p.in) {
			return 0, &ParseError{fmt.Sprintf("Unclosed start tag at byte offset %d", begin)}
		}
		v := value.String()
		switch {
		case name == "a" && attr == "href":
			tag.arg = v
		case name == "code" && attr == "class" && strings.HasPrefix(v, "language-"):
			tag.arg = v[len("language-"):]
		case name == "span" && attr == "class" && strings.HasPrefix(v, "tg-"):
			tag.arg = v[len("tg-"):]
		}
	}
	if name == "span" && tag.arg != "spoiler" {
		return 0, &ParseError{fmt.Sprintf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", begin)}
	}
	p.open = append(p.open, tag)
	return i + 1, nil
}

func (p *htmlParser) endTag(begin int) (int, error) {
	if len(p.open) == 0 {
		return 0, &ParseError{fmt.Sprintf("Unexpected end tag at byte offset %d", begin)}
	}
	i := begin + 2
	for !isSpace(p.at(i)) && p.at(i) != '>' {
		i++
	}
	endName := strings.ToLower(p.in[begin+2 : i])
	for i < len(p.in) && isSpace(p.at(i)) {
		i++
	}
	if p.at(i) != '>' {
		return 0, &ParseError{fmt.Sprintf("Unclosed end tag at byte offset %d", begin)}
	}
	tag := p.open[len(p.open)-1]
	if endName != "" && endName != tag.name {
		return 0, &ParseError{fmt.Sprintf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", begin, tag.name, endName)}
	}
	p.open = p.open[:len(p.open)-1]
	if length := p.utf16 - tag.offset; length > 0 {
		p.addEntity(tag, length)
	}
	return i + 1, nil
}

func (p *htmlParser) addEntity(tag openTag, length int) {
	e := MessageEntity{Offset: tag.offset, Length: length}
	switch tag.name {
	case "b", "strong":
		e.Type = "bold"
	case "i", "em":
		e.Type = "italic"
	case "u", "ins":
		e.Type = "underline"
	case "s", "strike", "del":
		e.Type = "strikethrough"
	case "span", "tg-spoiler":
		e.Type = "spoiler"
	case "blockquote":
		e.Type = "blockquote"
		if tag.expand {
			e.Type = "expandable_blockquote"
		}
	case "a":
		href := tag.arg
		if href == "" {
			href = p.out.String()[tag.pos:]
		}
		if id, ok := strings.CutPrefix(href, "tg://user?id="); ok {
			if n, err := strconv.ParseInt(id, 10, 64); err == nil {
				e.Type, e.User = "text_mention", &User{ID: n}
				break
			}
		}
		u, err := url.Parse(href)
		if err != nil || u.Host == "" && u.Scheme != "tg" && u.Scheme != "mailto" {
			return // Telegram drops a link it cannot use, without failing
		}
		e.Type, e.URL = "text_link", href
	case "pre":
		if n := len(p.entities); n > 0 {
			if last := &p.entities[n-1]; last.Type == "code" && last.Offset == e.Offset && last.Length == length && last.Language != "" {
				last.Type = "pre"
				return
			}
		}
		e.Type = "pre"
	case "code":
		if n := len(p.entities); n > 0 {
			if last := &p.entities[n-1]; last.Type == "pre" && last.Offset == e.Offset && last.Length == length && tag.arg != "" {
				last.Language = tag.arg
				return
			}
		}
		// The language is kept until an enclosing <pre> claims it; a plain
		// code entity loses it when parsing ends.
		e.Type, e.Language = "code", tag.arg
	}
	p.entities = append(p.entities, e)
}
