package scanner

import (
	"reflect"
	"testing"

	"golang.org/x/sys/cpu"
)

// opaqueKernels are the assembly kernels this processor can run.
func opaqueKernels() map[string]func(dst, src []byte) int {
	ks := map[string]func(dst, src []byte) int{"sse2": opaqueRowSSE2}
	if cpu.X86.HasAVX2 {
		ks["avx2"] = opaqueRowAVX2
	}
	return ks
}

// blueKernels are the blue-weighted assembly kernels.
func blueKernels() map[string]func(dst, src []byte) (n, lo, hi int) {
	return map[string]func(dst, src []byte) (n, lo, hi int){"sse2": blueOpaqueSSE2}
}

// TestOpaqueRowIsKernel: on amd64, fromRGBA's opaqueRow and
// blueFromRGBA's blueOpaqueRow are the assembly kernels for this
// processor, so that TestLuminanceEveryOpaqueColour and the other tests
// of newLuminanceSource and newBlueLuminanceSource check them, and not
// the Go paths.
func TestOpaqueRowIsKernel(t *testing.T) {
	want, name := opaqueRowSSE2, "SSE2"
	if cpu.X86.HasAVX2 {
		want, name = opaqueRowAVX2, "AVX2"
	}
	if reflect.ValueOf(opaqueRow).Pointer() != reflect.ValueOf(want).Pointer() {
		t.Fatalf("opaqueRow is not the %s kernel", name)
	}
	t.Logf("opaqueRow is the %s kernel", name)
	if reflect.ValueOf(blueOpaqueRow).Pointer() != reflect.ValueOf(blueOpaqueSSE2).Pointer() {
		t.Fatalf("blueOpaqueRow is not the SSE2 kernel")
	}
}
