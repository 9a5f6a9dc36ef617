package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/sct-langson/nhacviec/scheduler"
)

// bucketSynced keeps what the engine's last Sync planned for each task:
// plan|task id → 8-byte fingerprint of the task's planning (see
// scheduler.Engine.Sync). The task id "" marks a plan whose every task has
// its mark.
var bucketSynced = []byte("synced")

func markKey(plan, task string) []byte { return []byte(plan + "|" + task) }

func (t schedTx) SyncMark(plan, task string) (uint64, bool, error) {
	k := markKey(plan, task)
	v, found := t.w.get(bucketSynced, k)
	if !found {
		v = t.tx.Bucket(bucketSynced).Get(k)
	}
	switch {
	case v == nil:
		return 0, false, nil
	case len(v) != 8:
		return 0, false, fmt.Errorf("sync mark %q: %w", k, errCorrupt)
	}
	return binary.BigEndian.Uint64(v), true, nil
}

func (t schedTx) PutSyncMark(plan, task string, fp uint64) error {
	return t.setRaw(bucketSynced, markKey(plan, task), binary.BigEndian.AppendUint64(nil, fp))
}

func (t schedTx) DropSyncMark(plan, task string) error {
	return t.setRaw(bucketSynced, markKey(plan, task), nil)
}

func (t schedTx) ForEachSyncMark(plan string, fn func(task string, fp uint64) error) error {
	if err := t.scan(); err != nil {
		return err
	}
	prefix := markKey(plan, "")
	c := t.tx.Bucket(bucketSynced).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		task := string(k[len(prefix):])
		if task == "" {
			continue
		}
		if len(v) != 8 {
			return fmt.Errorf("sync mark %q: %w", k, errCorrupt)
		}
		if err := fn(task, binary.BigEndian.Uint64(v)); err != nil {
			return err
		}
	}
	return nil
}

func (t schedTx) ForEachTaskAssignment(plan, task string, fn func(scheduler.Assignment) error) error {
	return t.forEachPrefix([]byte(plan+"|"+task+"@"), fn)
}
