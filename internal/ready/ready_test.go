package ready

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := map[string]struct {
		line    string
		ms, kb  int64
		wantErr bool
	}{
		"OK":         {line: "ready_ms=312 rss_kb=150000", ms: 312, kb: 150000},
		"ErrNumber":  {line: "ready_ms=fast rss_kb=1", wantErr: true},
		"ErrMissing": {line: "ready_ms=312", wantErr: true},
		"ErrEmpty":   {line: "", wantErr: true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			ms, kb, err := Parse(tt.line)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Parse(%q) error %v, want error %v", tt.line, err, tt.wantErr)
			}
			if ms != tt.ms || kb != tt.kb {
				t.Errorf("Parse(%q) = %d, %d, want %d, %d", tt.line, ms, kb, tt.ms, tt.kb)
			}
		})
	}
}

// TestWrite checks the file holds one line of the two figures and that
// the temporary file is gone. (Parse would refuse ready_ms=0, which a test
// binary started within the kernel's last clock tick may write.)
func TestWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ready")
	if err := Write(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	line, ok := strings.CutSuffix(string(data), "\n")
	f := strings.Fields(line)
	if !ok || strings.Contains(line, "\n") || len(f) != 2 || !strings.HasPrefix(f[0], "ready_ms=") || !strings.HasPrefix(f[1], "rss_kb=") {
		t.Fatalf("ready file %q, want one line ready_ms=… rss_kb=…", data)
	}
	for _, kv := range f {
		_, v, _ := strings.Cut(kv, "=")
		if n, err := strconv.ParseInt(v, 10, 64); err != nil || n < 0 {
			t.Errorf("ready file %q: %s is not a count", data, kv)
		}
	}
	if _, err := os.Stat(path + ".tmp"); err == nil {
		t.Errorf("%s.tmp is left behind", path)
	}
}

func TestResidentKB(t *testing.T) {
	if kb := ResidentKB(0); kb <= 0 {
		t.Errorf("ResidentKB(0) = %d, want this process's memory", kb)
	}
	if kb := ResidentKB(os.Getpid()); kb <= 0 {
		t.Errorf("ResidentKB(own pid) = %d, want this process's memory", kb)
	}
	if kb := ResidentKB(-1); kb != 0 {
		t.Errorf("ResidentKB(-1) = %d, want 0", kb)
	}
}
