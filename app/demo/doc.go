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
package demo
