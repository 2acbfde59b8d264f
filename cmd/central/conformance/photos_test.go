package conformance

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"testing"
)

// tus is the protocol version every photo request names.
const tus = "1.0.0"

// chunk is the device's photo chunk (PROTOCOL.md, Photos).
const chunk = 64 << 10

// photoUpload is one device's view of an upload.
type photoUpload struct {
	s     *service
	token string
	sha   string
	size  int
}

func (u photoUpload) create(t *testing.T) answer {
	t.Helper()
	return u.s.do(t, "POST", "/v1/photos/", u.token, nil, "Tus-Resumable", tus,
		"Upload-Length", strconv.Itoa(u.size), "Upload-Metadata", "sha256 "+base64.StdEncoding.EncodeToString([]byte(u.sha)))
}

func (u photoUpload) patch(t *testing.T, location string, offset int, data []byte) answer {
	t.Helper()
	return u.s.do(t, "PATCH", "/v1/photos/"+location, u.token, data, "Tus-Resumable", tus,
		"Content-Type", "application/offset+octet-stream", "Upload-Offset", strconv.Itoa(offset))
}

func (u photoUpload) head(t *testing.T, location string) answer {
	t.Helper()
	return u.s.do(t, "HEAD", "/v1/photos/"+location, u.token, nil, "Tus-Resumable", tus)
}

func photoBytes(t *testing.T, n int) ([]byte, string) {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:])
}

func attachArgs(ticket, sha string, size int) map[string]any {
	return map[string]any{"photo": map[string]any{"id": newID(), "ticket": ticket, "sha256": sha, "size": size, "mime": "image/jpeg", "kind": "repair"}}
}

