//go:build windows

package store

import (
	"errors"
	"fmt"
	"syscall"
)

type fileLock struct{ h syscall.Handle }

// lockFile opens path with no sharing: a second open fails with a sharing
// violation until the handle is closed, which Windows does when the
// process ends.
func lockFile(path string) (*fileLock, error) {
	p, err := syscall.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	h, err := syscall.CreateFile(p, syscall.GENERIC_READ|syscall.GENERIC_WRITE, 0, nil, syscall.OPEN_ALWAYS, syscall.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		const errorSharingViolation syscall.Errno = 32
		if errors.Is(err, errorSharingViolation) {
			return nil, errLocked
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &fileLock{h: h}, nil
}

func (l *fileLock) unlock() error { return syscall.CloseHandle(l.h) }
