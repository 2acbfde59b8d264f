package app

import "time"

// The lease of a paired device: how many days it may go without a
// complete sync before it locks the customer data it holds (names, phones,
// addresses), so a lost or stolen tablet stops showing them. The central
// service sets the days (central -lease-days) and says them in every sync
// answer; a sync that completes unlocks the device. Unsent work is kept
// while locked and leaves with that sync.
const (
	DefaultLeaseDays = 30
	MaxLeaseDays     = 3650
)

// CheckLeaseDays returns EINVALID unless days is between 1 and
// MaxLeaseDays.
func CheckLeaseDays(days int) error {
	if days < 1 || days > MaxLeaseDays {
		return Errorf(EINVALID, "lease.bad_days", "The lease must be between 1 and {{.Max}} days. Set the central service's -lease-days within that range.", "Max", MaxLeaseDays)
	}
	return nil
}

// Lease is a device's lease: the days the server allows and the last
// complete sync.
type Lease struct {
	Days int
	// LastContact is when a sync last completed; zero before the first,
	// when the device holds no customer data yet.
	LastContact time.Time
}

// Expires returns when the device locks; zero when it never synced.
func (l Lease) Expires() time.Time {
	if l.LastContact.IsZero() {
		return time.Time{}
	}
	return l.LastContact.Add(time.Duration(l.Days) * 24 * time.Hour)
}

// Locked reports whether the device's data is locked at now.
func (l Lease) Locked(now time.Time) bool {
	e := l.Expires()
	return !e.IsZero() && !now.Before(e)
}

// Check returns ELEASE (key "lease.locked") when the device is locked at
// now, nil otherwise. The message says what to do.
func (l Lease) Check(now time.Time) error {
	if !l.Locked(now) {
		return nil
	}
	return Errorf(ELEASE, "lease.locked",
		"This device has not reached the server for more than {{.Days}} days, so customer data is locked. Connect to the network and sync to unlock it; your unsent work is kept and will be sent.",
		"Days", l.Days)
}
