package app

import (
	"strings"
	"time"
	"unicode"
)

// The counter's intake: who is at the counter, from the phone number they
// give, and which of their devices came in before.

// MinPhoneDigits is how many digits of a phone number a look-up needs:
// fewer match too many customers to be of use, and show strangers' names.
const MinPhoneDigits = 4

// MinPhoneLinkDigits is how many digits a text labelled as a phone
// ("tel:138", as a QR Code's phone link or a technician writes it) needs
// to read as one (PhoneText). The label says it is a phone, so the
// serial's scattered digits MinPhoneDigits guards against are no risk;
// three digits is the shortest part of a number a search can match
// (a trigram), what "138" alone finds in the device's search.
const MinPhoneLinkDigits = 3

// MaxKnownDevices bounds a customer look-up's answer: what a counter
// reads at a glance, and a bound on the work of a look-up.
const MaxKnownDevices = 20

// PhoneLookupDigits is how many of a typed phone number's last digits a
// look-up compares: a number is written with or without its country code
// and trunk prefix ("+86 139…", "0139…", "139…"), but its last eight
// digits are the subscriber's in any writing.
const PhoneLookupDigits = 8

// PhoneLookupKey is what a customer look-up searches the phone numbers
// for: the last PhoneLookupDigits digits of what was typed, its extension
// left out ("… ext. 12": phoneExtension), so that the number finds the
// customer whether their ticket holds the extension or not.
func PhoneLookupKey(phone string) string {
	number, _ := phoneExtension(strings.Map(narrow, phone))
	d := PhoneDigits(number)
	return d[max(0, len(d)-PhoneLookupDigits):]
}

// maxExtensionDigits bounds an extension: switchboards number theirs with
// up to six digits.
const maxExtensionDigits = 6

// minDigitsBeforeExtension is how many digits a number needs before an
// extension: an extension follows a whole number (a local one has six or
// more digits), and a serial such as "1234X56" must not read as
// "1234 extension 56".
const minDigitsBeforeExtension = 6

