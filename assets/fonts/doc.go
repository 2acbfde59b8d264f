// Package fonts embeds the fonts the documents written on the device (the
// service report, the intake receipt) are set in, without Fyne: a phone has
// no system fonts to rely on. Latin, Greek and Cyrillic text is set in Go's
// own fonts (BSD licence, golang.org/x/image/font/gofont); Chinese in Droid
// Sans Fallback (Apache 2.0, see LICENSE-DroidSansFallback.txt), a TrueType
// font that PDF libraries can subset and embed, unlike the CFF Noto CJK
// collection. Droid Sans Fallback has no Latin letters, so text is set by
// runs, each in the font that has its characters (see FaceOf).
//
// The folder also holds the screens' bold Chinese
// (NotoSansCJKsc-Bold-GB2312.otf, SIL OFL 1.1, LICENSE-NotoSansCJK.txt),
// which package assets embeds for Fyne; this package does not.
package fonts
