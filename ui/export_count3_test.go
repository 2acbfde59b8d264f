package ui

// ReloadParts reloads the parts page as the end of a sync does
// (Terminal.syncChanged), for BenchmarkPartsReloadAfterSync.
func (t *Terminal) ReloadParts() { t.parts.load() }
