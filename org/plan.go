package org

import (
	"errors"
	"fmt"
	"slices"

	"github.com/sct-langson/nhacviec/plan"
)

// ResolvePlan resolves the lead and coordinating unit names of every task of
// p to unit or group ids, filling Task.LeadIDs and Task.CoordIDs. Every
// unknown name is reported as a plan.Error naming the line and the task, with
// the closest known names; an outside unit as lead is an error too, since it
// cannot be assigned work.
func (d *Directory) ResolvePlan(p *plan.Plan) error {
	var errs plan.Errors
	known := map[string]Ref{} // by name as written: 100,000 tasks name a few dozen units
	for i := range p.Tasks {
		t := &p.Tasks[i]
		resolve := func(role string, names []string) []string {
			ids := make([]string, 0, len(names))
			for _, name := range names {
				r, ok := known[name]
				var err error
				if !ok {
					r, err = d.Resolve(name)
				}
				if err == nil {
					known[name] = r
				}
				if err != nil {
					var ue *UnknownNameError
					msg := err.Error()
					if errors.As(err, &ue) {
						msg = fmt.Sprintf("%s unit %q is not in the config", role, name)
						if len(ue.Suggestions) > 0 {
							msg += fmt.Sprintf(" (closest known: %s)", quoteAll(ue.Suggestions))
						}
					}
					errs = append(errs, &plan.Error{File: p.Source, Line: t.Line(), Msg: fmt.Sprintf("task %s: %s", t.ID, msg)})
					continue
				}
				if role == "lead" && !r.Group && d.units[r.ID].External {
					errs = append(errs, &plan.Error{File: p.Source, Line: t.Line(),
						Msg: fmt.Sprintf("task %s: lead unit %q is an outside body (external: true) and cannot be assigned tasks", t.ID, name)})
					continue
				}
				if !slices.Contains(ids, r.ID) {
					ids = append(ids, r.ID)
				}
			}
			return ids
		}
		t.LeadIDs = resolve("lead", t.Lead)
		t.CoordIDs = resolve("coordinating", t.Coord)
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}
