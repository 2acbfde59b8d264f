package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"strings"
	"time"
)

func init() {
	register("signature.record", 1, func(string) Command { return &RecordSignature{} })
}

// The box a signature's points are quantized to: x from 0 to
// SignatureWidth, y from 0 to SignatureHeight, y downwards. A pad of any
// size scales its strokes into it; 1000 steps across a pad are finer than
// a finger or a pen on a tablet.
const (
	SignatureWidth  = 1000
	SignatureHeight = 400
)

// Bounds of a signature's strokes. A realistic signature, as a pad records
// it, is 5 strokes of 337 points in all, 690 bytes encoded
// (docs/BENCHMARKS.md): the bounds leave room for 20 times that.
const (
	MaxSignatureStrokes = 200
	MaxSignaturePoints  = 4000
	MaxSignatureBytes   = 16 << 10 // the encoding, before base64
)

// SignerRole is who signs for the customer.
type SignerRole string

const (
	SignerCustomer       SignerRole = "customer"
	SignerRepresentative SignerRole = "representative" // someone the customer sent, or their staff
)

// Valid reports whether r is a known role.
func (r SignerRole) Valid() bool { return r == SignerCustomer || r == SignerRepresentative }

// Why a report was not signed (Signature.ReasonKind).
const (
	NoSignRefused = "refused" // the customer was there and would not sign
	NoSignAbsent  = "absent"  // nobody was there to sign
)

// Signature is the customer's sign-off of a service report, or the record
// that they refused or were absent. Digest is what was signed: the
// report's digest, computed from its data in a canonical form the device
// and the server compute alike, so a signed report cannot change
// afterwards unnoticed. The strokes are the evidence itself; Photo names
// the PNG rendered from them (a photo of kind "signature" on the same
// ticket), for reports and people who do not decode strokes.
type Signature struct {
	ID         string     `json:"id"`
	Ticket     TicketID   `json:"ticket"`
	Signer     string     `json:"signer,omitempty"` // the name the signer gave
	Role       SignerRole `json:"role"`
	At         time.Time  `json:"at"`
	Digest     string     `json:"digest"` // 64 lower-case hex digits
	Refused    bool       `json:"refused,omitempty"`
	ReasonKind string     `json:"reason_kind,omitempty"` // NoSignRefused or NoSignAbsent, when Refused
	Reason     string     `json:"reason,omitempty"`      // the technician's words, when Refused
	Strokes    string     `json:"strokes,omitempty"`     // EncodeStrokes, when signed
	Photo      string     `json:"photo,omitempty"`       // the signature PNG's photo ID, when signed
	By         string     `json:"by,omitempty"`          // the technician who took it
	// Report is the report's facts as signed, in canonical JSON
	// (ServiceReport.CanonicalJSON), whose SHA-256 is Digest; "" from a
	// device that does not send it. The server keeps it to compare with
	// its own data; devices do not store it.
	Report string `json:"report,omitempty"`
}

// ValidDigest reports whether d is a report digest: 64 lower-case hex
// digits (a SHA-256).
func ValidDigest(d string) bool { return ValidSHA256(d) }

// Validate checks a signature on its own: a signed one has a signer, its
// strokes and its picture; a refusal has its reason and neither strokes
// nor picture, so a refusal cannot carry a signature.
func (s *Signature) Validate() error {
	if err := required("signature.id", s.ID); err != nil {
		return err
	}
	if err := required("signature.ticket", string(s.Ticket)); err != nil {
		return err
	}
	if !s.Role.Valid() {
		return Errorf(EINVALID, "signature.bad_role", "Choose who signs: the customer or their representative.")
	}
	if !ValidDigest(s.Digest) {
		return Errorf(EINVALID, "signature.bad_digest", "The report's digest is malformed; build the report again before signing.")
	}
	if err := checkName("signature.signer", s.Signer); err != nil {
		return err
	}
	if err := tooLong("signature.by", s.By, MaxNameLen); err != nil {
		return err
	}
	if err := s.checkReport(); err != nil {
		return err
	}
	if s.Refused {
		if s.ReasonKind != NoSignRefused && s.ReasonKind != NoSignAbsent {
			return Errorf(EINVALID, "signature.bad_reason_kind", "Say whether the customer refused to sign or was absent.")
		}
		if strings.TrimSpace(s.Reason) == "" {
			return Errorf(EINVALID, "signature.needs_reason", "Give the reason the report is not signed.")
		}
		if s.Strokes != "" || s.Photo != "" {
			return Errorf(EINVALID, "signature.refusal_with_strokes", "A refusal carries no signature: clear the pad, or let the customer sign instead.")
		}
		return tooLong("signature.reason", s.Reason, MaxReasonLen)
	}
	if s.ReasonKind != "" || s.Reason != "" {
		return Errorf(EINVALID, "signature.signed_with_reason", "A signed report has no reason for not signing; remove it.")
	}
	if strings.TrimSpace(s.Signer) == "" {
		return Errorf(EINVALID, "signature.needs_signer", "Type the name of the person signing.")
	}
	strokes, err := DecodeStrokes(s.Strokes)
	if err != nil {
		return err
	}
	if len(strokes) == 0 {
		return Errorf(EINVALID, "signature.empty", "The signature is empty: ask the customer to sign on the pad.")
	}
	return required("signature.photo", s.Photo)
}

