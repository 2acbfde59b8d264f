package ui

import "fyne.io/fyne/v2"

// PatternTextMinSize is the least size the pattern's numbers under the pad
// ask of their row.
func (c *CheckIn) PatternTextMinSize() fyne.Size { return c.f.patternIs.MinSize() }
