// Package reports builds a ticket's documents on the device, from its
// local data: the service report's facts (app.ServiceReport, whose digest
// the customer signs), the report as PDF with the photos and the latest
// signature the device holds, the intake receipt of a carry-in ticket, the
// receipt of each payment, and the signed report filed on the ticket as a
// file fact (a photo of kind "report", application/pdf) that the photo
// uploader sends to the central service. It has no screen: main wires it
// to the terminal. It is apart from package device because the documents
// need assets/translations and assets/fonts, which device does not link.
package reports
