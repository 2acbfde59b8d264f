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

// TestOpaqueRowIsKernel: on amd64, fromRGBA's opaqueRow is the assembly
// kernel for this processor, so that TestLuminanceEveryOpaqueColour and
// the other tests of newLuminanceSource check it, and not the Go path,
// on every colour.
func TestOpaqueRowIsKernel(t *testing.T) {
	want, name := opaqueRowSSE2, "SSE2"
	if cpu.X86.HasAVX2 {
		want, name = opaqueRowAVX2, "AVX2"
	}
	if reflect.ValueOf(opaqueRow).Pointer() != reflect.ValueOf(want).Pointer() {
		t.Fatalf("opaqueRow is not the %s kernel", name)
	}
	t.Logf("opaqueRow is the %s kernel", name)
}
