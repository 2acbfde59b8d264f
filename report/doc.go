// Package report writes the documents a customer takes away, as PDF, on
// the device and offline: the service report of a ticket (ServiceReport)
// and the counter's intake receipt (IntakeReceipt). Each is written in the
// customer's language (app.Customer.Language, matched by
// assets/translations), set in the fonts of assets/fonts: text is split
// into runs by the font that has its characters and wrapped by this
// package, since Droid Sans Fallback (Chinese) has no Latin letters and Go's
// fonts have no Chinese. The fonts are embedded as subsets, so a report
// renders the same on any viewer.
//
// A service report carries a QR Code with its identifier,
// "FBR1:<ticket number>:<first 16 hex digits of the digest>", where the
// digest is app.ServiceReport.Digest: the report's facts, without the
// signature (docs/PROTOCOL.md, "Service report").
//
// It also writes the papers of a shipment of parts, in the language of
// whoever ships it: the parcel's 100 x 150 mm label (ShipmentLabel), with
// a QR Code of the shipment's ID that the receiving device scans, and the
// A4 packing list inside (PackingList), headed as defective parts returned
// under warranty for a return.
package report
