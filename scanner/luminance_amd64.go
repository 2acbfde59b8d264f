package scanner

// opaqueRow writes the BT.601 grey of the 8-bit RGBA pixels of src into
// dst, up to the first that is not opaque or the end of either, and
// returns how many it wrote. SSE2 is part of every amd64 processor, so
// the kernel needs no check of the CPU.
var opaqueRow = opaqueRowSSE2

// opaqueRowSSE2 is opaqueRow in SSE2 (luminance_amd64.s): sixteen pixels
// a turn of its loop while they are all opaque, then four, then one, so
// that it stops exactly at the first pixel that is not.
//
//go:noescape
func opaqueRowSSE2(dst, src []byte) int