// checkReport refuses a report that is not the one the digest names, or
// not of this ticket: a signature's report is the evidence of what was
// signed, so it must be exactly those facts.
func (s *Signature) checkReport() error {
	if s.Report == "" {
		return nil
	}
	if len(s.Report) > MaxSignedReportBytes {
		return Errorf(EINVALID, "signature.report_too_large", "The signed report is over {{.MaxSize}}; remove photos or parts recorded twice, then build the report again before signing.", "MaxSize", Size(MaxSignedReportBytes))
	}
	if ReportDigest(s.Report) != s.Digest {
		return Errorf(EINVALID, "signature.report_mismatch", "The signed report does not match its digest: build the report again and ask the customer to sign again.")
	}
	r, err := s.SignedReport()
	if err != nil {
		return err
	}
	if r.TicketID != s.Ticket {
		return Errorf(EINVALID, "signature.report_other_ticket", "The signed report is of another ticket: open this ticket's report and ask the customer to sign again.")
	}
	return nil
}

// SignedReport decodes the report the signature carries; EINVALID when it
// is not a service report's JSON.
func (s *Signature) SignedReport() (ServiceReport, error) {
	var r ServiceReport
	if err := json.Unmarshal([]byte(s.Report), &r); err != nil {
		return ServiceReport{}, Errorf(EINVALID, "signature.bad_report", "The signed report is unreadable: build the report again and ask the customer to sign again.").WithCause(err)
	}
	return r, nil
}

// Point is a point of a stroke in the signature box (SignatureWidth x
// SignatureHeight).
type Point struct{ X, Y int }

// Stroke is the points of one pen-down to pen-up; a single point is a dot.
type Stroke []Point

// strokesVersion is the first byte of the encoding.
const strokesVersion = 1

