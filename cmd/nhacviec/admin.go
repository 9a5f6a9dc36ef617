package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/sct-langson/nhacviec/adminsock"
	"github.com/sct-langson/nhacviec/bot"
	"github.com/sct-langson/nhacviec/config"
	"github.com/sct-langson/nhacviec/scheduler"
	"github.com/sct-langson/nhacviec/store"
)

// Admin changes (invite, done, undo) write the database. When the daemon
// holds it they go through the daemon's admin socket instead (owner only,
// see adminsock), which runs the same functions.

// inviteRequest asks for a one-time invite code.
type inviteRequest struct {
	Unit string        `json:"unit"`
	Name string        `json:"name"`
	Role string        `json:"role"`
	TTL  time.Duration `json:"ttl"`
}

type inviteResponse struct {
	Code string `json:"code"`
	Link string `json:"link,omitempty"`
}

// doneRequest marks a task done, or undoes the mark.
type doneRequest struct {
	Task string `json:"task"` // task id, "I.4.1@2024-09", or an assignment key
	Unit string `json:"unit"`
	Note string `json:"note"`
	Undo bool   `json:"undo"`
}

type doneResponse struct {
	Assignment scheduler.Assignment `json:"assignment"`
}

func invite(cfg *config.Config, db *store.DB, username string, req inviteRequest, now time.Time) (inviteResponse, error) {
	if _, ok := cfg.Directory.Unit(req.Unit); !ok {
		return inviteResponse{}, fmt.Errorf("invite: %q is not a unit of %s", req.Unit, cfg.Path)
	}
	switch req.Role {
	case "head", "staff", "admin":
	default:
		return inviteResponse{}, fmt.Errorf("invite: role %q is not head, staff or admin", req.Role)
	}
	code, err := db.CreateInvite(req.Unit, req.Name, req.Role, req.TTL, now)
	if err != nil {
		return inviteResponse{}, err
	}
	resp := inviteResponse{Code: code}
	if username != "" {
		resp.Link = "https://t.me/" + username + "?start=" + code
	}
	return resp, nil
}

func markDone(db *store.DB, eng *scheduler.Engine, req doneRequest, now time.Time) (doneResponse, error) {
	var a scheduler.Assignment
	var err error
	if req.Undo {
		a, err = bot.Reopen(db, eng, req.Task, req.Unit, "admin", now)
	} else {
		a, err = bot.Complete(db, eng, req.Task, req.Unit, "admin", req.Note, now)
	}
	return doneResponse{Assignment: a}, err
}

// viaDaemon posts req to the running daemon's admin socket.
func viaDaemon(ctx context.Context, cfg *config.Config, path string, req, resp any) error {
	body, _ := json.Marshal(req)
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, adminsock.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	r.Header.Set("Content-Type", "application/json")
	res, err := adminsock.Do(adminsock.Path(cfg.DatabasePath()), r)
	if err != nil {
		return fmt.Errorf("database is in use by another nhacviec process, and %w", err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s", bytes.TrimSpace(data))
	}
	return json.Unmarshal(data, resp)
}

// adminHandler serves the CLI on the admin socket: POST /admin/invite and
// /admin/done, and GET /backup, a consistent copy of the database (`nhacviec
// backup` and the read-only commands fetch it).
func (d *daemon) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		if _, err := d.db.WriteTo(w); err != nil {
			d.log.Error("backup", "err", err)
			http.Error(w, fmt.Sprintf("backup failed: %v", err), http.StatusInternalServerError)
		}
	})
	handle := func(path string, fn func(body []byte) (any, error)) {
		mux.HandleFunc("POST "+path, func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
			resp, err := fn(body)
			if err != nil {
				status := http.StatusInternalServerError
				if errors.Is(err, errBadRequest) || errors.Is(err, scheduler.ErrNotFound) || errors.Is(err, bot.ErrAmbiguous) {
					status = http.StatusBadRequest
				}
				http.Error(w, err.Error(), status)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(resp)
		})
	}
	handle("/admin/invite", func(body []byte) (any, error) {
		var req inviteRequest
		if err := json.Unmarshal(body, &req); err != nil {
			return nil, fmt.Errorf("%w: %v", errBadRequest, err)
		}
		username := ""
		if d.chans.telegram != nil {
			username = d.chans.telegram.Username()
		}
		return invite(d.current.Load(), d.db, username, req, d.m.now())
	})
	handle("/admin/done", func(body []byte) (any, error) {
		var req doneRequest
		if err := json.Unmarshal(body, &req); err != nil {
			return nil, fmt.Errorf("%w: %v", errBadRequest, err)
		}
		resp, err := markDone(d.db, d.eng, req, d.m.now())
		if err == nil {
			d.signal()
		}
		return resp, err
	})
	handle("/admin/link-keys", func(body []byte) (any, error) {
		var req linkKeysRequest
		if err := json.Unmarshal(body, &req); err != nil {
			return nil, fmt.Errorf("%w: %v", errBadRequest, err)
		}
		resp, err := rotateLinkKey(d.db, req, d.m.now())
		if err == nil && d.web != nil {
			err = d.web.ReloadKeys()
		}
		return resp, err
	})
	return mux
}

var errBadRequest = errors.New("bad request")
