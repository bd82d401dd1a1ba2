//go:build unix

package suite

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockDir takes an exclusive lock on dir itself for the duration of a
// generation, so that a second gen suite into the same directory is
// refused at once: its cleanup of temporary directories removed the
// first one's work in progress ("unlinkat …: directory not empty",
// "open …/V.npy: no such file or directory"). The lock is the kernel's
// (flock on the directory's descriptor: no file is added to the suite),
// released when the process ends, however it ends. Call the returned
// function to release it.
func lockDir(dir string) (func(), error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: another gen suite is writing this directory; wait for it (a rerun then resumes) or use another directory", dir)
		}
		return nil, fmt.Errorf("%s: locking it: %w", dir, err)
	}
	return func() { f.Close() }, nil
}
