package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// SyncText is the sync line's text.
func (t *Terminal) SyncText() string { return t.sync.line.text.Text }

// SyncLine is the sync line, to tap.
func (t *Terminal) SyncLine() fyne.Tappable { return t.sync.line }

// SyncLineParts are the sync line's text and the button beside it.
func (t *Terminal) SyncLineParts() (*widget.Label, *widget.Button) {
	return t.sync.line.text, t.sync.line.open
}

// NoticeBanner is the banner of dispatch's notices; nil when not paired.
func (t *Terminal) NoticeBanner() fyne.CanvasObject {
	if t.sync.banner == nil {
		return nil
	}
	return t.sync.banner.root
}
