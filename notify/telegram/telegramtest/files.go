package telegramtest

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif"  // photo sizes of pushed GIFs
	_ "image/jpeg" // photo sizes of pushed JPEGs
	_ "image/png"  // photo sizes of pushed PNGs
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

// MaxDownloadSize is the largest file getFile serves (20 MB).
const MaxDownloadSize = 20 << 20

type storedFile struct {
	id, uniqueID string
	path         string
	name, mime   string
	data         []byte
}

func (f *storedFile) document() Document {
	return Document{FileID: f.id, FileUniqueID: f.uniqueID, FileName: f.name, MimeType: f.mime, FileSize: len(f.data)}
}

// addFile stores data under dir ("documents", "photos"). Called with s.mu held.
func (s *Server) addFile(dir, name, mimeType string, data []byte) *storedFile {
	s.nextFile++
	n := s.nextFile
	ext := path.Ext(name)
	if ext == "" && dir == "photos" {
		ext = ".jpg"
	}
	f := &storedFile{
		id:       fmt.Sprintf("BQACAgUAAxkBAAI%06dtelegramtest", n),
		uniqueID: fmt.Sprintf("AgAD%06d", n),
		path:     fmt.Sprintf("%s/file_%d%s", dir, n, ext),
		name:     name, mime: mimeType, data: bytes.Clone(data),
	}
	s.files[f.id] = f
	s.paths[f.path] = f
	return f
}

// AddFile stores a file the bot can fetch with getFile and returns its
// file_id, as if a user had sent it earlier.
func (s *Server) AddFile(name, mimeType string, data []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addFile("documents", name, mimeType, data).id
}

// FileData returns the bytes stored under a file_id (uploaded by the bot
// with sendDocument or pushed by a test).
func (s *Server) FileData(fileID string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[fileID]
	if !ok {
		return nil, false
	}
	return bytes.Clone(f.data), true
}

func (s *Server) getFile(c *call) (any, *apiError) {
	f, ok := s.files[c.params["file_id"]]
	if !ok {
		return nil, badRequest("invalid file_id")
	}
	if len(f.data) > MaxDownloadSize {
		return nil, badRequest("file is too big")
	}
	return File{FileID: f.id, FileUniqueID: f.uniqueID, FileSize: len(f.data), FilePath: f.path}, nil
}

// hold keeps downloads waiting (HoldDownloads).
type hold struct {
	started chan string   // the file path of each download held
	release chan struct{} // closed to let them go
}

// HoldDownloads makes every file download wait until release is called
// (or the server closes), as a slow link would: each download held sends
// its file path on started first, so a test knows it is under way.
// started has room for 100 paths.
func (s *Server) HoldDownloads() (started <-chan string, release func()) {
	h := &hold{started: make(chan string, 100), release: make(chan struct{})}
	s.mu.Lock()
	s.hold = h
	s.mu.Unlock()
	var once sync.Once
	return h.started, func() {
		once.Do(func() {
			s.mu.Lock()
			if s.hold == h {
				s.hold = nil
			}
			s.mu.Unlock()
			close(h.release)
		})
	}
}

// download serves /file/bot<token>/<file_path>.
func (s *Server) download(w http.ResponseWriter, rest string) {
	token, p, _ := strings.Cut(rest, "/")
	s.mu.Lock()
	f, ok := s.paths[p]
	h := s.hold
	s.mu.Unlock()
	if token != s.token || !ok {
		writeJSON(w, http.StatusNotFound, envelope{ErrorCode: 404, Description: "Not Found"})
		return
	}
	if h != nil {
		select {
		case h.started <- p:
		default:
		}
		select {
		case <-h.release:
		case <-s.closed:
		}
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(f.data)))
	_, _ = w.Write(f.data)
}

// photoSizes describes a pushed photo; the size is read from PNG, JPEG or
// GIF data and left at zero otherwise.
func photoSizes(f *storedFile) []PhotoSize {
	var w, h int
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(f.data)); err == nil {
		w, h = cfg.Width, cfg.Height
	}
	return []PhotoSize{{FileID: f.id, FileUniqueID: f.uniqueID, Width: w, Height: h, FileSize: len(f.data)}}
}
