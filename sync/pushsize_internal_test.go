package sync

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/app"
)

// TestPushSizeBoundsTheEncoding: pushSize is never under the bytes a
// mutation takes in a request, for envelopes at their widest, so a batch
// cut by it fits MaxPushBytes; and a mutation whose arguments are at
// their bound fits a request alone.
func TestPushSizeBoundsTheEncoding(t *testing.T) {
	// Arguments are as NewMutation encoded them: '<' already written
	// \u003c, so encoding the request does not grow them.
	args, err := json.Marshal(map[string]string{"text": strings.Repeat("<", app.MaxArgsBytes/6-10)})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []app.Mutation{
		{ID: "m", Name: "note.add", Version: 1, Args: json.RawMessage(`{}`)},
		{ID: strings.Repeat("f", 64), Name: "shipment.receive", Version: math.MaxInt, Device: app.DeviceID(strings.Repeat("d", 64)),
			Seq: math.MinInt64, HLC: strings.Repeat("9", 40), At: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("", -23*3600-59*60)),
			Args: json.RawMessage(args)},
	} {
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if pushSize(m) < len(b)+1 {
			t.Errorf("pushSize %d < %d bytes encoded", pushSize(m), len(b)+1)
		}
	}
	big := app.Mutation{ID: strings.Repeat("f", 64), Name: "shipment.receive", Version: 2, Device: "d", HLC: strings.Repeat("9", 40), Args: make(json.RawMessage, app.MaxArgsBytes)}
	if pushSize(big) > MaxPushBytes || pushFits([]app.Mutation{big, big}) != 1 {
		t.Errorf("a mutation at the bound (%d) does not fit a push alone (%d)", pushSize(big), MaxPushBytes)
	}
}
