package app

import (
	"strings"
	"unicode/utf8"
)

// The customer's phone and address, as the technician in front of the
// customer corrects them ("my number changed", "flat 2303, not 2033"):
// ticket.update sets them (TicketFields.CustomerPhone, CustomerAddress)
// with the values the technician was shown as base. The terminal checks
// what was typed with these rules before it saves anything, and
// ticket.update runs them again wherever it is applied (the phone in
// UpdateTicket.Validate, the address, which depends on the ticket's kind,
// in Apply): on the central service a device's push of a bad phone is
// refused into a rejected conflict, and dispatch's gets 400, with the
// same keys.

// CheckCustomerPhone refuses a phone number that PhoneText does not read
// as one (letters), one of fewer than MinPhoneDigits digits (also after
// a "tel:" label), an empty one (the ticket keeps the number it has until
// a new one is typed), one that is not UTF-8 and one over MaxTextLen
// characters, ticket.update's bound. It returns the number as saved:
// trimmed, without a "tel:" label.
func CheckCustomerPhone(phone string) (string, error) {
	phone = strings.TrimSpace(phone)
	if phone == "" {
		return "", Errorf(EINVALID, "contact.phone_empty", "Type the customer's phone number. To keep the one on the ticket, cancel.")
	}
	if !utf8.ValidString(phone) {
		return "", notUTF8("customer.phone")
	}
	if TextLen(phone) > MaxTextLen {
		return "", Errorf(EINVALID, "contact.too_long", "At most {{.Max}} characters: shorten it.", "Max", MaxTextLen)
	}
	// A "tel:" label lets PhoneText read three digits as a part of a
	// number to search for; a customer's number to call needs its whole.
	number, ok := PhoneText(phone)
	if !ok || len(PhoneDigits(number)) < MinPhoneDigits {
		return "", Errorf(EINVALID, "contact.phone_invalid", "“{{.Phone}}” is not a phone number: type at least {{.Min}} digits, with spaces or + - ( ) . / if you like.",
			"Phone", phone, "Min", MinPhoneDigits)
	}
	return number, nil
}

// CheckCustomerAddress refuses an empty address on a visit (KindOnSite):
// it is where the technician goes. A carry-in or mail-in ticket may have
// none. It refuses one that is not UTF-8 or over MaxTextLen characters
// too, and returns the address trimmed.
func CheckCustomerAddress(kind TicketKind, address string) (string, error) {
	address = strings.TrimSpace(address)
	if address == "" && kind == KindOnSite {
		return "", Errorf(EINVALID, "contact.address_empty", "A visit needs the customer's address: type where the technician goes.")
	}
	if !utf8.ValidString(address) {
		return "", notUTF8("customer.address")
	}
	if TextLen(address) > MaxTextLen {
		return "", Errorf(EINVALID, "contact.too_long", "At most {{.Max}} characters: shorten it.", "Max", MaxTextLen)
	}
	return address, nil
}

// TicketEditable reports whether t's fields may still change
// (ticket.update): not once it is closed or cancelled.
func TicketEditable(t Ticket) bool {
	return t.Status != StatusClosed && t.Status != StatusCancelled
}

// CheckNewCustomer checks the customer's phone and address a new ticket
// brings (ticket.create, wherever it comes from: the counter's check-in,
// a device's push, dispatch's API, the console) by the rules an edit of
// them follows: a phone, when there is one, must read as one
// (CheckCustomerPhone), and a visit needs its address
// (CheckCustomerAddress). A phone may be missing: a customer at the
// counter who gives none is called back by no one, and the claim tag,
// not the phone, proves the pick-up; an edit cannot empty it again.
func CheckNewCustomer(kind TicketKind, c Customer) error {
	if strings.TrimSpace(c.Phone) != "" {
		if _, err := CheckCustomerPhone(c.Phone); err != nil {
			return err
		}
	}
	_, err := CheckCustomerAddress(kind, c.Address)
	return err
}

// SameFieldValue reports whether a and b are the same value of shared
// field (FieldCustomerPhone, FieldCustomerAddress). Phones are kept as
// typed, for display, and compared on what makes the number (phoneKey):
// "138 0000 0000" and "13800000000" are one number, and a change from
// one writing to the other overwrites nothing anyone needs to see.
func SameFieldValue(field, a, b string) bool {
	if a == b {
		return true
	}
	if field != FieldCustomerPhone {
		return false
	}
	ka, oka := phoneKey(a)
	kb, okb := phoneKey(b)
	return oka && okb && ka == kb
}

// phoneKey is what makes a phone number, as SameFieldValue compares
// them: its digits in ASCII, and its extension's after a "#" (so that
// "5551234 ext 12" is not "555123412"). ok is false for a text that
// does not read as a phone (PhoneText): two such texts are different
// unless equal.
func phoneKey(s string) (key string, ok bool) {
	p, ok := PhoneText(s)
	if !ok {
		return "", false
	}
	all := PhoneDigits(p)
	n, split := phoneExtension(strings.Map(narrow, p))
	if !split {
		return all, true
	}
	// The number's digits come first in all; the extension's follow.
	d := PhoneDigits(n)
	return d + "#" + all[len(d):], true
}
