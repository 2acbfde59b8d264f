package store

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
	"github.com/fieldbench/fieldbench/store/storetest"
)

// TestCountDraftKill9: a child types on in a stock count, each round a
// count and a unit ticked missing, and is killed with SIGKILL at an
// arbitrary point; after reopening, the last round it acknowledged is
// there, or a later one, its unit ticked missing with its count: the
// units ticked were not kept at all, and a restart made the technician
// tick them again.
func TestCountDraftKill9(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fieldbench.db")
	c := startChild(t, "count", path)
	last := -1
	for range 20 {
		line, err := c.out.ReadString('\n')
		if err != nil {
			t.Fatalf("child stopped after %d counts: %v", last+1, err)
		}
		if last, err = strconv.Atoi(strings.TrimSpace(line)); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
	c.kill(t)

	db := mustOpenPath(t, path, WithFullCheck())
	d, err := db.CountDraft(t.Context(), app.Actor{Role: app.RoleTechnician, Technician: storetest.Ana}, storetest.VanAna)
	if err != nil {
		t.Fatal(err)
	}
	n := d.Counts[storetest.BatteryP50]
	if n < last {
		t.Errorf("after the kill the battery is counted %d, want %d or later", n, last)
	}
	if want := []string{fmt.Sprint("LCD-", n)}; !slices.Equal(d.Missing[storetest.DisplayP50], want) {
		t.Errorf("after the kill the units ticked missing are %v beside count %d, want %v", d.Missing, n, want)
	}
}
