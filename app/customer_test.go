package app

import "testing"

func TestValidEmail(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"li.wei@example.cn", true},
		{"a@b.co", true},
		{"", false},
		{"no-at.example.com", false},
		{"@example.com", false},
		{"a@", false},
		{"a@b", false},
		{"a@@b.com", false},
		{"a b@c.com", false},
		{"a@b.com,c@d.com", false},
		{"a@.com", false},
		{"a@com.", false},
		{"a@b.com\n", false},
	} {
		if got := ValidEmail(tc.in); got != tc.want {
			t.Errorf("ValidEmail(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestValidLanguageTag(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"en", true}, {"zh-CN", true}, {"zh-Hans-CN", true}, {"pt-BR", true}, {"es-419", true},
		{"", false}, {"-", false}, {"en-", false}, {"1en", false}, {"en_US", false}, {"abcdefghi", false},
		{"zh-Hans-CN-aaaaaaaa-bbbbbbbb-cccccccc", false},
	} {
		if got := ValidLanguageTag(tc.in); got != tc.want {
			t.Errorf("ValidLanguageTag(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
