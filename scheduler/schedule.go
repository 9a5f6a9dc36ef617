// Package scheduler works out, from the plan and the config, what every unit
// must do and when: occurrences of tasks, assignments to units, and the
// notification steps of each assignment on the working-day calendar. Its
// Engine fires the steps that fall due, exactly once, through a Store.
package scheduler

import (
	"github.com/robfig/cron/v3"

	"github.com/sct-langson/nhacviec/rules"
)

// The config's words for time live in package rules, which the config also
// uses: the scheduler plans with them under its own names.
type (
	// Report is one of the four periodic CCHC reports.
	Report = rules.Report
	// Rule is a schedule as the config writes it.
	Rule = rules.Rule
	// Schedules chooses the rule of each task.
	Schedules = rules.Schedules
	// Escalation is one rung of the ladder.
	Escalation = rules.Escalation
	// Policy says when an assignment's steps happen.
	Policy = rules.Policy
	// ReportDay is the department's own day for periodic reports.
	ReportDay = rules.ReportDay
)

// The periodic reports.
const (
	ReportQ1   = rules.ReportQ1
	ReportH1   = rules.ReportH1
	ReportQ3   = rules.ReportQ3
	ReportYear = rules.ReportYear
)

// Reports lists the reports in calendar order.
var Reports = rules.Reports

// DefaultPolicy is used when the config says nothing.
var DefaultPolicy = rules.DefaultPolicy

// ParseCron parses a spec once and rejects specs that never fire.
func ParseCron(spec string) (cron.Schedule, error) { return rules.ParseCron(spec) }
