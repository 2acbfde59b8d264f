package app

import (
	"context"
	"strings"
	"time"
)

func init() {
	register("notice.send", 1, func(string) Command { return &SendNotice{} })
}

// CustomerNoticeKind is what a customer notice tells the customer.
type CustomerNoticeKind string

const (
	// NoticeOnMyWay: the technician is on the way to an on-site visit and
	// expects to arrive at the notice's ETA.
	NoticeOnMyWay CustomerNoticeKind = "on_my_way"
	// NoticeReadyForPickup: a carried-in device is repaired (or its work
	// is done) and waits at the counter.
	NoticeReadyForPickup CustomerNoticeKind = "ready_for_pickup"
)

// Delivery states of a notice (CustomerNotice.State). The central service sets
// every state but the first; they cross the wire: never rename them.
const (
	// NoticeQueued: recorded, not delivered yet (on the device until the
	// push, then in the central service's queue).
	NoticeQueued = "queued"
	// NoticeSent: the mail server or the webhook took the message.
	NoticeSent = "sent"
	// NoticeFailed: the service gave up; LastError says why.
	NoticeFailed = "failed"
	// NoticeNoChannel: the service has no way to reach this customer (no
	// mail server or webhook configured, or the customer has neither an
	// email nor a phone the configured channel uses).
	NoticeNoChannel = "no_channel"
)

// Channels a notice goes out on (CustomerNotice.Channel), chosen by the central
// service from the customer's data and its own configuration: email when
// the customer has an Email and a mail server is configured, else the
// webhook (an SMS provider's integration) when the customer has a phone.
const (
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
)

// MaxNoticeETA bounds how far ahead an "on my way" notice's ETA may be:
// a visit is announced on the day of the journey.
const MaxNoticeETA = 24 * time.Hour

// CustomerNotice is a message to the ticket's customer, sent by the central
// service. The device records it with state queued; the service's sender
// sets Channel, State, Attempts, LastError and SentAt, and the changed
// notice travels back to the devices like any fact.
type CustomerNotice struct {
	ID     string             `json:"id"` // minted with NewID
	Ticket TicketID           `json:"ticket"`
	Kind   CustomerNoticeKind `json:"kind"`
	// ETA is when the technician expects to arrive (on_my_way only):
	// after At, at most MaxNoticeETA later.
	ETA       time.Time `json:"eta,omitzero"`
	At        time.Time `json:"at"`
	By        string    `json:"by,omitempty"`
	State     string    `json:"state,omitempty"`
	Channel   string    `json:"channel,omitempty"`
	Attempts  int       `json:"attempts,omitempty"`
	LastError string    `json:"last_error,omitempty"` // a short code ("smtp_rejected", "http_404"), never a secret
	SentAt    time.Time `json:"sent_at,omitzero"`
}

// countryLanguages are the languages customers of a country read when
// they named none, as BCP 47 tags.
var countryLanguages = map[string]string{
	"CN": "zh-CN", "SG": "zh-SG", "TW": "zh-TW", "HK": "zh-HK",
	"FR": "fr-FR", "BE": "fr-BE", "LU": "fr-LU", "MC": "fr-MC", "SN": "fr-SN", "CI": "fr-CI",
	"ES": "es-ES", "MX": "es-MX", "AR": "es-AR", "CO": "es-CO", "CL": "es-CL", "PE": "es-PE",
	"PT": "pt-PT", "BR": "pt-BR", "AO": "pt-AO", "MZ": "pt-MZ",
	"DE": "de-DE", "NG": "en-NG", "GB": "en-GB", "US": "en-US",
}

// CustomerLanguage is the BCP 47 tag of the language text for the
// ticket's customer is written in (notices, reports, receipts): the
// customer's own, else their ticket's country's, else English. The
// writer's catalog picks its nearest language for it.
func (t Ticket) CustomerLanguage() string {
	return readerLanguage(t.Customer.Language, t.Country)
}

// DocumentLanguage is the BCP 47 tag of the language the technician's own
// documents (a parcel's label and packing list) are written in, chosen as
// a customer's are: the technician's own, else their country's, else
// English.
func (t Technician) DocumentLanguage() string {
	return readerLanguage(t.Language, t.Country)
}

// readerLanguage is a reader's own language, else their country's, else
// English.
func readerLanguage(own, country string) string {
	if own != "" {
		return own
	}
	if l, ok := countryLanguages[strings.ToUpper(country)]; ok {
		return l
	}
	return "en"
}

