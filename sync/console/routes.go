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
	c.route("GET /numbers", permNumbers, c.numbers)
	c.route("GET /numbers.csv", permNumbers, c.numbersCSV)
	c.route("GET /numbers/technicians/{id}", permNumbers, c.numbersTechnician)
}
