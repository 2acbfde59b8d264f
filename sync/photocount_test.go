package sync

import (
	"testing"
)

// TestRecountCountsPhotosWaiting: a photo saved while no upload runs
// (offline, or working offline) counts as waiting at once; before, the
// sync page said "photos waiting: 0 B" until an upload started (liveday
// finding 6).
func TestRecountCountsPhotosWaiting(t *testing.T) {
	tests := []struct {
		name    string
		photos  [][]byte
		offline bool
		want    int64
	}{
		{"None", nil, false, 0},
		{"OneOffline", [][]byte{[]byte("a photo")}, false, 7},
		{"TwoWorkingOffline", [][]byte{[]byte("a photo"), []byte("another one")}, true, 18},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dev := newMemDevice(tc.photos...)
			// Nothing listens here: an upload would fail, and Recount must
			// not try one.
			u, err := NewPhotoUploader(dev, dev, nil, "http://127.0.0.1:1", "tok")
			if err != nil {
				t.Fatal(err)
			}
			e := NewEngine(&slowDevice{}, acceptAll{})
			e.SetPhotoSender(u)
			e.SetWorkOffline(tc.offline)
			if err := e.Recount(t.Context()); err != nil {
				t.Fatal(err)
			}
			if st := e.Status(); st.PhotoBytes != tc.want || st.PhotoErr != nil {
				t.Fatalf("after a recount: %d photo bytes waiting (error %v), want %d", st.PhotoBytes, st.PhotoErr, tc.want)
			}
		})
	}
}
