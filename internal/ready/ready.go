package ready

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Write records in the file at path how long this process took to get
// ready and how much memory it holds then, as "ready_ms=312 rss_kb=150000".
// It writes a temporary file and renames it, so a reader never sees half a
// line.
func Write(path string) error {
	line := fmt.Sprintf("ready_ms=%d rss_kb=%d\n", sinceProcessStart().Milliseconds(), ResidentKB(0))
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(line), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Parse reads the line Write writes, "ready_ms=312 rss_kb=150000".
func Parse(line string) (ms, kb int64, err error) {
	for _, f := range strings.Fields(line) {
		k, v, _ := strings.Cut(f, "=")
		n, perr := strconv.ParseInt(v, 10, 64)
		switch {
		case perr != nil:
			return 0, 0, fmt.Errorf("ready file %q: %s is not a number", line, k)
		case k == "ready_ms":
			ms = n
		case k == "rss_kb":
			kb = n
		}
	}
	if ms <= 0 || kb <= 0 {
		return 0, 0, fmt.Errorf("ready file %q: want ready_ms=… rss_kb=…", line)
	}
	return ms, kb, nil
}

// ResidentKB is a process's resident memory (VmRSS) in kB, 0 if unknown.
// pid 0 is this process.
func ResidentKB(pid int) int64 {
	path := "/proc/self/status"
	if pid != 0 && pid != os.Getpid() {
		path = fmt.Sprintf("/proc/%d/status", pid)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

// initialised is when this package was initialised, early in the process's
// life: the fallback for sinceProcessStart where /proc cannot say when the
// process started.
var initialised = time.Now()

// sinceProcessStart is the time since the kernel started this process,
// from /proc (to the kernel's clock tick, 10 ms), so it includes loading
// the binary and the packages' init.
func sinceProcessStart() time.Duration {
	stat, err1 := os.ReadFile("/proc/self/stat")
	uptime, err2 := os.ReadFile("/proc/uptime")
	if err1 != nil || err2 != nil {
		return time.Since(initialised)
	}
	// Field 22 is the start time in clock ticks after boot; fields are
	// counted after the command name, which may hold spaces.
	_, rest, _ := strings.Cut(string(stat), ") ")
	fields := strings.Fields(rest)
	var up float64
	if len(fields) < 20 {
		return time.Since(initialised)
	}
	start, err1 := strconv.ParseInt(fields[19], 10, 64)
	_, err2 = fmt.Sscanf(string(uptime), "%f", &up)
	if err1 != nil || err2 != nil {
		return time.Since(initialised)
	}
	const clockTicks = 100 // USER_HZ on every Linux architecture Go runs on
	return time.Duration(up*float64(time.Second)) - time.Duration(start)*time.Second/clockTicks
}
