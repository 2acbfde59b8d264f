package console

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/fieldbench/fieldbench/app"
)

// TestTicketPartsSayWhereFrom: a part fitted on a ticket says it was
// taken from the van by its name, as the dispatcher knows it, not by the
// location's code (the column read "van-1", in a French walk
// "store-cn-sh").
func TestTicketPartsSayWhereFrom(t *testing.T) {
	tc := newTestConsole(t, "sqlite")
	stockFixture(t, tc)
	dev := tc.pairDevice(t, "t1", "tech-1")
	dev.mustApply(t, "stock.consume", app.ConsumePart{Used: app.PartUsed{ID: app.NewID(), Ticket: "tk-1", Part: "P-1", Qty: 1, From: "van-1", At: tc.clock()}})
	status, body := tc.signIn(t, "dispatcher@t1").get(t, "/tickets/tk-1")
	row := regexp.MustCompile(`(?s)<tr><th scope="row">P-1</th>.*?</tr>`).FindString(body)
	if status != http.StatusOK || row == "" {
		t.Fatalf("GET /tickets/tk-1: %d, no row of the part fitted:\n%s", status, body)
	}
	if !regexp.MustCompile(`<td>Van One</td>`).MatchString(row) || regexp.MustCompile(`>van-1<`).MatchString(row) {
		t.Errorf("the part's row does not say it came from Van One: %s", row)
	}
}
