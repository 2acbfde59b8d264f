// Package device is the terminal's lifecycle on one device, without a
// screen: the data folder and its store, pairing with a central service
// (or the demo service the app runs itself, when the build links one),
// the sync engine and photo uploader, the first sync with its progress,
// background sync, revocation and sign-out. It hands the screens app
// interfaces (Session) and never imports Fyne or ui, so the whole life of
// a device is tested here against a real central service on loopback.
package device
