//go:build windows || darwin || js || android

package assets

// localeFromEnvironment: here Fyne's lang (through go-locale) asks the
// system for the user's language, whatever the environment says.
const localeFromEnvironment = false
