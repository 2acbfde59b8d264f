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
	c.route("GET /board/events", permView, c.boardEvents)
	c.route("GET /tickets/new", permDispatch, c.showNewTicket)
	c.route("POST /tickets/new", permDispatch, c.createTicket)
	c.route("GET /tickets/{id}/assign", permDispatch, c.showAction("assign"))
	c.route("POST /tickets/{id}/assign", permDispatch, c.doAction("assign"))
	c.route("GET /tickets/{id}/schedule", permDispatch, c.showAction("schedule"))
	c.route("POST /tickets/{id}/schedule", permDispatch, c.doAction("schedule"))
	c.route("GET /tickets/{id}/cancel", permDispatch, c.showAction("cancel"))
	c.route("POST /tickets/{id}/cancel", permDispatch, c.doAction("cancel"))
	c.route("GET /tickets/{id}/reopen", permDispatch, c.showAction("reopen"))
	c.route("POST /tickets/{id}/reopen", permDispatch, c.doAction("reopen"))
	c.route("GET /technicians/{id}/day", permView, c.technicianDay)
}
