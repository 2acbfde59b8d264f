package scanner

// Lines are a label's printed lines of text.
func Lines(p Printable) []string { return p.lines() }
