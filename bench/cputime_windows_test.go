package bench

import (
	"time"

	"golang.org/x/sys/windows"
)

// cpuTime is the CPU time the process has used, user and system (kernel).
func cpuTime() time.Duration {
	var created, exited, kernel, user windows.Filetime
	windows.GetProcessTimes(windows.CurrentProcess(), &created, &exited, &kernel, &user)
	return ticks(kernel) + ticks(user)
}

// ticks is a FILETIME that counts a duration, in its 100 ns ticks.
func ticks(ft windows.Filetime) time.Duration {
	return time.Duration(uint64(ft.HighDateTime)<<32|uint64(ft.LowDateTime)) * 100
}
