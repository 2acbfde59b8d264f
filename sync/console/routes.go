package console

import "net/http"

// routes lists every route of the console, one line each: the pattern, the
// permission it needs and its handler (see doc.go, "How to add a page").
func (c *Console) routes() {
	c.public("GET /signin", c.showSignIn)
	c.public("POST /signin", c.signIn)
	c.public("GET /static/{name}", c.serveStatic)
	c.public("/", c.notFound)
	c.route("POST /signout", permView, c.signOut)
	c.route("POST /language", permView, c.setLanguage)
	c.route("GET /{$}", permView, func(w http.ResponseWriter, r *http.Request, s *Session) error {
		http.Redirect(w, r, "/board", http.StatusSeeOther)
		return nil
	})
	c.route("GET /board", permView, c.board)
	c.route("GET /people", permView, c.people)
	c.route("GET /people/technician", permPeople, c.technicianForm)
	c.route("POST /people/technician", permPeople, c.saveTechnician)
	c.route("GET /people/location", permPeople, c.locationForm)
	c.route("POST /people/location", permPeople, c.saveLocation)
	c.route("GET /devices", permView, c.devices)
	c.route("POST /devices/pair", permPeople, c.pair)
	c.route("GET /devices/{id}/revoke", permPeople, c.confirmRevoke)
	c.route("POST /devices/{id}/revoke", permPeople, c.revoke)
	c.route("GET /users", permUsers, c.users)
	c.route("POST /users", permUsers, c.createUser)
	c.route("POST /users/{login}/disable", permUsers, c.disableUser)
	c.route("POST /users/{login}/password", permUsers, c.setUserPassword)
	c.route("GET /audit", permUsers, c.auditLog)
	c.route("GET /imports", permImport, c.imports)
	c.route("GET /imports/{what}/example.csv", permImport, c.importExample)
	c.route("POST /imports/{what}", permImport, c.importFile)
	c.route("GET /tickets/{id}", permView, c.showTicket)
	c.route("GET /tickets/{id}/photos/{photo}", permView, c.ticketPhoto)
	c.route("POST /tickets/{id}/customer", permDispatch, c.updateCustomer)
	c.route("GET /conflicts", permView, c.showConflicts)
	c.route("POST /conflicts/{id}/resolve", permDispatch, c.resolveConflict)
	c.route("GET /stock", permView, c.stock)
	c.route("GET /stock/requests", permView, c.requests)
	c.route("GET /stock/returns", permView, c.returns)
	c.route("GET /stock/negative", permView, c.negative)
	c.route("GET /stock/{location}/{part}", permView, c.ledger)
	c.route("POST /stock/receive", permStock, c.receive)
	c.route("POST /stock/transfer", permStock, c.transfer)
	c.route("POST /stock/adjust", permStock, c.adjust)
	c.route("GET /numbers", permNumbers, c.numbers)
	c.route("GET /numbers.csv", permNumbers, c.numbersCSV)
	c.route("GET /numbers/technicians/{id}", permNumbers, c.numbersTechnician)
}