// Photo bytes go up over tus only for a photo on one of the device's
// tickets, only the device that created an upload may touch it, a lost
// upload URL resumes at the server's offset, and a damaged file is refused.
func TestPhotoUploads(t *testing.T) {
	onEachDB(t, func(t *testing.T, s *service) {
		tc := s.addFieldTech(t, "photographer", 0)
		dev := s.pair(t, tc.id)
		tk := s.newTicket(t, tc.id, "")
		other := s.addFieldTech(t, "snooper", 0)
		snoop := s.pair(t, other.id)

		data, sha := photoBytes(t, 2*chunk+1000)
		mine := photoUpload{s: s, token: dev.token, sha: sha, size: len(data)}
		theirs := photoUpload{s: s, token: snoop.token, sha: sha, size: len(data)}

		if a := mine.create(t); a.status != http.StatusForbidden || a.apiErr(t).Key != "photo.not_allowed" {
			t.Errorf("an upload before the photo's record was pushed: HTTP %d %s, want 403 photo.not_allowed", a.status, a.body)
		}
		if x, ok := dev.pushOne(t, dev.mut("photo.attach", attachArgs(tk.ID, sha, len(data)))); ok {
			t.Fatalf("photo.attach was refused: %+v", x)
		}
		if a := theirs.create(t); a.status != http.StatusForbidden {
			t.Errorf("another technician's upload of the photo: HTTP %d %s, want 403", a.status, a.body)
		}
		created := mine.create(t)
		loc := created.header.Get("Location")
		if created.status != http.StatusCreated || loc == "" || created.header.Get("Upload-Offset") != "0" {
			t.Fatalf("create: HTTP %d, Location %q, Upload-Offset %q: %s", created.status, loc, created.header.Get("Upload-Offset"), created.body)
		}
		if a := mine.patch(t, loc, 0, data[:chunk]); a.status != http.StatusNoContent || a.header.Get("Upload-Offset") != strconv.Itoa(chunk) {
			t.Fatalf("first chunk: HTTP %d, Upload-Offset %q: %s", a.status, a.header.Get("Upload-Offset"), a.body)
		}

		t.Run("another device's upload", func(t *testing.T) {
			if a := theirs.patch(t, loc, chunk, data[chunk:2*chunk]); a.status/100 != 4 {
				t.Errorf("PATCH by another device: HTTP %d %s, want 4xx", a.status, a.body)
			}
			if a := theirs.head(t, loc); a.status/100 != 4 {
				t.Errorf("HEAD by another device: HTTP %d, want 4xx", a.status)
			}
			if a := mine.head(t, loc); a.header.Get("Upload-Offset") != strconv.Itoa(chunk) {
				t.Errorf("the offset moved to %q", a.header.Get("Upload-Offset"))
			}
		})
		t.Run("a stale offset", func(t *testing.T) {
			if a := mine.patch(t, loc, 0, data[:chunk]); a.status != http.StatusConflict {
				t.Errorf("PATCH at offset 0 after the first chunk: HTTP %d %s, want 409", a.status, a.body)
			}
		})
		t.Run("a lost upload URL", func(t *testing.T) {
			a := mine.create(t)
			if a.status != http.StatusCreated || a.header.Get("Location") != loc || a.header.Get("Upload-Offset") != strconv.Itoa(chunk) {
				t.Errorf("create again: HTTP %d, Location %q (first %q), Upload-Offset %q; want the same upload at %d",
					a.status, a.header.Get("Location"), loc, a.header.Get("Upload-Offset"), chunk)
			}
		})
		if a := mine.patch(t, loc, chunk, data[chunk:]); a.status != http.StatusNoContent || a.header.Get("Upload-Offset") != strconv.Itoa(len(data)) {
			t.Fatalf("last chunk: HTTP %d, Upload-Offset %q: %s", a.status, a.header.Get("Upload-Offset"), a.body)
		}
		var d struct {
			Photos []struct {
				SHA256 string `json:"sha256"`
				State  string `json:"state"`
			} `json:"photos"`
		}
		s.adminOK(t, "GET", "/v1/admin/tickets/"+tk.ID, nil, &d)
		if len(d.Photos) != 1 || d.Photos[0].SHA256 != sha || d.Photos[0].State != "verified" {
			t.Errorf("the ticket's photos after the last byte: %+v, want the photo verified", d.Photos)
		}
		if a := mine.create(t); a.status != http.StatusOK || a.header.Get("Upload-Offset") != strconv.Itoa(len(data)) {
			t.Errorf("create after verification: HTTP %d, Upload-Offset %q; want 200 at the end", a.status, a.header.Get("Upload-Offset"))
		}

		t.Run("damaged bytes", func(t *testing.T) {
			good, sha := photoBytes(t, 1000)
			bad := append([]byte(nil), good...)
			bad[500] ^= 0xff
			u := photoUpload{s: s, token: dev.token, sha: sha, size: len(good)}
			if x, ok := dev.pushOne(t, dev.mut("photo.attach", attachArgs(tk.ID, sha, len(good)))); ok {
				t.Fatalf("photo.attach was refused: %+v", x)
			}
			c := u.create(t)
			if c.status != http.StatusCreated {
				t.Fatalf("create: HTTP %d %s", c.status, c.body)
			}
			if a := u.patch(t, c.header.Get("Location"), 0, bad); a.status != http.StatusBadRequest || a.apiErr(t).Key != "photo.hash_mismatch" {
				t.Errorf("damaged upload: HTTP %d %s, want 400 photo.hash_mismatch", a.status, a.body)
			}
			// The device starts that photo over.
			c = u.create(t)
			if c.status != http.StatusCreated || c.header.Get("Upload-Offset") != "0" {
				t.Fatalf("create after the mismatch: HTTP %d, Upload-Offset %q", c.status, c.header.Get("Upload-Offset"))
			}
			if a := u.patch(t, c.header.Get("Location"), 0, good); a.status != http.StatusNoContent {
				t.Errorf("the good bytes after the mismatch: HTTP %d %s", a.status, a.body)
			}
		})
		t.Run("over 50 MiB", func(t *testing.T) {
			u := photoUpload{s: s, token: dev.token, sha: sha, size: 50<<20 + 1}
			if a := u.create(t); a.status != http.StatusRequestEntityTooLarge {
				t.Errorf("create of 50 MiB + 1: HTTP %d %s, want 413", a.status, a.body)
			}
		})
	})
}
