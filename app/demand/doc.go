// Package demand holds the forecasting and prediction methods behind
// Fieldbench's parts planning: how much of a part a location will use, how
// much it should hold, and which parts an open ticket will likely need. It is
// pure: numbers and strings in, numbers out, no clock, no storage, no
// randomness that is not seeded, so the central service's jobs and the
// backtest get the same answer from the same history.
//
// # Forecasting intermittent demand
//
// A service part is used in few periods and in small, irregular amounts: a
// van sees a given drain pump once in ten weeks. Simple exponential
// smoothing of such a series is biased high just after a demand and
// decays towards zero between them, and the mean of a short history is
// dominated by whether one spike fell inside it. The methods here are the
// ones made for this shape of series:
//
//   - Croston (1972) smooths two things separately, the size of a non-zero
//     demand and the interval between non-zero demands, updating both only
//     in periods with demand; the rate is size/interval. It is the classic
//     method and the reference others are compared with.
//   - SBA, the Syntetos-Boylan approximation (2005), multiplies Croston's
//     rate by (1 - alpha/2): Croston's ratio of two smoothed values is
//     biased upwards, and this factor removes most of the bias. It is the
//     method the intermittent demand literature recommends most often.
//   - TSB, Teunter-Syntetos-Babai (2011), smooths the probability of a
//     demand in every period, not only in periods with demand, so the
//     forecast of a part that stopped being used decays towards zero
//     instead of staying at its last level forever: the method for dormant
//     and obsolete parts. The probability starts at the history's share
//     of periods with demand.
//   - Naive (last period) and MeanRate (the plain mean) are the baselines
//     every method must beat, and MASE (Hyndman and Koehler, 2006) is the
//     error measure that compares them: it scales the mean absolute error
//     by the in-sample error of the one-step naive forecast, so it is
//     defined for series full of zeros, where percentage errors divide by
//     zero.
//
// # Stock levels
//
// StockLevels decides, for one part at one location, whether the part is
// stocked at all and, if so, a reorder point (Min) and an order-up-to
// level (Max), for a location that reviews every Review periods and
// waits LeadTime periods for an order. Three choices, and why:
//
//   - The forecast is TSB's by default, SBA's on request. Croston and SBA
//     update only in periods with demand, so a part used in a few weeks a
//     year ago keeps its rate for ever, and a van stocking every part it
//     ever used holds ten times the value it needs (the parts backtest's
//     first run). TSB fades a silent part; its beta of 0.02 fades it over
//     about a hundred silent weeks rather than twenty (0.1), which on the
//     backtest's validation weeks kept more availability per yuan than
//     both SBA and a faster TSB. The forecast splits into the
//     probability of a demand in a period, q = Rate/Size, and the sizes.
//   - Lead-time demand of an intermittent part is far from normal (mostly
//     zero, sometimes two or three), so Min is not rate*time plus a normal
//     safety stock but read off a seeded bootstrap in the manner of
//     Willemain, Smart and Schwarz (2004): each draw walks Review+LeadTime
//     periods, each with a demand at probability q whose size is drawn
//     from the history's demands; the Service quantile of the sums is the
//     cover C. The interval is review plus lead time, not the lead time
//     alone: a position just above Min waits for the next review and then
//     for the order, so Min = C-1 and a position of C is what must last.
//     Max adds the expected use over one review (at least one unit).
//   - A part earns its place only when it is likely to be asked for and
//     worth holding: its chance of at least one demand over review + lead
//     time, 1-(1-q)^(Review+LeadTime), must reach MinChance, and, given
//     the unit's value and what a missed first visit costs, the expected
//     saving (chance times the miss cost) must pay for holding the unit
//     over that time (value times HoldingRate, 25 % a year by default).
//     This is the newsvendor's marginal rule for the first unit: it
//     stocks a cheap part on a smaller chance than a dear one, which is
//     what availability per yuan of a van asks for. A part that does not
//     earn its place has Min = Max = 0: it comes by request.
//
// The defaults (TSB with beta 0.02, MinChance 1 %) and the backtest's
// miss cost (75 CNY against 25 % a year) were chosen by the parts
// backtest on validation weeks inside its training months, by
// availability at no more stock value than the demo's current van stock;
// docs/BENCHMARKS.md has the figures. The miss cost has no default: it
// is in the unit's currency, and without it the threshold alone decides,
// which stocks nearly every part used in the last year.
//
// # Likely parts
//
// Train learns, from past tickets (Case), how often each part was fitted
// for a product model, for a model and a symptom, and for a product family
// (brand and category). Predict answers at the most specific level with
// enough history: cases of the same model sharing a symptom token, else the
// same model, else the family restricted to parts that fit the model. Each
// level's frequency is shrunk towards the broader level's (a Bayesian blend,
// see Predict), so one part seen once in one case is not certain. Symptom
// turns fault codes and a customer's words in any of the app's five
// languages into the tokens this matching uses. MostUsed is the baseline
// the prediction is measured against.
package demand
