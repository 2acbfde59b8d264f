//go:build !amd64

package scanner

// opaqueKernels are the assembly kernels this processor can run: none
// but on amd64.
func opaqueKernels() map[string]func(dst, src []byte) int { return nil }

// blueKernels are the blue-weighted assembly kernels: none but on amd64.
func blueKernels() map[string]func(dst, src []byte) (n, lo, hi int) { return nil }
