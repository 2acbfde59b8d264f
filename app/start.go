package app

// StartStep is one step of opening the terminal on a device, in the order
// they run; a start skips the steps it does not need (the demo's, or the
// first sync of a device that synced before).
type StartStep int

const (
	StartOpening    StartStep = iota // opening the data folder and its store
	StartUpgrading                   // bringing a store an earlier version made up to date
	StartDemoServer                  // starting the demo service on the device
	StartDemoWorld                   // creating the demo world (the demo's first start)
	StartPairing                     // exchanging a pairing code for the device's account
	StartFirstSync                   // downloading the technician's tickets and the catalog
	StartOptimizing                  // indexing what the first sync downloaded
	StartSteps                       // the number of steps, for a progress bar
)

// StartProgress is where a start is: its step, and for StartFirstSync the
// records received so far (the server does not say how many will come).
// For StartUpgrading, while a migration rewrites every row of a table (a
// search index written whole: seconds of CPU at 100,000 parts), Rows are
// the rows done of Total, and Of says what they are; Total is 0 before
// such a rewrite starts, and Rows never exceeds it.
//
// For StartUpgrading too, Part of Parts is which of the upgrade's steps
// runs (a migration, or the searches folded again after them): each step
// reports as it begins, so a step in SQL alone, which counts no rows
// (a table rebuilt, an index made), still moves the screen on; a step
// that rewrites rows reports them with its Part. Parts is 0 in a report
// that says no step (the one before the upgrade starts).
type StartProgress struct {
	Step  StartStep
	Rows  int
	Total int
	Of    StartRows
	Part  int
	Parts int
}

// StartRows names what a StartProgress's Rows count.
type StartRows string

const (
	RowsParts   StartRows = "parts"   // the parts catalog's rows
	RowsTickets StartRows = "tickets" // the tickets' rows
)
