// Package signimg renders a customer's signature strokes (app.Stroke, in
// the app.SignatureWidth x app.SignatureHeight box) to a small anti-aliased
// PNG: the picture the sign-off stores as a photo of kind "signature", and
// the one a report prints. It has no Fyne, so the report generator and the
// central service can use it too.
package signimg
