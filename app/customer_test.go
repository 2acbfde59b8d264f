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

func TestPostalAddress(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    Customer
		want string
	}{
		{"chinese, city already in the address", Customer{Address: "上海市静安区延安中路907号", City: "上海", Language: "zh-CN"}, "上海市静安区延安中路907号"},
		{"chinese, city not in the address", Customer{Address: "静安区延安中路907号", City: "上海", Language: "zh-Hans"}, "上海静安区延安中路907号"},
		{"chinese script without a language", Customer{Address: "天河区天河路385号", City: "广州"}, "广州天河区天河路385号"},
		{"japanese", Customer{Address: "渋谷区神南1-2-3", City: "東京都", Language: "ja"}, "東京都渋谷区神南1-2-3"},
		{"german", Customer{Address: "Torstraße 12, 10119", City: "Berlin", Language: "de-DE"}, "Torstraße 12, 10119, Berlin"},
		{"a chinese reader's address in lagos", Customer{Address: "98 Admiralty Way, Lekki Phase 1", City: "Lagos", Language: "zh-CN"}, "98 Admiralty Way, Lekki Phase 1, Lagos"},
		{"latin address ending with its city", Customer{Address: "98 Admiralty Way, Lekki Phase 1, Lagos", City: "Lagos", Language: "en"}, "98 Admiralty Way, Lekki Phase 1, Lagos"},
		{"latin script without a language", Customer{Address: "12 Allen Avenue", City: "Lagos"}, "12 Allen Avenue, Lagos"},
		{"no city", Customer{Address: "  12 Allen Avenue ", Language: "en"}, "12 Allen Avenue"},
		{"no address", Customer{City: "上海", Language: "zh"}, "上海"},
		{"neither", Customer{Language: "zh"}, ""},
	} {
		if got := tc.c.PostalAddress(); got != tc.want {
			t.Errorf("%s: PostalAddress() = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestMayReassign(t *testing.T) {
	for s, want := range map[Status]bool{
		StatusAssigned: true, StatusEnRoute: true, StatusOnSite: true, StatusInProgress: true, StatusWaitingParts: true,
		StatusCompleted: false, StatusCannotComplete: false, StatusCancelled: false, StatusClosed: false,
	} {
		if got := MayReassign(Ticket{Status: s}); got != want {
			t.Errorf("MayReassign(%s) = %v, want %v", s, got, want)
		}
	}
}
