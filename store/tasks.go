package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sct-langson/nhacviec/plan"
)

// PlanRecord is a stored plan's metadata.
type PlanRecord struct {
	Code       string    `json:"code"`
	Date       time.Time `json:"date"`
	Year       int       `json:"year"`
	Issuer     string    `json:"issuer"`
	Title      string    `json:"title"`
	Source     string    `json:"source"`
	Tasks      int       `json:"tasks"` // active tasks
	ImportedAt time.Time `json:"imported_at"`
	// Digest identifies the document's bytes and the names it was resolved
	// with (plan.Plan.Digest): the same digest again is the same import.
	Digest string `json:"digest,omitempty"`
}

// TaskRecord is a stored task: the task as last imported, and when it came,
// changed or went.
type TaskRecord struct {
	Plan string `json:"plan"` // plan code
	Seq  int    `json:"seq"`  // position in the document
	plan.Task
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
	Archived   bool      `json:"archived"`
	ArchivedAt time.Time `json:"archived_at,omitzero"`
}

// Key is the task's identity: plan code + task id.
func (r TaskRecord) Key() string { return TaskKey(r.Plan, r.ID) }

// TaskKey is the identity of a task: "60/KH-SCT|III.2.1".
func TaskKey(planCode, taskID string) string { return planCode + "|" + taskID }

// ImportResult says what an import changed, by task id.
type ImportResult struct {
	Plan      string   `json:"plan"`
	Added     []string `json:"added"`
	Updated   []string `json:"updated"`
	Unchanged int      `json:"unchanged"`
	Restored  []string `json:"restored"` // archived before, back in the document now
	Archived  []string `json:"archived"` // no longer in the document
}

// String summarises the result for logs and the CLI.
func (r ImportResult) String() string {
	return fmt.Sprintf("plan %s: %d added, %d updated, %d unchanged, %d restored, %d archived",
		r.Plan, len(r.Added), len(r.Updated), r.Unchanged, len(r.Restored), len(r.Archived))
}

// ImportPlan stores p in one transaction. Tasks are upserted by identity
// (plan code + task id): their content is replaced, their state — kept
// under the same identity in other buckets — is never touched. Tasks of the
// plan that are no longer in p are archived, not deleted. Importing the same
// document twice changes nothing.
func (db *DB) ImportPlan(p *plan.Plan) (ImportResult, error) {
	res := ImportResult{Plan: p.Code}
	now := db.now()
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		tasks := tx.Bucket(bucketTasks)
		tasks.FillPercent = fillPercent
		seen := make(map[string]bool, len(p.Tasks))
		puts := make([]kv, 0, len(p.Tasks))
		var values arena
		for i, t := range p.Tasks {
			key := []byte(TaskKey(p.Code, t.ID))
			seen[string(key)] = true
			var old TaskRecord
			raw := tasks.Get(key)
			found := raw != nil
			if found {
				var err error
				if old, err = decodeTask(key, raw); err != nil {
					return err
				}
			}
			rec := TaskRecord{Plan: p.Code, Seq: i, Task: t, Created: now, Updated: now}
			switch {
			case !found:
				res.Added = append(res.Added, t.ID)
			case old.Archived:
				rec.Created = old.Created
				res.Restored = append(res.Restored, t.ID)
			case sameContent(old.Task, t):
				res.Unchanged++
				if old.Seq == i && slices.Equal(old.Lines, t.Lines) {
					continue
				}
				// Moved in the document (a row added or removed above it):
				// the new place is kept for messages naming lines, the task
				// itself has not changed.
				rec.Created, rec.Updated = old.Created, old.Updated
			default:
				rec.Created = old.Created
				res.Updated = append(res.Updated, t.ID)
			}
			puts = append(puts, kv{key: key, value: values.task(rec), head: keyHead(key)})
		}
		// In key order: the document's order ("I.2" before "I.10") would
		// insert in the middle of the bucket's nodes, 6 µs a task.
		sortWrites(puts)
		for _, w := range puts {
			if err := tasks.Put(w.key, w.value); err != nil {
				return err
			}
		}
		prefix := []byte(TaskKey(p.Code, ""))
		var archived []TaskRecord
		c := tasks.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if seen[string(k)] {
				continue
			}
			rec, err := decodeTask(k, v)
			if err != nil {
				return err
			}
			if rec.Archived {
				continue
			}
			rec.Archived, rec.ArchivedAt, rec.Updated = true, now, now
			archived = append(archived, rec)
			res.Archived = append(res.Archived, rec.ID)
		}
		for _, rec := range archived { // after the cursor: a put moves it
			if err := tasks.Put([]byte(rec.Key()), encodeTask(rec)); err != nil {
				return err
			}
		}
		return putJSON(tx.Bucket(bucketPlans), []byte(p.Code), PlanRecord{
			Code: p.Code, Date: p.Date, Year: p.Year, Issuer: p.Issuer, Title: p.Title,
			Source: p.Source, Tasks: len(p.Tasks), ImportedAt: now, Digest: p.Digest,
		})
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("import plan %s: %w", p.Code, err)
	}
	return res, nil
}