// EncodeStrokes encodes strokes compactly and exactly, as the protocol
// defines (docs/PROTOCOL.md, "Signatures"): a version byte 1, the number
// of strokes, and per stroke its number of points, its first point and
// then each point as the difference from the one before, all as varints
// (counts and the first point unsigned, differences zigzag), in base64
// (standard, padded). Points must lie in the signature box, a stroke must
// have a point, and the bounds (MaxSignatureStrokes, MaxSignaturePoints,
// MaxSignatureBytes) hold. No strokes encode as "".
func EncodeStrokes(strokes []Stroke) (string, error) {
	if len(strokes) == 0 {
		return "", nil
	}
	if len(strokes) > MaxSignatureStrokes {
		return "", errStrokes("too many strokes")
	}
	b := []byte{strokesVersion}
	b = binary.AppendUvarint(b, uint64(len(strokes)))
	points := 0
	for _, s := range strokes {
		if len(s) == 0 {
			return "", errStrokes("a stroke without points")
		}
		points += len(s)
		if points > MaxSignaturePoints {
			return "", errStrokes("too many points")
		}
		b = binary.AppendUvarint(b, uint64(len(s)))
		for i, p := range s {
			if p.X < 0 || p.X > SignatureWidth || p.Y < 0 || p.Y > SignatureHeight {
				return "", errStrokes("a point outside the box")
			}
			if i == 0 {
				b = binary.AppendUvarint(b, uint64(p.X))
				b = binary.AppendUvarint(b, uint64(p.Y))
				continue
			}
			b = binary.AppendVarint(b, int64(p.X-s[i-1].X))
			b = binary.AppendVarint(b, int64(p.Y-s[i-1].Y))
		}
	}
	if len(b) > MaxSignatureBytes {
		return "", errStrokes("too large")
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// DecodeStrokes decodes EncodeStrokes's form. Only the canonical encoding
// is accepted (shortest varints, no trailing bytes), so one signature has
// one encoding; anything else, or out of bounds, is EINVALID. "" is no
// strokes.
func DecodeStrokes(enc string) ([]Stroke, error) {
	if enc == "" {
		return nil, nil
	}
	if base64.StdEncoding.DecodedLen(len(enc)) > MaxSignatureBytes+3 {
		return nil, errStrokes("too large")
	}
	b, err := base64.StdEncoding.Strict().DecodeString(enc)
	if err != nil {
		return nil, errStrokes("not base64")
	}
	if len(b) == 0 || b[0] != strokesVersion {
		return nil, errStrokes("unknown version")
	}
	r := bytes.NewReader(b[1:])
	n, err := binary.ReadUvarint(r)
	if err != nil || n == 0 || n > MaxSignatureStrokes {
		return nil, errStrokes("bad stroke count")
	}
	out := make([]Stroke, 0, n)
	points := 0
	for range n {
		m, err := binary.ReadUvarint(r)
		if err != nil || m == 0 || m > uint64(MaxSignaturePoints-points) {
			return nil, errStrokes("bad point count")
		}
		points += int(m)
		s := make(Stroke, 0, m)
		var p Point
		for i := range m {
			if i == 0 {
				x, err1 := binary.ReadUvarint(r)
				y, err2 := binary.ReadUvarint(r)
				if err1 != nil || err2 != nil || x > SignatureWidth || y > SignatureHeight {
					return nil, errStrokes("a point outside the box")
				}
				p = Point{int(x), int(y)}
			} else {
				dx, err1 := binary.ReadVarint(r)
				dy, err2 := binary.ReadVarint(r)
				if err1 != nil || err2 != nil || dx < -SignatureWidth || dx > SignatureWidth || dy < -SignatureHeight || dy > SignatureHeight {
					return nil, errStrokes("a point outside the box")
				}
				p = Point{p.X + int(dx), p.Y + int(dy)}
				if p.X < 0 || p.X > SignatureWidth || p.Y < 0 || p.Y > SignatureHeight {
					return nil, errStrokes("a point outside the box")
				}
			}
			s = append(s, p)
		}
		out = append(out, s)
	}
	if r.Len() != 0 {
		return nil, errStrokes("trailing bytes")
	}
	// Varints have longer forms of the same value: only the shortest is
	// the signature's encoding.
	if again, err := EncodeStrokes(out); err != nil || again != enc {
		return nil, errStrokes("not in canonical form")
	}
	return out, nil
}

func errStrokes(detail string) *Error {
	return Errorf(EINVALID, "signature.bad_strokes", "The signature's strokes are unreadable ({{.Detail}}); clear the pad and sign again.", "Detail", detail)
}

// RecordSignature records a customer's sign-off of a ticket's report, or
// their refusal or absence. It is evidence, accepted like a photo on any
// ticket in the technician's scope that is not closed: a closed ticket
// was signed off already, and its report cannot change any more. A
// ticket takes several signatures (a report signed again after more
// work); the latest is the sign-off.
type RecordSignature struct {
	Signature Signature `json:"signature"`
}

func (*RecordSignature) MutationName() (string, int) { return "signature.record", 1 }

func (c *RecordSignature) Validate() error { return c.Signature.Validate() }

func (c *RecordSignature) Apply(ctx context.Context, tx MutationTx, actor Actor, now time.Time) error {
	t, err := ticketInScope(ctx, tx, actor, c.Signature.Ticket)
	if err != nil {
		return err
	}
	if t.Status == StatusClosed {
		return Errorf(ECONFLICT, "signature.ticket_closed", "Ticket {{.Number}} is closed and its report signed off; a new signature cannot be added.", "Number", t.Number)
	}
	s := c.Signature
	if s.At.IsZero() {
		s.At = now
	}
	if s.By == "" {
		s.By = actor.Name
	}
	return tx.AddSignature(ctx, s)
}

func (c *RecordSignature) TicketRef() TicketID { return c.Signature.Ticket }

func (c *RecordSignature) NewRecords() []NewRecord {
	return []NewRecord{{"signature", c.Signature.ID}}
}

// SignOff is the ticket's sign-off of its service report: the latest
// signature or refusal that is not a customer's approval of an estimate
// (a signature whose digest is one of the ticket's estimates'). ok is
// false when there is none.
func SignOff(d TicketDetail) (s Signature, ok bool) {
	approvals := map[string]bool{}
	for _, e := range d.Estimates {
		approvals[e.Digest()] = true
	}
	for i := len(d.Signatures) - 1; i >= 0; i-- {
		if !approvals[d.Signatures[i].Digest] {
			return d.Signatures[i], true
		}
	}
	return Signature{}, false
}
