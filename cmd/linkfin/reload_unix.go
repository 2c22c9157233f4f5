//go:build unix

package main

import (
	"os"
	"syscall"
)

// reloadSignals are the signals on which serve loads the calendar files again.
var reloadSignals = []os.Signal{syscall.SIGHUP}
