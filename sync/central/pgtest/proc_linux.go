package pgtest

import "syscall"

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
