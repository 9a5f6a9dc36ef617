package notify

import (
	"fmt"
	"strings"
)

// PlainText writes the letter as plain text: the e-mail's text body and
// the console's. extra, when not empty, follows the overview (where the
// full list is: "Danh sách đầy đủ: tệp đính kèm …").
func (l Letter) PlainText(extra string) string {
	var b strings.Builder
	b.WriteString(l.Greeting + "\n")
	if l.Summary != "" {
		b.WriteString("\n" + l.Summary + "\n")
	}
	if l.Intro != "" {
		b.WriteString("\n" + strings.ReplaceAll(l.Intro, "\r\n", "\n") + "\n")
	}
	write := func(s Section) {
		fmt.Fprintf(&b, "\n%s (%d nhiệm vụ)\n", strings.ToUpper(s.Title), len(s.Entries))
		if s.Note != "" {
			fmt.Fprintf(&b, "%s\n", s.Note)
		}
		for i, e := range s.Entries {
			if s.Compact() {
				fmt.Fprintf(&b, "- %s\n", e.Line())
				continue
			}
			fmt.Fprintf(&b, "\n%d. %s %s\n", i+1, e.TaskID, e.Text)
			if e.Units != "" {
				fmt.Fprintf(&b, "   Đơn vị chủ trì: %s\n", e.Units)
			}
			if w := e.When(); w != "" {
				fmt.Fprintf(&b, "   %s\n", w)
			}
			if e.Output != "" {
				fmt.Fprintf(&b, "   Kết quả: %s\n", e.Output)
			}
			for _, k := range e.Links {
				if k.Period != "" {
					fmt.Fprintf(&b, "   %s:\n", upperFirst(k.Period))
				}
				fmt.Fprintf(&b, "   Đã hoàn thành: %s\n   Nhắc lại sau: %s\n   Ghi chú / nộp tài liệu: %s\n", k.Done, k.Snooze, k.Note)
			}
		}
	}
	for _, s := range l.Sections {
		if s.Kind == SectionDone || s.Kind == SectionInfo {
			continue
		}
		write(s)
	}
	if o := l.Overview; o != nil {
		fmt.Fprintf(&b, "\n%s: %s\n", strings.ToUpper(o.Title), o.Headline())
		b.WriteString("Theo đơn vị:\n")
		for _, u := range o.Units {
			fmt.Fprintf(&b, "- %s\n", u.Text())
		}
		if o.OtherUnits > 0 {
			fmt.Fprintf(&b, "- %s\n", o.OthersText())
		}
		fmt.Fprintf(&b, "%s:\n", o.LongestTitle())
		for i, e := range o.Longest {
			fmt.Fprintf(&b, "%d. %s\n", i+1, e.Line())
		}
		if extra != "" {
			b.WriteString(extra + "\n")
		}
	}
	for _, s := range l.Sections {
		if s.Kind == SectionDone || s.Kind == SectionInfo {
			write(s)
		}
	}
	b.WriteString("\n-- \n")
	for _, line := range l.Signature {
		b.WriteString(line + "\n")
	}
	return b.String()
}

// Headline is "6 nhiệm vụ quá hạn (47 lượt đơn vị)".
func (o *Overview) Headline() string {
	s := fmt.Sprintf("%d nhiệm vụ quá hạn", o.Tasks)
	if o.Assignments != o.Tasks {
		s += fmt.Sprintf(" (%d lượt đơn vị)", o.Assignments)
	}
	return s
}

// OthersText is the line of the units not listed.
func (o *Overview) OthersText() string {
	return fmt.Sprintf("%d đơn vị khác: %d lượt", o.OtherUnits, o.OtherAssignments)
}

// LongestTitle heads the longest overdue tasks.
func (o *Overview) LongestTitle() string {
	if o.MoreTasks > 0 {
		return fmt.Sprintf("%d nhiệm vụ quá hạn lâu nhất (còn %d nhiệm vụ khác)", len(o.Longest), o.MoreTasks)
	}
	return "Quá hạn lâu nhất"
}
