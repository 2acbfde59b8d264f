//go:build !windows && !darwin && !js && !android

package assets

// localeFromEnvironment: here Fyne's lang (through go-locale) reads the
// user's language from LANGUAGE, LC_ALL, LC_MESSAGES and LANG, which
// AddTranslations announces as the translations' locales.
const localeFromEnvironment = true
