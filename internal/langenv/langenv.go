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
