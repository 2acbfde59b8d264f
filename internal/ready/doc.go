// Package ready is the start-up benchmark's handshake. An app started with
// -ready-file (the terminal, and cmd/uifloor, the bare Fyne app it is
// measured against) calls Write once its first list is on screen. The file
// then holds one line, "ready_ms=312 rss_kb=150000": the time since the
// kernel started the process, and its resident memory at that moment. It
// appears whole (written beside it, then renamed), so its existence is the
// signal: cmd/uibench and cmd/screenshots wait for it, and cmd/uibench reads
// the line with Parse and the app's memory again later with ResidentKB.
//
// It is under the module's internal/, not cmd/, because the terminal's main
// package imports it and nothing of the app imports cmd/.
package ready
