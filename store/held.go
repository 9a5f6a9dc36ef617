package store

import (
	"encoding/binary"
	"fmt"

	"github.com/sct-langson/nhacviec/scheduler"
)

// bucketHeld keeps the records of the steps a round's batches produced
// until the round's last batch makes their digests (scheduler.Tx.HoldSteps):
// keyed in the order held (the bucket's sequence), each the step's key
// (its length, then its bytes) and its record as in bucketSteps. It is empty but between the batches of a round of
// more due steps than a batch.
var bucketHeld = []byte("held")

func (t schedTx) HoldSteps(steps []scheduler.StepRecord) error {
	b := t.tx.Bucket(bucketHeld)
	for _, r := range steps {
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		v := binary.AppendUvarint(nil, uint64(len(r.Key)))
		v = append(append(v, r.Key...), encodeStep(r)...)
		if err := b.Put(binary.BigEndian.AppendUint64(nil, seq), v); err != nil {
			return err
		}
	}
	return nil
}

func (t schedTx) HeldSteps() ([]scheduler.StepRecord, error) {
	b := t.tx.Bucket(bucketHeld)
	if b == nil {
		return nil, nil // a database opened read-only before a daemon added the bucket
	}
	var out []scheduler.StepRecord
	err := b.ForEach(func(k, v []byte) error {
		key, rest, ok := groupBytes(v)
		if !ok {
			return fmt.Errorf("step held %x: %w", k, errCorrupt)
		}
		r, err := decodeStep(key, rest)
		if err != nil {
			return fmt.Errorf("step held %x: %w", k, err)
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

func (t schedTx) DropHeld() error {
	if k, _ := t.tx.Bucket(bucketHeld).Cursor().First(); k == nil {
		return nil
	}
	if err := t.tx.DeleteBucket(bucketHeld); err != nil {
		return err
	}
	_, err := t.tx.CreateBucket(bucketHeld)
	return err
}
