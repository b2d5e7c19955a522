//go:build unix

package build

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process and its finished children (git)
// have used, which, unlike wall time, other programs on a busy machine
// do not inflate.
func cpuTime() (time.Duration, bool) {
	var total time.Duration
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if err := syscall.Getrusage(who, &ru); err != nil {
			return 0, false
		}
		total += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return total, true
}
