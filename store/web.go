package store

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The web door's state: one-time sign-in tokens and sessions, both kept
// by the SHA-256 of their secret only, and the keys that sign e-mail links.
var (
	bucketWebTokens   = []byte("web_tokens")    // hex sha256 of the token → SignInToken
	bucketWebSessions = []byte("web_sessions")  // hex sha256 of the session id → Session
	bucketWebKeys     = []byte("web_link_keys") // key id (8 hex) → LinkKey
)

// Errors of the web's credentials; a door says the same to the person for
// all of them.
var (
	ErrTokenUnknown = errors.New("sign-in token unknown")
	ErrTokenUsed    = errors.New("sign-in token already used")
	ErrTokenExpired = errors.New("sign-in token expired")
)

// SignInToken is a one-time sign-in link's record.
type SignInToken struct {
	Who     string    `json:"who"` // person id, or "telegram:<id>"
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	UsedAt  time.Time `json:"used_at,omitzero"`
}

// Session is a signed-in browser.
type Session struct {
	Who     string    `json:"who"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	Revoked time.Time `json:"revoked,omitzero"`
}

// Valid reports whether s may be used at now.
func (s Session) Valid(now time.Time) bool { return s.Revoked.IsZero() && now.Before(s.Expires) }

// LinkKey is an HMAC key for signed links. The newest signs; every key
// kept verifies, so rotating does not break links already sent unless the
// old keys are dropped.
type LinkKey struct {
	ID      string    `json:"id"`
	Secret  []byte    `json:"secret"`
	Created time.Time `json:"created"`
}

// secretKey is the SHA-256 of a secret, in hex: what is stored of it.
func secretKey(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return []byte(hex.EncodeToString(sum[:]))
}

// NewSecret returns 32 URL-safe random bytes, base64url-encoded.
func NewSecret() (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

// CreateSignInToken stores a one-time sign-in token for who, valid for
// ttl, and returns it. Only its hash is kept.
func (db *DB) CreateSignInToken(who string, ttl time.Duration, now time.Time) (string, error) {
	token, err := NewSecret()
	if err != nil {
		return "", fmt.Errorf("create sign-in token: %w", err)
	}
	t := SignInToken{Who: who, Created: now, Expires: now.Add(ttl)}
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketWebTokens)
		if err != nil {
			return err
		}
		return putJSON(b, secretKey(token), t)
	})
	if err != nil {
		return "", fmt.Errorf("create sign-in token: %w", err)
	}
	return token, nil
}

// SignInTokenValid reports, without using it, whether token can sign in
// at now, and for whom.
func (db *DB) SignInTokenValid(token string, now time.Time) (string, error) {
	var t SignInToken
	err := db.bolt.View(func(tx *bolt.Tx) error {
		found, err := getJSON(tx.Bucket(bucketWebTokens), secretKey(token), &t)
		return tokenState(t, found, err, now)
	})
	return t.Who, err
}

func tokenState(t SignInToken, found bool, err error, now time.Time) error {
	switch {
	case err != nil:
		return err
	case !found:
		return ErrTokenUnknown
	case !t.UsedAt.IsZero():
		return ErrTokenUsed
	case !now.Before(t.Expires):
		return ErrTokenExpired
	}
	return nil
}

// SignIn uses token up and opens a session of ttl for its person, in one
// transaction, returning the session id (the cookie's value).
func (db *DB) SignIn(token string, ttl time.Duration, now time.Time) (string, Session, error) {
	id, err := NewSecret()
	if err != nil {
		return "", Session{}, fmt.Errorf("sign in: %w", err)
	}
	var s Session
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		tokens, err := tx.CreateBucketIfNotExists(bucketWebTokens)
		if err != nil {
			return err
		}
		var t SignInToken
		key := secretKey(token)
		found, err := getJSON(tokens, key, &t)
		if err := tokenState(t, found, err, now); err != nil {
			return err
		}
		t.UsedAt = now
		if err := putJSON(tokens, key, t); err != nil {
			return err
		}
		sessions, err := tx.CreateBucketIfNotExists(bucketWebSessions)
		if err != nil {
			return err
		}
		s = Session{Who: t.Who, Created: now, Expires: now.Add(ttl)}
		if err := putJSON(sessions, secretKey(id), s); err != nil {
			return err
		}
		return pruneWeb(tokens, sessions, now)
	})
	if err != nil {
		return "", Session{}, fmt.Errorf("sign in: %w", err)
	}
	return id, s, nil
}

// Session returns the session of a cookie's id, valid or not.
func (db *DB) Session(id string) (Session, bool, error) {
	var s Session
	var found bool
	err := db.bolt.View(func(tx *bolt.Tx) (err error) {
		found, err = getJSON(tx.Bucket(bucketWebSessions), secretKey(id), &s)
		return err
	})
	return s, found, err
}

// RevokeSession ends one session (signing out).
func (db *DB) RevokeSession(id string, now time.Time) error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWebSessions)
		var s Session
		found, err := getJSON(b, secretKey(id), &s)
		if err != nil || !found || !s.Revoked.IsZero() {
			return err
		}
		s.Revoked = now
		return putJSON(b, secretKey(id), s)
	})
}

// RevokeSessions ends every session of a person and returns how many.
func (db *DB) RevokeSessions(who string, now time.Time) (int, error) {
	n := 0
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWebSessions)
		if b == nil {
			return nil
		}
		type kv struct {
			k []byte
			s Session
		}
		var hits []kv
		err := forEachJSON(b, nil, func(k []byte, s Session) error {
			if s.Who == who && s.Revoked.IsZero() {
				hits = append(hits, kv{append([]byte(nil), k...), s})
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, h := range hits {
			h.s.Revoked = now
			if err := putJSON(b, h.k, h.s); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// LinkKeys returns the keys that sign links, newest first, creating the
// first one when there is none.
func (db *DB) LinkKeys(now time.Time) ([]LinkKey, error) {
	var keys []LinkKey
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		keys, err = linkKeys(tx)
		return err
	})
	if err != nil || len(keys) > 0 {
		return keys, err
	}
	k, err := db.RotateLinkKey(false, now)
	if err != nil {
		return nil, err
	}
	return []LinkKey{k}, nil
}

func linkKeys(tx *bolt.Tx) ([]LinkKey, error) {
	var keys []LinkKey
	b := tx.Bucket(bucketWebKeys)
	if b == nil {
		return nil, nil
	}
	err := forEachJSON(b, nil, func(_ []byte, k LinkKey) error {
		keys = append([]LinkKey{k}, keys...)
		return nil
	})
	// Ids sort by creation: newest last in the bucket, first here.
	return keys, err
}

// RotateLinkKey adds a new signing key; with dropOld the older keys are
// deleted, so that every link signed before stops working.
func (db *DB) RotateLinkKey(dropOld bool, now time.Time) (LinkKey, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return LinkKey{}, err
	}
	var k LinkKey
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketWebKeys)
		if err != nil {
			return err
		}
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		if dropOld {
			if err := tx.DeleteBucket(bucketWebKeys); err != nil {
				return err
			}
			if b, err = tx.CreateBucket(bucketWebKeys); err != nil {
				return err
			}
			if err := b.SetSequence(seq); err != nil {
				return err
			}
		}
		k = LinkKey{ID: fmt.Sprintf("%08x", seq), Secret: secret, Created: now}
		return putJSON(b, []byte(k.ID), k)
	})
	if err != nil {
		return LinkKey{}, fmt.Errorf("rotate link key: %w", err)
	}
	return k, nil
}

// Version is the id of the last committed write transaction: it changes
// whenever anything in the database does, so readers can keep what they
// decoded until it moves.
func (db *DB) Version() (int, error) {
	var id int
	err := db.bolt.View(func(tx *bolt.Tx) error {
		id = tx.ID()
		return nil
	})
	return id, err
}

// pruneWeb deletes the sign-in tokens and sessions that ended more than a
// day before now, so that the buckets stay the size of their live
// content; a sign-in pays for it.
func pruneWeb(tokens, sessions *bolt.Bucket, now time.Time) error {
	cutoff := now.Add(-24 * time.Hour)
	var dead [][]byte
	collect := func(b *bolt.Bucket, ended func(raw []byte) bool) error {
		dead = dead[:0]
		err := b.ForEach(func(k, v []byte) error {
			if ended(v) {
				dead = append(dead, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range dead {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	}
	err := collect(tokens, func(raw []byte) bool {
		var t SignInToken
		return json.Unmarshal(raw, &t) == nil && t.Expires.Before(cutoff)
	})
	if err != nil {
		return err
	}
	return collect(sessions, func(raw []byte) bool {
		var s Session
		return json.Unmarshal(raw, &s) == nil && (s.Expires.Before(cutoff) || !s.Revoked.IsZero() && s.Revoked.Before(cutoff))
	})
}
