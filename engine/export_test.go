package engine

// OnSharedChange makes f what the engine does when a command changed a record it read
// through linkfin.Records, instead of panicking, until the function it returns is
// called.
func OnSharedChange(f func(error)) (restore func()) {
	old := sharedChanged
	sharedChanged = f
	return func() { sharedChanged = old }
}