// sameContent reports whether two versions of a task say the same thing,
// wherever they stand in the document (source lines aside); a nil list and
// an empty one are the same.
func sameContent(a, b plan.Task) bool {
	return a.ID == b.ID && a.Section == b.Section && a.Text == b.Text && a.Output == b.Output &&
		a.Timeline == b.Timeline &&
		slices.Equal(a.Headings, b.Headings) && slices.Equal(a.Lead, b.Lead) && slices.Equal(a.Coord, b.Coord) &&
		slices.Equal(a.LeadIDs, b.LeadIDs) && slices.Equal(a.CoordIDs, b.CoordIDs)
}

// Plans returns every stored plan, by code.
func (db *DB) Plans() ([]PlanRecord, error) {
	var out []PlanRecord
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPlans).ForEach(func(k, v []byte) error {
			var p PlanRecord
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("decode plan %s: %w", k, err)
			}
			out = append(out, p)
			return nil
		})
	})
	return out, err
}

// Imported returns the stored plan last imported from source with this
// digest: importing it again would change nothing.
func (db *DB) Imported(source, digest string) (PlanRecord, bool, error) {
	var out PlanRecord
	var found bool
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPlans).ForEach(func(k, v []byte) error {
			var p PlanRecord
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("decode plan %s: %w", k, err)
			}
			if p.Source == source && p.Digest == digest && digest != "" {
				out, found = p, true
			}
			return nil
		})
	})
	return out, found, err
}

// TaskIDs returns the ids of a plan's tasks that are not archived, reading
// no more than each task's record.
func (db *DB) TaskIDs(planCode string) ([]string, error) {
	recs, err := db.Tasks(planCode)
	var ids []string
	for _, r := range recs {
		if !r.Archived {
			ids = append(ids, r.ID)
		}
	}
	return ids, err
}

// Tasks returns the stored tasks, archived ones included, ordered by plan
// and position in the document. With planCode set, only that plan's.
func (db *DB) Tasks(planCode string) ([]TaskRecord, error) {
	var out []TaskRecord
	in := newInterner()
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketTasks).Cursor()
		var prefix []byte
		if planCode != "" {
			prefix = []byte(TaskKey(planCode, ""))
		}
		n := 0 // the records first, so that out is allocated once
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			n++
		}
		out = make([]TaskRecord, 0, n)
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(out)%4096 == 4095 {
				_ = db.ReleaseMapped() // see ReleaseMapped: the file's pages need not stay resident
			}
			rec, err := decodeTask(k, v)
			if err != nil {
				return err
			}
			in.task(&rec)
			out = append(out, rec)
		}
		return nil
	})
	slices.SortStableFunc(out, func(a, b TaskRecord) int {
		if c := strings.Compare(a.Plan, b.Plan); c != 0 {
			return c
		}
		if a.Archived != b.Archived { // archived tasks last
			if a.Archived {
				return 1
			}
			return -1
		}
		return a.Seq - b.Seq
	})
	return out, err
}
