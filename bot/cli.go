package bot

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/sct-langson/nhacviec/action"
	"github.com/sct-langson/nhacviec/org"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// Changer is what the CLI helpers need of the store; *store.DB implements it.
type Changer interface {
	ApplyChange(fn func(tx scheduler.Tx, audit func(store.AuditEntry) error) error) error
}

// ErrAmbiguous is returned by Complete and Reopen when a task id names
// assignments of several units and no unit was given.
var ErrAmbiguous = errors.New("task is led by several units")

// Complete marks an assignment done from the command line (nhacviec
// done), as the admin who, with an audit entry (via "cli"): the same
// change as the bot's /xong. ref is an assignment key or a task id
// ("III.2.1", "I.4.1@2024-09": without a period, the open occurrence due
// first); unit, when set, restricts it to that unit's assignment.
func Complete(st Changer, eng Engine, ref, unit, who, note string, now time.Time) (scheduler.Assignment, error) {
	return cliChange(st, eng, ref, unit, who, now, action.Request{Kind: action.Done, Note: note})
}

// Reopen undoes a done mark from the command line, as /huy does.
func Reopen(st Changer, eng Engine, ref, unit, who string, now time.Time) (scheduler.Assignment, error) {
	return cliChange(st, eng, ref, unit, who, now, action.Request{Kind: action.Undo})
}

func cliChange(st Changer, eng Engine, ref, unit, who string, now time.Time, x action.Request) (scheduler.Assignment, error) {
	b := &Bot{engine: eng, dir: func() *org.Directory { return nil }, now: func() time.Time { return now },
		log: slog.New(slog.DiscardHandler), loc: time.FixedZone("ICT", 7*3600)}
	c := change{p: person{Actor: action.Actor{Who: who, Name: who, Role: org.RoleAdmin, Known: true}}, via: action.ViaCLI, at: now}
	w := wantOpen
	if x.Kind == action.Undo {
		w = wantDone
	}
	var a scheduler.Assignment
	err := st.ApplyChange(func(tx scheduler.Tx, audit func(store.AuditEntry) error) error {
		key, err := resolveCLI(tx, eng.Plans(), ref, unit, w)
		if err != nil {
			return err
		}
		if _, err := b.act(txn{tx: tx, audit: audit}, c, key, x); err != nil {
			return err
		}
		a, _, err = tx.Assignment(key)
		return err
	})
	if err != nil {
		return scheduler.Assignment{}, fmt.Errorf("%s %s: %w", x.Kind, ref, err)
	}
	return a, nil
}

// resolveCLI finds the assignment key ref names, in the state w wants,
// reading the task's assignments by key in each of plans as the bot does
// (forTaskAssignments).
func resolveCLI(tx scheduler.Tx, plans []string, ref, unit string, w want) (string, error) {
	state := scheduler.StateOpen
	if w == wantDone {
		state = scheduler.StateDone
	}
	if strings.Contains(ref, "|") {
		a, ok, err := tx.Assignment(ref)
		switch {
		case err != nil:
			return "", err
		case !ok:
			return "", scheduler.ErrNotFound
		case a.State != state:
			return "", fmt.Errorf("assignment is %s, not %s", a.State, state)
		}
		return ref, nil
	}
	r, rest, ok := ParseTaskRef(ref)
	if !ok || rest != "" {
		return "", fmt.Errorf("%q is not a task id (III.2.1, or I.4.1@2024-09 for one period)", ref)
	}
	best := map[string]scheduler.Assignment{}
	err := forTaskAssignments(tx, plans, r, func(a scheduler.Assignment) error {
		if a.State == state && (unit == "" || a.Unit == unit) {
			if cur, seen := best[a.Unit]; !seen || better(a, cur, w) {
				best[a.Unit] = a
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	units := make([]string, 0, len(best))
	for u := range best {
		units = append(units, u)
	}
	slices.Sort(units)
	switch len(units) {
	case 0:
		return "", fmt.Errorf("%w: no %s assignment of %s", scheduler.ErrNotFound, state, r)
	case 1:
		return best[units[0]].Key, nil
	}
	return "", fmt.Errorf("%w (%s): give the unit", ErrAmbiguous, strings.Join(units, ", "))
}