// NoticeAllowed returns nil when a notice of kind may be sent on t now:
// "on my way" for an on-site ticket that is assigned or en route (the
// technician has not arrived), "ready for pick-up" for a carry-in ticket
// whose work is completed. Otherwise an EINVALID that says when it may.
func NoticeAllowed(t Ticket, kind CustomerNoticeKind) error {
	switch kind {
	case NoticeOnMyWay:
		if t.Kind != KindOnSite || t.Status != StatusAssigned && t.Status != StatusEnRoute {
			return Errorf(EINVALID, "notice.not_on_my_way", "\"On my way\" can be sent only for an on-site visit before you arrive (assigned or en route); ticket {{.Number}} is {{.Status}}.", "Number", t.Number, "Status", string(t.Status))
		}
	case NoticeReadyForPickup:
		if t.Kind != KindCarryIn || t.Status != StatusCompleted {
			return Errorf(EINVALID, "notice.not_ready", "\"Ready for pick-up\" can be sent only for a carried-in device whose work is completed; complete ticket {{.Number}} first.", "Number", t.Number)
		}
	default:
		return Errorf(EINVALID, "notice.bad_kind", "Unknown notice kind {{.Kind}}; update the app.", "Kind", string(kind))
	}
	if strings.TrimSpace(t.Customer.Email) == "" && strings.TrimSpace(t.Customer.Phone) == "" {
		return Errorf(EINVALID, "notice.no_contact", "The customer has neither an email nor a phone number: add their phone with Edit beside the customer on ticket {{.Number}}, then notify them.", "Number", t.Number)
	}
	return nil
}

// SendNotice queues a notice to the ticket's customer.
type SendNotice struct {
	Notice CustomerNotice `json:"notice"`
}

func (*SendNotice) MutationName() (string, int) { return "notice.send", 1 }

func (c *SendNotice) TicketRef() TicketID { return c.Notice.Ticket }

func (c *SendNotice) NewRecords() []NewRecord {
	return []NewRecord{{"notice", c.Notice.ID}}
}

func (c *SendNotice) Validate() error {
	n := c.Notice
	if err := required("notice.id", n.ID); err != nil {
		return err
	}
	if err := required("notice.ticket", string(n.Ticket)); err != nil {
		return err
	}
	switch n.Kind {
	case NoticeOnMyWay:
		if n.ETA.IsZero() {
			return Errorf(EINVALID, "notice.eta_missing", "Choose when you expect to arrive.")
		}
	case NoticeReadyForPickup:
		if !n.ETA.IsZero() {
			return Errorf(EINVALID, "notice.eta_unexpected", "A \"ready for pick-up\" notice has no arrival time; update the app.")
		}
	default:
		return Errorf(EINVALID, "notice.bad_kind", "Unknown notice kind {{.Kind}}; update the app.", "Kind", string(n.Kind))
	}
	if n.State != "" || n.Channel != "" || n.Attempts != 0 || n.LastError != "" || !n.SentAt.IsZero() {
		return Errorf(EINVALID, "notice.server_fields", "A new notice may not carry a delivery state; the service sets it. Update the app.")
	}
	return checkName("notice.by", n.By)
}

func (c *SendNotice) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	t, err := ticketInScope(ctx, tx, actor, c.Notice.Ticket)
	if err != nil {
		return err
	}
	if err := NoticeAllowed(t, c.Notice.Kind); err != nil {
		return err
	}
	n := c.Notice
	if n.At.IsZero() {
		n.At = now
	}
	// The ETA is checked against the notice's own time, not now: the
	// central service applies it when the device syncs, maybe hours later
	// (its sender drops an ETA that has passed; see docs/PROTOCOL.md).
	if n.Kind == NoticeOnMyWay && (!n.ETA.After(n.At) || n.ETA.Sub(n.At) > MaxNoticeETA) {
		return Errorf(EINVALID, "notice.eta_range", "The arrival time must be after now and at most {{.Hours}} hours ahead.", "Hours", int(MaxNoticeETA/time.Hour))
	}
	if n.By == "" {
		n.By = actor.Name
	}
	n.State = NoticeQueued
	return tx.AddNotice(ctx, n)
}

// NoticeService lists a ticket's customer notices on the device.
type NoticeService interface {
	// Notices returns the ticket's notices, newest first, each with the
	// last delivery state the device pulled (NoticeQueued until then);
	// Pending is set on one whose mutation has not reached the service.
	Notices(ctx context.Context, ticket TicketID) ([]CustomerNoticeView, error)
}

// CustomerNoticeView is a notice as the device shows it.
type CustomerNoticeView struct {
	CustomerNotice
	// Pending: the notice waits on the device for the next sync.
	Pending bool
}
