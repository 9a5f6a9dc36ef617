package config

import (
	"github.com/sct-langson/nhacviec/plan"
	"github.com/sct-langson/nhacviec/rules"
)

// Checkins is the progress check-ins section: who is asked for progress
// before each periodic report's data cut-off.
type Checkins struct {
	// Before is the working days before the cut-off (the 14th of March,
	// June, September, December) the request goes; 0: no check-ins.
	// Default 5.
	Before *int `yaml:"before"`
	// Kinds are the timeline kinds whose tasks are asked; default [year].
	Kinds []string `yaml:"kinds"`
	// Off are task ids never asked.
	Off []string `yaml:"off"`
}

func (c *Config) checkCheckins(v *validator) rules.Checkins {
	out := rules.Checkins{Before: rules.DefaultCheckins.Before, Kinds: map[plan.Kind]bool{}, Off: map[string]bool{}}
	in := c.Checkins
	if in.Before != nil {
		out.Before = *in.Before
		if out.Before < 0 || out.Before > 40 {
			v.fail([]any{"checkins", "before"}, "%d is not between 0 (no check-ins) and 40 working days", out.Before)
		}
	}
	if in.Kinds == nil {
		for k := range rules.DefaultCheckins.Kinds {
			out.Kinds[k] = true
		}
	}
	for i, k := range in.Kinds {
		if !slicesContainsKind(plan.Kinds, plan.Kind(k)) {
			v.fail([]any{"checkins", "kinds", i}, "%q is not a timeline kind (year, recurring, regulation, other-plan, date, month, quarter, half, blank, unknown)", k)
		}
		out.Kinds[plan.Kind(k)] = true
	}
	for _, id := range in.Off {
		out.Off[id] = true
	}
	return out
}

func slicesContainsKind(ks []plan.Kind, k plan.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}
