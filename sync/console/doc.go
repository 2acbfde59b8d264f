// Package console is the office's dispatch console in the browser: server-
// rendered HTML (html/template) over the central service's database
// (*central.DB), served by cmd/central at the service's root beside the
// API (/v1/). It never imports Fyne, the device store, the scanner, the UI
// or the device packages (deps_test.go), and sync/central never imports it.
//
// # Users, roles and scope
//
// Console users sign in with a login and password (central.ConsoleUser;
// argon2id hashes, lockout after 5 failures, a throttle per address).
// Each belongs to one tenant and sees nothing of another; a store manager
// sees only their store's tickets. What each role may do is the one table
// permissions in roles.go:
//
//	permission  dispatcher  store_manager  parts_clerk  administrator
//	view            x            x              x             x
//	dispatch        x            x (own store)                x
//	stock           x                           x             x
//	supply          x            x (own store)  x             x
//	people          x                                         x
//	import                                      x             x
//	rules                                                     x
//	numbers         x            x                            x
//	users                                                     x
//
// Changes go through Console.apply (a named mutation via
// central.DB.ApplyAdmin, as the console user "console:<login>", plus an
// audit record) or, for what is not a mutation, the central.DB method and
// then Console.audit. A refusal never reveals that something exists in
// another tenant or store: it is the same 404 as for something missing
// (Console.ticket, errNoTicket).
//
// # How to add a page
//
//  1. Route: one line in routes.go, the method and path, the permission,
//     the handler:
//
//     c.route("GET /stock", permStock, c.stock)
//     c.route("POST /stock/receive", permStock, c.receive)
//
//     route finds the session (none: to the sign-in page and back), refuses
//     a role without the permission (403), checks the CSRF token and origin
//     on every method but GET and HEAD (403) and parses the form (bounded;
//     multipart up to 32 MiB), so handlers read r.PostFormValue. A GET path
//     listed in navigation (render.go) appears in the menu, for the roles
//     with its permission, once routed.
//
//  2. Handler: func (c *Console) stock(w, r, s *Session) error, in a file of
//     its own (stock.go). Read with c.db's methods for s.Tenant only, and
//     scope tickets with Console.ticket / Console.tickets (store managers).
//     Return errors (an app.Error: EINVALID 400, ENOTFOUND 404, ECONFLICT
//     409, EFORBIDDEN 403; anything else is a logged 500 with a request
//     ID); do not write an error answer yourself. Answer a GET with
//     c.render(w, r, s, http.StatusOK, "stock", data); answer a successful
//     POST with c.flash(w, r, s, "console.stock.received", "Received.")
//     and a 303 redirect to a GET (POST, redirect, GET). A form that fails
//     validation renders its page again with status 400 and the message.
//     A stale form (a ticket changed since the page was drawn) is refused
//     with ECONFLICT: carry the version you showed (the ticket's
//     UpdatedAt or Epoch) in a hidden field and compare it.
//
//  3. Template: templates/stock.html with {{define "content"}}…{{end}} and
//     optionally {{define "title"}}…{{end}}; layout.html wraps it (header,
//     menu, language switcher, sign-out, <main id="main">, the flash). The
//     page's data is .Data; .S is the session. One <h1> per page, labels
//     for every input, tables with <th scope="col"> / <th scope="row">.
//     Functions: T (translate), csrf (the hidden input every POST form
//     needs), may "stock" (the role's permission), date, datetime, clock,
//     money, static, and dict for a T with several values:
//     {{T "console.x" "{{.N}} of {{.Of}}" (dict "N" .Done "Of" .All)}}.
//     Punctuation is the language's, never the template's: a label and
//     its value with {{T "console.label_value" …}}, an aside in
//     parentheses with {{aside .Name .ID}} (Chinese's （）), a field's
//     example as a line above it with {{T "console.example" …}}, not a
//     placeholder (it reads as a value filled in).
//     A count is written with plural, never T, so that "1 ticket" and
//     French's "0 ticket" take their form: {{plural "console.x" "{{.Count}}
//     tickets" .N}}, the English its "other" form, the JSON's value the
//     forms ({"one": …, "other": …}; zh-Hans "other" only).
//     No inline script or style attribute: the Content Security Policy
//     refuses them; put a small script of your own in static/ and load it
//     with {{static "stock.js"}}.
//
//  4. Words: every text through {{T "console.stock.title" "Stock"}} in
//     templates and s.T.Text("console.stock.x", "English", data) or
//     app.Errorf(code, "console.stock.x", "English…") in Go. Keys start with
//     "console."; add them to the five assets/translations/*.json with real
//     translations (python3 /work/wt/_tools/addkeys.py keys.json);
//     go test ./ui/ -run TestTranslationsComplete checks.
//
//  5. Tests, in stock_test.go, on both databases with forEachBackend and
//     the fixture of newTestConsole (console_test.go): the page for each
//     role that may see it, and the refusals every action needs: a role
//     without the permission (403), a user of the other tenant and a
//     store manager on another store's ticket (404, the same body as a
//     missing one), no CSRF token (cl.postNoCSRF: 403, nothing changed),
//     a stale form (409, nothing changed), and bad input (400, nothing
//     changed); and that the change is in the audit (db.Audit) with the
//     login.
package console
