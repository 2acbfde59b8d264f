// Package jsonstable tells whether encoding/json gives a value back
// unchanged: whether decoding a value's encoding yields a value deeply
// equal to it. The store keeps a ticket it saved as the decoding of the
// bytes it wrote, and a commit applies the command it queued without
// decoding the bytes it just encoded, only when this says so.
package jsonstable