// phoneExtension splits the extension off a phone number written with
// one, as people and phone links write them: "… ext. 12", "… ext 12",
// "… x12", "… #12", "…;ext=12" (RFC 3966), any case. It returns s and
// false when s ends in no extension.
//
// A letter inside one unbroken run of digits ("123456X78", "5551234ext9")
// is a serial's, not an extension's mark (serialLetter): a phone written
// with a glued "x" is written grouped ("021-5555-0100x12", "+86…x12").
func phoneExtension(s string) (number string, ok bool) {
	lower := strings.Map(func(r rune) rune { // ASCII only: byte offsets stay s's
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
	for _, mark := range []string{";ext=", "ext.", "ext", "x", "#"} {
		i := strings.LastIndex(lower, mark)
		if i < 0 {
			continue
		}
		if serialLetter(s, i, len(mark)) {
			continue
		}
		ext := strings.TrimSpace(s[i+len(mark):])
		number = strings.TrimSpace(s[:i])
		if ext != "" && len(ext) <= maxExtensionDigits && PhoneDigits(ext) == ext && len(PhoneDigits(number)) >= minDigitsBeforeExtension {
			return number, true
		}
	}
	return s, false
}

// serialLetter reports whether the extension mark at s[i:i+n] is a
// letter inside one run of digits: a letter, digits right after it, and
// nothing but digits before it ("123456X78").
func serialLetter(s string, i, n int) bool {
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	if c := s[i] | 0x20; c < 'a' || c > 'z' || i == 0 || i+n >= len(s) || !isDigit(s[i+n]) {
		return false
	}
	for j := 0; j < i; j++ {
		if !isDigit(s[j]) {
			return false
		}
	}
	return true
}

// PhoneText reports whether s, typed or scanned, reads as a phone number,
// or a part of one, and returns it trimmed and without a "tel:" label:
// digits and the separators people write numbers with (phoneSeparator)
// only, in ASCII or in the full-width forms a Chinese input method types
// ("１３８ ００１３"), with at least MinPhoneDigits digits, or
// MinPhoneLinkDigits after a "tel:" label (a QR Code's phone link, or
// typed so), and maybe an extension after the number (phoneExtension).
// A search matches a phone by its digits only for such a text: the
// digits scattered in a serial ("C02XK1ZZJG5H" holds 0, 2, 1 and 5)
// would find a stranger whose phone holds "0215".
func PhoneText(s string) (string, bool) {
	s = strings.TrimSpace(s)
	least := MinPhoneDigits
	if n := strings.Map(narrow, s); len(n) > 4 && strings.EqualFold(n[:4], "tel:") {
		// narrow maps a rune to one rune: s's label, ASCII or
		// full-width, is its first four runes.
		s, least = string([]rune(s)[4:]), MinPhoneLinkDigits
	}
	number, _ := phoneExtension(strings.Map(narrow, s))
	if len(PhoneDigits(number)) < least || strings.ContainsFunc(number, func(r rune) bool { return (r < '0' || r > '9') && !phoneSeparator(r) }) {
		return "", false
	}
	return s, true
}

// phoneSeparator reports whether r is written between a phone number's
// digits: any space (a number pasted from a contact or a web page has
// no-break or narrow no-break spaces), any dash (a word processor's "–")
// and the minus sign, "+", "(", ")", "." and "/" ("030/1234567", as
// Germans write an area code). A Chinese input method's full-width
// "＋（）．／" and ideographic space are these once narrowed (narrow),
// as PhoneText reads them. None is a letter: a serial's letters still
// make it no phone.
func phoneSeparator(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || r == '\u2212' || strings.ContainsRune("+()./", r)
}

// PhoneDigits is a phone number's digits alone, in ASCII, as phone
// numbers are compared: "+86 139-1234 5678" and "＋８６ １３９－１２３４
// ５６７８" are "8613912345678".
func PhoneDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r = narrow(r); r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// KnownCustomer is a customer the device has tickets of, with the devices
// they brought, newest first.
type KnownCustomer struct {
	Customer Customer // as on their latest ticket
	Devices  []KnownDevice
}

// KnownDevice is one device a customer brought, and its latest ticket.
type KnownDevice struct {
	Product Product
	Ticket  TicketID
	Number  string
	Status  Status
	Opened  time.Time // the latest ticket's creation
}

// SameDevice reports whether a and b are one device: the same serial when
// both have one, else the same category, brand and model without serial,
// each compared as ModelKey compares models (case, accents, full-width
// forms and runs of spaces aside).
func SameDevice(a, b Product) bool {
	sa, sb := ModelKey(a.Serial), ModelKey(b.Serial)
	if sa != "" || sb != "" {
		return sa == sb
	}
	return a.Category == b.Category && ModelKey(a.Brand) == ModelKey(b.Brand) && ModelKey(a.Model) == ModelKey(b.Model)
}

// GroupKnownDevices folds tickets, newest first, into their customers (by
// name, ignoring case and surrounding spaces) and each customer's
// distinct devices, keeping each device's newest ticket, at most
// MaxKnownDevices devices in all. Customers come in the order of their
// newest ticket.
func GroupKnownDevices(tickets []Ticket) []KnownCustomer {
	var out []KnownCustomer
	byName := map[string]int{}
	n := 0
	for _, t := range tickets {
		if n == MaxKnownDevices {
			break
		}
		name := strings.ToLower(strings.TrimSpace(t.Customer.Name))
		i, ok := byName[name]
		if !ok {
			i = len(out)
			byName[name] = i
			out = append(out, KnownCustomer{Customer: t.Customer})
		}
		seen := false
		for _, d := range out[i].Devices {
			if SameDevice(d.Product, t.Product) {
				seen = true
				break
			}
		}
		if !seen {
			out[i].Devices = append(out[i].Devices, KnownDevice{Product: t.Product, Ticket: t.ID, Number: t.Number, Status: t.Status, Opened: t.CreatedAt})
			n++
		}
	}
	return out
}
