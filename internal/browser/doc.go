// Package browser starts Debian's Chromium headless for the office
// console's end-to-end tests (cmd/central/e2e) and screenshots
// (cmd/consoleshots), and drives the console's pages with chromedp. The
// browser is the system's (`make setup` installs the Debian package
// chromium): nothing is downloaded at run time.
package browser
