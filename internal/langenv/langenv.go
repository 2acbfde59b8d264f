package langenv

import (
	"os"
	"strings"
)

// system is LANGUAGE as this package's init left it, restored by Use("").
var system string

func init() {
	if os.Getenv("LANGUAGE") == "" && isC(inEffect()) {
		// A C locale names no language; English is what it shows.
		os.Setenv("LANGUAGE", "en")
	}
	system = os.Getenv("LANGUAGE")
}

// inEffect is the name of the locale variable go-locale reads, the first
// set of LC_ALL, LC_MESSAGES and LANG, or "".
func inEffect() string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if os.Getenv(v) != "" {
			return v
		}
	}
	return ""
}

// isC reports whether the variable v holds the C or POSIX locale, which
// name no language: "C", "POSIX", "C.UTF-8".
func isC(v string) bool {
	if v == "" {
		return false
	}
	name, _, _ := strings.Cut(os.Getenv(v), ".")
	return name == "C" || name == "POSIX"
}

// Use makes code ("en", "zh", ...) the language Fyne's lang reads next;
// "" returns to the system's. go-locale ignores LANGUAGE when the locale
// in effect is exactly "C" or "POSIX", so that becomes "C.UTF-8", the
// same locale for everything else.
func Use(code string) {
	if code == "" {
		os.Setenv("LANGUAGE", system)
		return
	}
	os.Setenv("LANGUAGE", code)
	if v := inEffect(); v != "" && (os.Getenv(v) == "C" || os.Getenv(v) == "POSIX") {
		os.Setenv(v, "C.UTF-8")
	}
}

// Announce rewrites the languages the environment names as locale gives
// them, for the next time Fyne's lang reads them: each entry of LANGUAGE;
// when LANGUAGE is empty, the language of the locale in effect, written
// into LANGUAGE, not into the locale variable, which governs more than
// words (and the programs the app starts). locale returns a language it
// leaves alone as it is.
func Announce(locale func(language string) string) {
	if v := os.Getenv("LANGUAGE"); v != "" {
		entries := strings.Split(v, ":")
		for i, e := range entries {
			if e != "" {
				entries[i] = locale(e)
			}
		}
		if announced := strings.Join(entries, ":"); announced != v {
			os.Setenv("LANGUAGE", announced)
		}
		return
	}
	v := inEffect()
	if v == "" || isC(v) {
		return
	}
	// "pt_PT.UTF-8@euro": the language is before the codeset and modifier.
	name, _, _ := strings.Cut(os.Getenv(v), ".")
	name, _, _ = strings.Cut(name, "@")
	if announced := locale(name); announced != name {
		os.Setenv("LANGUAGE", announced)
	}
}
