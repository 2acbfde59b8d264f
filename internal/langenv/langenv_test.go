package langenv

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNoLocaleErrorAtStart runs a program that loads Fyne's lang under the
// locales of containers and desktops: with this package, Fyne never logs
// "Error parsing user locale"; without it (the control), it does for
// C.UTF-8.
func TestNoLocaleErrorAtStart(t *testing.T) {
	tests := map[string]struct {
		prog, lang string
		wantError  bool
	}{
		"ControlCUTF8":  {prog: "fyneonly", lang: "C.UTF-8", wantError: true},
		"CUTF8":         {prog: "withpolicy", lang: "C.UTF-8"},
		"C":             {prog: "withpolicy", lang: "C"},
		"POSIX":         {prog: "withpolicy", lang: "POSIX"},
		"Unset":         {prog: "withpolicy", lang: ""},
		"French":        {prog: "withpolicy", lang: "fr_FR.UTF-8"},
		"ControlFrench": {prog: "fyneonly", lang: "fr_FR.UTF-8"},
	}
	bin := map[string]string{}
	for _, prog := range []string{"fyneonly", "withpolicy"} {
		bin[prog] = t.TempDir() + "/" + prog
		if out, err := exec.Command("go", "build", "-o", bin[prog], "./testdata/"+prog).CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", prog, err, out)
		}
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(bin[tt.prog])
			cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
			if tt.lang != "" {
				cmd.Env = append(cmd.Env, "LANG="+tt.lang)
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil || strings.TrimSpace(string(out)) == "" {
				t.Fatalf("%s: %q, %v\n%s", tt.prog, out, err, stderr.String())
			}
			if got := strings.Contains(stderr.String(), "Error parsing user locale"); got != tt.wantError {
				t.Errorf("LANG=%q: locale error logged %v, want %v; stderr:\n%s", tt.lang, got, tt.wantError, stderr.String())
			}
		})
	}
}

// TestUse: a language chosen reaches LANGUAGE even where go-locale would
// ignore it (LANG=C), and "" returns to the system's.
func TestUse(t *testing.T) {
	tests := map[string]struct {
		env          map[string]string // before; "" unsets
		system, code string
		want         map[string]string // after
	}{
		"Chosen":        {env: map[string]string{"LANG": "fr_FR.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}, code: "zh", want: map[string]string{"LANGUAGE": "zh", "LANG": "fr_FR.UTF-8"}},
		"ChosenUnderC":  {env: map[string]string{"LANG": "C", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}, code: "es", want: map[string]string{"LANGUAGE": "es", "LANG": "C.UTF-8"}},
		"ChosenLCALLC":  {env: map[string]string{"LANG": "de_DE.UTF-8", "LC_ALL": "POSIX", "LANGUAGE": "", "LC_MESSAGES": ""}, code: "pt", want: map[string]string{"LANGUAGE": "pt", "LC_ALL": "C.UTF-8", "LANG": "de_DE.UTF-8"}},
		"BackToSystem":  {env: map[string]string{"LANG": "fr_FR.UTF-8", "LANGUAGE": "zh", "LC_ALL": "", "LC_MESSAGES": ""}, system: "", code: "", want: map[string]string{"LANGUAGE": "", "LANG": "fr_FR.UTF-8"}},
		"BackToSystemC": {env: map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "zh", "LC_ALL": "", "LC_MESSAGES": ""}, system: "en", code: "", want: map[string]string{"LANGUAGE": "en"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			saved := system
			system = tt.system
			defer func() { system = saved }()
			Use(tt.code)
			for k, v := range tt.want {
				if got := os.Getenv(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

// TestAnnounce: the languages the environment names reach Fyne's lang as
// the given rule announces them, LANGUAGE's entries in their order, else
// the locale's language through LANGUAGE (the locale variable itself is
// left as it was); a C locale, which names no language, is left alone.
func TestAnnounce(t *testing.T) {
	brazil := func(l string) string {
		if l == "pt" || l == "pt_PT" {
			return "pt_BR"
		}
		return l
	}
	tests := map[string]struct {
		env  map[string]string // before; "" unsets
		want map[string]string // after
	}{
		"Language":         {env: map[string]string{"LANGUAGE": "pt", "LANG": "C.UTF-8"}, want: map[string]string{"LANGUAGE": "pt_BR", "LANG": "C.UTF-8"}},
		"LanguageList":     {env: map[string]string{"LANGUAGE": "de:pt_PT:en", "LANG": "de_DE.UTF-8"}, want: map[string]string{"LANGUAGE": "de:pt_BR:en"}},
		"LanguageKept":     {env: map[string]string{"LANGUAGE": "zh:fr", "LANG": "pt_PT.UTF-8"}, want: map[string]string{"LANGUAGE": "zh:fr", "LANG": "pt_PT.UTF-8"}},
		"Locale":           {env: map[string]string{"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "pt_PT.UTF-8@euro"}, want: map[string]string{"LANGUAGE": "pt_BR", "LANG": "pt_PT.UTF-8@euro"}},
		"LocaleInEffect":   {env: map[string]string{"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "pt.UTF-8", "LANG": "fr_FR.UTF-8"}, want: map[string]string{"LANGUAGE": "pt_BR", "LC_MESSAGES": "pt.UTF-8"}},
		"LocaleLeftAlone":  {env: map[string]string{"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "fr_FR.UTF-8"}, want: map[string]string{"LANGUAGE": "", "LANG": "fr_FR.UTF-8"}},
		"CNamesNoLanguage": {env: map[string]string{"LANGUAGE": "", "LC_ALL": "C", "LC_MESSAGES": "", "LANG": "pt_PT.UTF-8"}, want: map[string]string{"LANGUAGE": "", "LC_ALL": "C"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			Announce(brazil)
			for k, v := range tt.want {
				if got := os.Getenv(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}
