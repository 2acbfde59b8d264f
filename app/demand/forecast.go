package demand

import "math"

// MaxHistory bounds the periods any method reads: the most recent ones are
// kept. Ten years of weeks is more than a part's demand stays comparable.
const MaxHistory = 520

// Forecast is a smoothed forecast of demand per period.
type Forecast struct {
	Rate     float64 `json:"rate"`     // expected demand per period
	Method   string  `json:"method"`   // "croston", "sba", "tsb"
	Interval float64 `json:"interval"` // smoothed periods between demands (TSB: 1/probability)
	Size     float64 `json:"size"`     // smoothed size of a non-zero demand
}

// Method names as Forecast.Method and Levels.Method carry them.
const (
	MethodCroston = "croston"
	MethodSBA     = "sba"
	MethodTSB     = "tsb"
)

// MaxPeriodDemand bounds one period's demand: more is a data error, and
// the bound keeps every sum here finite.
const MaxPeriodDemand = 1e6

// clean bounds a history to its last MaxHistory periods and reads a
// negative or NaN period as no demand (a return booked against a period is
// not negative demand for the next one) and caps a period at
// MaxPeriodDemand.
func clean(history []float64) []float64 {
	if len(history) > MaxHistory {
		history = history[len(history)-MaxHistory:]
	}
	out := make([]float64, len(history))
	for i, d := range history {
		if d > 0 {
			out[i] = min(d, MaxPeriodDemand)
		}
	}
	return out
}

// smoothing bounds a smoothing constant to (0, 1]; a value outside it
// (zero, negative, NaN) takes the usual 0.1.
func smoothing(a float64) float64 {
	if !(a > 0 && a <= 1) {
		return 0.1
	}
	return a
}

// Naive is the last period's demand, 0 for no history.
func Naive(history []float64) float64 {
	h := clean(history)
	if len(h) == 0 {
		return 0
	}
	return h[len(h)-1]
}

// MeanRate is the plain mean demand per period, 0 for no history.
func MeanRate(history []float64) float64 {
	h := clean(history)
	if len(h) == 0 {
		return 0
	}
	var s float64
	for _, d := range h {
		s += d
	}
	return s / float64(len(h))
}

// Croston is Croston's (1972) method. The first non-zero demand sets the
// size, and its position (1 for the first period) the interval; each later
// non-zero demand d, q periods after the previous one, updates
// size += alpha*(d-size) and interval += alpha*(q-interval). Rate is
// size/interval; no demand at all gives a zero Forecast. alpha outside
// (0, 1] is 0.1.
func Croston(history []float64, alpha float64) Forecast {
	alpha = smoothing(alpha)
	f := Forecast{Method: MethodCroston}
	q := 0 // periods since the previous demand, this one included
	seen := false
	for _, d := range clean(history) {
		q++
		if d == 0 {
			continue
		}
		if !seen {
			f.Size, f.Interval, seen = d, float64(q), true
		} else {
			f.Size += alpha * (d - f.Size)
			f.Interval += alpha * (float64(q) - f.Interval)
		}
		q = 0
	}
	if seen {
		f.Rate = f.Size / f.Interval
	}
	return f
}

// SBA is the Syntetos-Boylan approximation: Croston's rate times
// (1 - alpha/2), which removes most of the upward bias of Croston's ratio.
func SBA(history []float64, alpha float64) Forecast {
	alpha = smoothing(alpha)
	f := Croston(history, alpha)
	f.Method = MethodSBA
	f.Rate *= 1 - alpha/2
	return f
}

// TSB is the Teunter-Syntetos-Babai (2011) method. The first non-zero
// demand, in period i (1-based), sets the size to its value and the
// probability of demand to 1/i; in every later period the probability
// moves by beta towards 1 (demand) or 0 (none), and the size by alpha
// towards the demand when there is one. Rate is probability*size, so a part
// that stops being used fades out. Interval is 1/probability. alpha and
// beta outside (0, 1] are 0.1.
func TSB(history []float64, alpha, beta float64) Forecast {
	alpha, beta = smoothing(alpha), smoothing(beta)
	f := Forecast{Method: MethodTSB}
	var p float64
	seen := false
	for i, d := range clean(history) {
		switch {
		case !seen && d == 0:
			continue
		case !seen:
			f.Size, p, seen = d, 1/float64(i+1), true
		case d > 0:
			p += beta * (1 - p)
			f.Size += alpha * (d - f.Size)
		default:
			p -= beta * p
		}
	}
	if seen {
		f.Rate = p * f.Size
		f.Interval = 1 / p
	}
	return f
}

// MASE is the mean absolute scaled error (Hyndman and Koehler, 2006) of
// forecast against actual: the mean of |forecast[i]-actual[i]| divided by
// the mean absolute one-step change of train (the in-sample error of the
// naive forecast). Below 1 the forecast beats the naive one on the same
// scale. ok is false when it is undefined: train shorter than two periods
// or constant, actual empty, or forecast not the length of actual.
// Histories are read as the other functions read them (negative or
// non-finite periods as 0, at most MaxHistory).
func MASE(train, actual []float64, forecast []float64) (mase float64, ok bool) {
	if len(actual) == 0 || len(forecast) != len(actual) || len(actual) > MaxHistory {
		return 0, false
	}
	tr := clean(train)
	if len(tr) < 2 {
		return 0, false
	}
	var scale float64
	for i := 1; i < len(tr); i++ {
		scale += math.Abs(tr[i] - tr[i-1])
	}
	scale /= float64(len(tr) - 1)
	if scale == 0 {
		return 0, false
	}
	a := clean(actual)
	var e float64
	for i, f := range forecast {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false
		}
		e += math.Abs(f - a[i])
	}
	return e / float64(len(a)) / scale, true
}
