// Package translations holds Fieldbench's words for people in every
// language it speaks, for the layers that write text without a screen: the
// service report, receipts, customer notices and the central service's
// exports. The app's screens read the same files through Fyne's lang (see
// package assets, which keeps that binding), so a word is translated once.
//
// Each <lang>.json is go-i18n's flat format: a key maps to a text, or to
// plural forms ("one", "other") chosen by the number in Count. Texts are
// text/template strings over the data they are given ({{.Number}}).
package translations
