package console

import (
	"net/http"

	"github.com/fieldbench/fieldbench/app"
)

// boardPage is the board's data: the tickets the session may see.
type boardPage struct {
	Tickets []app.Ticket
}

// board lists the session's tickets (a placeholder for the real board).
func (c *Console) board(w http.ResponseWriter, r *http.Request, s *Session) error {
	ts, err := c.tickets(r.Context(), s)
	if err != nil {
		return err
	}
	return c.render(w, r, s, http.StatusOK, "board", boardPage{Tickets: ts})
}
