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
//     method the stock levels use, because it is the one the intermittent
//     demand literature recommends most often and needs only one parameter.
//   - TSB, Teunter-Syntetos-Babai (2011), smooths the probability of a
//     demand in every period, not only in periods with demand, so the
//     forecast of a part that stopped being used decays towards zero
//     instead of staying at its last level forever: the method for dormant
//     and obsolete parts.
//   - Naive (last period) and MeanRate (the plain mean) are the baselines
//     every method must beat, and MASE (Hyndman and Koehler, 2006) is the
//     error measure that compares them: it scales the mean absolute error
//     by the in-sample error of the one-step naive forecast, so it is
//     defined for series full of zeros, where percentage errors divide by
//     zero.
//
// # Stock levels
//
// StockLevels turns a history into a reorder point (Min) and an order-up-to
// level (Max). The rate is SBA's. Min is not rate*lead time plus a normal
// safety stock: lead-time demand of an intermittent part is far from normal
// (mostly zero, sometimes two or three), so Min is the service quantile of
// lead-time demand estimated by a bootstrap in the manner of Willemain,
// Smart and Schwarz (2004): draw LeadTime periods from the history with
// replacement, zeros included, sum them, repeat Draws times, and take the
// quantile. The draw is seeded, so the same history gives the same levels.
// Max adds the expected use over one review period, so an order is not
// placed at every review.
//
// Croston and SBA update only in periods with demand, so a part that
// stopped being used keeps the rate it had: StockLevels gives it a Max of
// at least 1 for as long as its history holds a demand. Finding such
// dormant stock is the caller's job (by the weeks since the last
// movement), and TSB is the forecast that fades with the silence.
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
