package scanner

import "golang.org/x/sys/cpu"

// opaqueRow writes the BT.601 grey of the 8-bit RGBA pixels of src into
// dst, up to the first that is not opaque or the end of either, and
// returns how many it wrote. SSE2 is part of every amd64 processor, so
// that kernel needs no check of the CPU; AVX2 does.
var opaqueRow = opaqueRowSSE2

func init() {
	if cpu.X86.HasAVX2 {
		opaqueRow = opaqueRowAVX2
	}
}

// opaqueRowAVX2 is opaqueRow with AVX2 for the whole opaque blocks of 32
// pixels and SSE2 for the rest of the run.
func opaqueRowAVX2(dst, src []byte) int {
	n := opaqueBlocksAVX2(dst, src)
	return n + opaqueRowSSE2(dst[n:], src[4*n:])
}

// opaqueRowSSE2 is opaqueRow in SSE2 (luminance_amd64.s): sixteen pixels
// a turn of its loop while they are all opaque, then four, then one, so
// that it stops exactly at the first pixel that is not.
//
//go:noescape
func opaqueRowSSE2(dst, src []byte) int

// opaqueBlocksAVX2 writes the grey of src's pixels into dst 32 at a time
// (luminance_amd64.s), for as long as all 32 are opaque and fit in both,
// and returns how many it wrote: a multiple of 32.
//
//go:noescape
func opaqueBlocksAVX2(dst, src []byte) int

// blueOpaqueRow writes the blue-weighted grey of the 8-bit RGBA pixels of
// src into dst, up to the first that is not opaque or the end of either,
// and returns how many it wrote and the least and greatest difference
// from their BT.601 grey (lo > hi when it wrote none).
var blueOpaqueRow = blueOpaqueSSE2

// blueOpaqueSSE2 is blueOpaqueRow in SSE2 (luminance_amd64.s): eight
// pixels a turn of its loop while they are all opaque, then four, then
// one.
//
//go:noescape
func blueOpaqueSSE2(dst, src []byte) (n, lo, hi int)
