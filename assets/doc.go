// Package assets embeds Fieldbench's icon and translations for Fyne.
//
// Translations live in translations/<lang>.json (go-i18n's flat format, as
// read by fyne's lang.AddTranslationsFS); every user-facing key of every
// layer must be in en.json and zh-Hans.json, which TestTranslationsComplete in
// package ui checks.
package assets
