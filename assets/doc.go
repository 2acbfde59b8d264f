// Package assets embeds Fieldbench's icon and serial-number rules, and
// binds the translations of package assets/translations to Fyne's lang.
//
// Every user-facing key of every layer must be in all five translation
// files, which TestTranslationsComplete in package ui checks.
package assets
