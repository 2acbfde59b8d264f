package ui

// Breakable is the text as the terminal's wrapping labels are given it:
// marked where Chinese may end a line (breakable).
func Breakable(s string) string { return breakable(s) }
