//go:build !linux

package pgtest

import (
	"errors"
	"syscall"
	"time"
)

// sysProcAttr runs children as ourselves: switching to the postgres user
// when root is supported on Linux only (CI is Debian), so as root elsewhere
// initdb refuses to run and says why in the error's log tail.
func sysProcAttr(*osUser) *syscall.SysProcAttr { return nil }

// cpuTime is not measured outside Linux.
func cpuTime(int) (time.Duration, error) {
	return 0, errors.ErrUnsupported
}
