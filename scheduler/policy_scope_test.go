package scheduler

import (
	"testing"

	"github.com/sct-langson/nhacviec/rules"
)

// TestPolicyScopedToPlan: a plan's override applies to that plan's task;
// a bare id's to every plan's task of that id; else the general policy.
func TestPolicyScopedToPlan(t *testing.T) {
	general := Policy{Before: []int{30}}
	own := Policy{Before: []int{5, 2, 1}}
	bare := Policy{Before: []int{10}}
	s := &state{Config: &Config{Policy: general, TaskPolicies: map[string]Policy{
		rules.TaskKey("60/KH-SCT", "I.2"): own,
		"I.4":                             bare,
	}}}
	for _, tc := range []struct {
		plan, id string
		want     int
	}{{"60/KH-SCT", "I.2", 3}, {"12/KH-SCT", "I.2", 1}, {"12/KH-SCT", "I.4", 1}, {"60/KH-SCT", "I.4", 1}, {"60/KH-SCT", "I.9", 1}} {
		got := s.policy(tc.plan, tc.id)
		if len(got.Before) != tc.want {
			t.Errorf("%s %s: %v", tc.plan, tc.id, got.Before)
		}
	}
	if got := s.policy("60/KH-SCT", "I.4").Before[0]; got != 10 {
		t.Errorf("bare I.4: %d", got)
	}
}
