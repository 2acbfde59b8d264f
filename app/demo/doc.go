// Package demo builds Fieldbench's demo world: a seeded, deterministic
// after-sales business in China, Germany and Nigeria, with phones, home
// appliances, PCs and servers, a parts catalog with brand-style part
// numbers and prices in CNY, EUR and NGN, warehouses, stores and vans with
// a stock ledger, technicians, and two years of tickets with their repairs,
// parts and notes, plus the open work of today.
//
// Generate returns it as an app.Dataset for `make run`, tests and
// benchmarks. The same seed, size and time always give the same dataset,
// byte for byte: nothing reads the clock, the global random source or a
// map's iteration order. RuleSets gives the countries' warranty rules,
// which the generated extended-warranty plans refer to.
//
// # Working days
//
// The world keeps a service shop's week (serviceDays, warehouseDays in
// demo.go): visits, the counters and dispatch work Monday to Saturday,
// 09:00 to 18:00; the warehouses (restocks, deliveries, parcels they ship
// and receive) Monday to Friday. Times a draw puts on a rest day move to
// the next or last working day's hours, keeping every story in order.
// The day Generate is given is worked whatever its weekday, on the shop's
// duty roster: the demo is run on the wall clock, and its Today list is
// full on a Sunday too.
//
// # Parts demand
//
// A part is fitted when a ticket's fault is repaired with a part, so the
// demand for parts is the tickets' demand, shaped at each step:
//
//   - Tickets: opened over the two years before now, more of them recent
//     (the business grows). A field technician's appliance work follows
//     the seasons (demand.go): air conditioners peak in July (1.7 times
//     the average, 0.3 times in January), refrigerators in summer too,
//     washing machines in winter; Nigeria's heat peaks in March with half
//     the swing. Faults have seasons of their own: "not cooling" in
//     summer, "heating is weak" and "water doesn't heat" in winter.
//   - Models: within a brand's lineup the bestseller comes in most, the
//     others by Zipf's law (the model ranked i has weight 1/i), a long
//     tail of models seldom seen.
//   - Parts: about two parts in three fit only their own model (main
//     parts four in five; all of them in a world too small for a lineup
//     to have two models), the others also fit one to three of the
//     lineup's closest siblings. A part type has several variants per
//     model (colours, capacities, revisions), and each part has a
//     popularity drawn from a skewed distribution, so among a model's
//     variants a few are fitted almost always and most rarely: a long
//     tail across the catalog.
//   - Symptoms: the customer's words (Ticket.Fault, in Chinese, German or
//     English, some with the appliance's error code such as "E21") name a
//     fault, and a fault points to one to three part types, the first most
//     likely (a later suspect is the fix three times in ten). Up to a fifth
//     of the repairs fit a second part of another suspected type, and in
//     6 % (misled) the part fitted is any part of the model, one the words
//     do not suggest (the diagnosis then states the fault that part fixes:
//     what the technician found); and 15 % of customers (vagueShare) only
//     say the product is broken. The words thus predict parts only imperfectly.
//
// Per van, most parts see at most a few units a month and most months
// none: the demand is intermittent.
//
// # Van and store stock
//
// The generator does not run a stocking policy; it books a ledger that
// explains the parts fitted. Each van and store counter gets a working
// stock of 25 to 45 part lines (twice that on a counter), drawn at random
// from the parts of the models its technicians have seen, one unit each
// (two to five of an accessory, one to three of a unit or battery),
// delivered over the last two months. Every part fitted from it in the
// past was transferred from the country's warehouse one to twenty days
// before it was fitted (with a spare in three cases of ten, and none in 3
// %, which leaves a negative balance to reconcile), or was ordered for the
// ticket when it waited for parts; half of the open tickets have their
// likely part loaded already. That foresight is no policy a van could
// follow; the parts backtest (cmd/partsbacktest) therefore takes as the
// current policy what the working stock is: a fixed assortment of lines
// drawn the same way, each unit topped up from the warehouse after it is
// used.
//
// # Parts on their way
//
// The demo technician and the next three technicians (supplyTechs) have
// part requests on their tickets waiting for parts, for the part each
// ticket's status names: the demo technician one in every state (and two
// shipped), the others one per waiting ticket. Shipped ones travel in
// supply shipments from the country's warehouse with a carrier and a
// tracking number, one parcel on its way and an earlier one received
// with one requested part missing (a short difference) and one unit of
// its replenishment line damaged (a damaged difference: the unit went
// into the technician's defective bin, booked as app.ReceiveShipment
// books it). Each of these
// technicians' defective bins keeps its newest defective parts (three at
// least, with their tickets, and serials where the part has one); the
// next two are in a return shipment on its way to the warehouse, the three
// before them in one the warehouse received. The ledger holds what the
// mutations book: ship movements out of the sender, receive movements of
// what was counted, and the warehouse's delivery from the brand before it
// ships; the returns replace the adjustments that otherwise book a
// defective part's shipment to the brand. These records draw from a
// random source of their own, so the tickets and the parts fitted on them
// are as they were before. Likely parts are not generated: the central
// service computes them.
package demo
