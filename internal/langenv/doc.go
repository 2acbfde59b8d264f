// Package langenv sets the environment variables from which Fyne's lang
// package (through github.com/jeandeaual/go-locale) reads the user's
// language: LANGUAGE, then LC_ALL, LC_MESSAGES and LANG.
//
// Fyne reads them in its package initialisation, before main runs, and
// logs "Error parsing user locale C" for the C.UTF-8 locale of containers
// and CI. This package fixes that environment in its own init, which runs
// first: Go initialises, among the packages whose imports are ready, the
// one with the smallest import path, and this one imports only os and
// strings, as go-locale does, under a smaller path. Keep it so.
package langenv
