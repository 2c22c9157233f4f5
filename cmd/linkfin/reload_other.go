//go:build !unix

package main

import "os"

// reloadSignals are the signals on which serve loads the calendar files again: none
// where there is no SIGHUP (Windows). There serve loads them at start alone, and a
// new year's file is taken by a restart.
var reloadSignals []os.Signal
