//go:build !amd64

package scanner

// opaqueRow is the pure-Go kernel where there is no assembly one.
func opaqueRow(dst, src []byte) int { return opaqueRowGo(dst, src) }

// blueOpaqueRow is the pure-Go kernel where there is no assembly one.
func blueOpaqueRow(dst, src []byte) (n, lo, hi int) { return blueOpaqueRowGo(dst, src) }
