package console

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/fieldbench/fieldbench/app"
)

//go:embed static
var staticFiles embed.FS

// staticFile is an embedded file of static/ with its content hash.
type staticFile struct {
	body  []byte
	hash  string // first 16 hex digits of its SHA-256
	ctype string
}

func loadStatic() (map[string]staticFile, error) {
	out := map[string]staticFile{}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		out[strings.TrimPrefix(p, "static/")] = staticFile{body: b, hash: hex.EncodeToString(sum[:8]), ctype: ctype}
		return nil
	})
	return out, err
}

// staticURL is a static file's URL with its content hash as the query, so
// that a page always loads the file it was written for while browsers
// cache each version for good.
func (c *Console) staticURL(name string) string {
	f, ok := c.static[name]
	if !ok {
		return "/static/" + name
	}
	return "/static/" + name + "?v=" + f.hash
}

// serveStatic answers GET /static/{name}: with the current hash in the
// URL, cached for a year; without it, revalidated by ETag.
func (c *Console) serveStatic(w http.ResponseWriter, r *http.Request) error {
	f, ok := c.static[r.PathValue("name")]
	if !ok {
		return errNoPage
	}
	h := w.Header()
	etag := `"` + f.hash + `"`
	h.Set("ETag", etag)
	h.Set("Content-Type", f.ctype)
	if r.URL.Query().Get("v") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	_, err := w.Write(f.body)
	return err
}

var errNoPage = app.Errorf(app.ENOTFOUND, "console.not_found", "There is no such page. Use the menu to find what you are looking for.")

// notFound answers a path no route serves.
func (c *Console) notFound(w http.ResponseWriter, r *http.Request) error { return errNoPage }
