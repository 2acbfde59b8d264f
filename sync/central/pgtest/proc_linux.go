package pgtest

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// sysProcAttr runs a child as u (when not nil), and interrupts it if the
// test binary dies without calling Stop: SIGINT is postgres's fast shutdown,
// so a crashed or timed-out test leaves no server behind.
func sysProcAttr(u *osUser) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Pdeathsig: syscall.SIGINT}
	if u != nil {
		attr.Credential = &syscall.Credential{Uid: uint32(u.uid), Gid: uint32(u.gid)}
	}
	return attr
}

// cpuTime is the CPU time of the process pid and of its children, those
// running and those it has waited for (postgres's backends and helpers).
func cpuTime(pid int) (time.Duration, error) {
	own, err := procTicks(pid, true)
	if err != nil {
		return 0, err
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		return 0, err
	}
	total := own
	for _, f := range strings.Fields(string(raw)) {
		child, err := strconv.Atoi(f)
		if err != nil {
			return 0, err
		}
		// A child that exited meanwhile is counted once it is waited
		// for, in pid's children's time.
		if t, err := procTicks(child, false); err == nil {
			total += t
		}
	}
	return total * time.Second / clockTicks, nil
}

// clockTicks is the unit of /proc/PID/stat's times (USER_HZ, 100 on
// every Linux architecture Go supports).
const clockTicks = 100

// procTicks sums /proc/pid/stat's utime and stime, and with waited its
// cutime and cstime (children waited for).
func procTicks(pid int, waited bool) (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(raw, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	fields := strings.Fields(string(raw[i+1:])) // from field 3, state
	n := 4
	if waited {
		n = 6
	}
	if len(fields) < 11+n {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(fields)+2)
	}
	var sum time.Duration
	for _, f := range fields[11 : 11+n] { // fields 14-17: utime, stime, cutime, cstime
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		sum += time.Duration(v)
	}
	return sum, nil
}
