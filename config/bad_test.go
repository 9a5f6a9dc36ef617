package config

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestBadConfigs: one file per rule in testdata/bad, each refused with
// exactly this message (file:line: field: what is wrong).
func TestBadConfigs(t *testing.T) {
	want := map[string]string{
		"admin":                "testdata/bad/admin.yaml:3: delivery.admin: \"nobody\" is not a person id",
		"channel":              "testdata/bad/channel.yaml:4: people[0].channels[0]: \"zalo\" is not email or telegram",
		"checkins-before":      "testdata/bad/checkins-before.yaml:3: checkins.before: 41 is not between 0 (no check-ins) and 40 working days",
		"checkins-kind":        "testdata/bad/checkins-kind.yaml:3: checkins.kinds[1]: \"monthly\" is not a timeline kind (year, recurring, regulation, other-plan, date, month, quarter, half, blank, unknown)",
		"cron-never":           "testdata/bad/cron-never.yaml:4: schedules.tasks.I.4.1: cron \"0 8 30 2 *\": never fires",
		"cron-zone":            "testdata/bad/cron-zone.yaml:4: schedules.tasks.I.4.1: cron \"CRON_TZ=UTC\": malformed",
		"days-off":             "testdata/bad/days-off.yaml:5: calendar.years.2024.days_off: invalid date \"2024-02-30\": no such day",
		"default-every":        "testdata/bad/default-every.yaml:4: schedules.defaults.year/month: \"year/month\" is not a timeline kind (year, recurring, regulation, other-plan, date, month, quarter, half, blank, unknown) or recurring/<week|month|quarter|half-year|year>",
		"default-kind":         "testdata/bad/default-kind.yaml:4: schedules.defaults.yearly: \"yearly\" is not a timeline kind (year, recurring, regulation, other-plan, date, month, quarter, half, blank, unknown) or recurring/<week|month|quarter|half-year|year>",
		"draft-to":             "testdata/bad/draft-to.yaml:4: reports.draft_to[0]: \"nobody\" is not a person id",
		"duplicate-unit":       "testdata/bad/duplicate-unit.yaml:5: units[1].id: unit \"vp\": id already used by a unit",
		"duration":             "testdata/bad/duration.yaml:3: delivery.fallback_after: \"an hour\" is not a positive duration such as 30s, 15m or 2h",
		"duration-zero":        "testdata/bad/duration-zero.yaml:3: delivery.max_age: \"0s\" is not a positive duration such as 30s, 15m or 2h",
		"email-address":        "testdata/bad/email-address.yaml:4: people[0].email: \"not-an-address\" is not an e-mail address",
		"email-connections":    "testdata/bad/email-connections.yaml:5: email.connections: 500 is outside 1-100",
		"email-from":           "testdata/bad/email-from.yaml:2: email.from: missing: the sender address",
		"email-host":           "testdata/bad/email-host.yaml:2: email: host is missing: set email.host or remove the email section",
		"email-password-twice": "testdata/bad/email-password-twice.yaml:7: email.password_file: set password_env or password_file, not both",
		"email-tls":            "testdata/bad/email-tls.yaml:5: email.tls: \"ssl\" is not starttls, tls or none",
		"email-username":       "testdata/bad/email-username.yaml:5: email.username: a username needs password_env or password_file",
		"escalation-nobody":    "testdata/bad/escalation-nobody.yaml:5: reminders.escalations[0].to: no recipients",
		"escalation-order":     "testdata/bad/escalation-order.yaml:6: reminders.escalations[1].after: 3 must be greater than 10 (the rung before)",
		"escalation-same":      "testdata/bad/escalation-same.yaml:6: reminders.escalations[1].after: 10 must be greater than 10 (the rung before)",
		"escalation-target":    "testdata/bad/escalation-target.yaml:5: reminders.escalations[0].to: \"boss\" is not head, superior, office, leadership or a person id",
		"float-for-int":        "testdata/bad/float-for-int.yaml:2: horizon_days: wrong type: number \"90.5\" where a whole number is expected",
		"group-member":         "testdata/bad/group-member.yaml:8: groups[0].members: group \"g\": member \"qltm\" is not a unit",
		"horizon":              "testdata/bad/horizon.yaml:2: horizon_days: 5000 is not between 1 and 1000",
		"log-format":           "testdata/bad/log-format.yaml:3: log.format: \"xml\" is not text or json",
		"log-level":            "testdata/bad/log-level.yaml:3: log.level: \"verbose\" is not debug, info, warn or error",
		"missing-database":     "testdata/bad/missing-database.yaml:1: database: missing: the bbolt file that keeps tasks and their state",
		"number-range":         "testdata/bad/number-range.yaml:5: units[0].telegram: 99999999999999999999 is out of range",
		"office":               "testdata/bad/office.yaml:2: office: \"vp\" is not a unit",
		"overdue-every":        "testdata/bad/overdue-every.yaml:3: reminders.overdue_every: -1 is negative",
		"person-unit":          "testdata/bad/person-unit.yaml:4: people[0].unit: person \"p\": unit \"nowhere\" is not a unit",
		"plan-empty":           "testdata/bad/plan-empty.yaml:4: plans[1]: empty path",
		"proxy-password":       "testdata/bad/proxy-password.yaml:4: telegram.proxy: the proxy URL holds a password: put it in the variable named by proxy_env",
		"proxy-scheme":         "testdata/bad/proxy-scheme.yaml:4: telegram.proxy: \"127.0.0.1:3128\" is not an http://, https:// or socks5:// URL",
		"reminder-before":      "testdata/bad/reminder-before.yaml:3: reminders.before[1]: 0 is not a positive number of working days",
		"reminder-time":        "testdata/bad/reminder-time.yaml:3: reminders.at: \"8 giờ\" is not HH:MM",
		"report-day":           "testdata/bad/report-day.yaml:3: reports.department_day: 14 must be between 15 and 20: after the data cut-off on the 14th, by the province's 20th",
		"report-day-late":      "testdata/bad/report-day-late.yaml:3: reports.department_day: 21 must be between 15 and 20: after the data cut-off on the 14th, by the province's 20th",
		"role":                 "testdata/bad/role.yaml:4: people[0].role: person \"p\": role \"boss\" is not one of head, staff, leader, admin",
		"rule-empty":           "testdata/bad/rule-empty.yaml:4: schedules.sections.II: empty rule: set due, cron, dates, reports or unscheduled",
		"rule-two-ways":        "testdata/bad/rule-two-ways.yaml:4: schedules.tasks.I.3: set only one of due, cron, dates, reports, unscheduled",
		"secret-in-config":     "testdata/bad/secret-in-config.yaml:5: email: \"password\": secrets are never read from the config file: name an environment variable (password_env) or a file (password_file)",
		"signature-email":      "testdata/bad/signature-email.yaml:4: signature.email: \"cchc-at-example\" is not an e-mail address",
		"signature-lines":      "testdata/bad/signature-lines.yaml:3: signature.office: one line only",
		"signature-phone":      "testdata/bad/signature-phone.yaml:3: signature.phone: \"gọi văn phòng\" is not a phone number",
		"syntax":               "testdata/bad/syntax.yaml:4: did not find expected ',' or ']' (while parsing a flow sequence from line 3)",
		"telegram-token":       "testdata/bad/telegram-token.yaml:2: telegram: token_env or token_file is missing",
		"timezone":             "testdata/bad/timezone.yaml:2: timezone: unknown time zone \"Asia/Hanoi\"",
		"token-twice":          "testdata/bad/token-twice.yaml:4: telegram.token_file: set token_env or token_file, not both",
		"unknown-key":          "testdata/bad/unknown-key.yaml:5: units[0]: unknown key \"emial\"",
		"web-base-url":         "testdata/bad/web-base-url.yaml:4: web.base_url: \"nhacviec.example/\" is not an http:// or https:// address",
		"web-base-url-missing": "testdata/bad/web-base-url-missing.yaml:2: web.base_url: missing: the address people open, such as https://nhacviec.example.gov.vn",
		"web-key":              "testdata/bad/web-key.yaml:5: web.key_file: set both cert_file and key_file, or neither",
		"web-path":             "testdata/bad/web-path.yaml:4: web.base_url: \"https://x.example/nhacviec\": give the scheme and host only (no path, query or user)",
		"web-tls":              "testdata/bad/web-tls.yaml:4: web.base_url: \"http://x.example\": the daemon serves TLS (cert_file), so base_url must be https://",
		"web-upload":           "testdata/bad/web-upload.yaml:5: web.max_upload_mb: 2048 is not between 1 and 1024",
		"work-hours":           "testdata/bad/work-hours.yaml:3: calendar.work_hours: \"8h-17h\" is not HH:MM-HH:MM",
		"work-hours-dash":      "testdata/bad/work-hours-dash.yaml:3: calendar.work_hours: \"07:30\" is not HH:MM-HH:MM",
		"worked-saturday":      "testdata/bad/worked-saturday.yaml:5: calendar.years.2024.worked_saturdays: 2024-05-03 is a Friday, not a Saturday",
		"wrong-type":           "testdata/bad/wrong-type.yaml:2: horizon_days: wrong type: text \"many\" where a whole number is expected",
	}
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(want) {
		t.Errorf("%d files in testdata/bad, %d expected messages", len(files), len(want))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(name, func(t *testing.T) {
			_, err := Load(f)
			if err == nil {
				t.Fatal("accepted")
			}
			if got := strings.Split(err.Error(), "\n")[0]; got != want[name] {
				t.Errorf("error =\n%s\nwant\n%s", got, want[name])
			}
		})
	}
}
