package app

import "time"

// SLAState is how close an SLA target is, for the colours the terminal
// and the office console give it.
type SLAState int

const (
	SLAOnTime  SLAState = iota // more than SLAWarning left
	SLADueSoon                 // due within SLAWarning: amber
	SLAOverdue                 // past its target: red
)

// SLAWarning is how long before its target an SLA is shown as due soon.
const SLAWarning = 4 * time.Hour

// SLAUrgency says how close target is at now.
func SLAUrgency(target, now time.Time) SLAState {
	switch d := target.Sub(now); {
	case d < 0:
		return SLAOverdue
	case d < SLAWarning:
		return SLADueSoon
	}
	return SLAOnTime
}
