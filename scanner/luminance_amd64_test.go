package scanner

import (
	"reflect"
	"testing"
)

// opaqueKernels are the assembly kernels this processor can run.
func opaqueKernels() map[string]func(dst, src []byte) int {
	return map[string]func(dst, src []byte) int{"sse2": opaqueRowSSE2}
}

// TestOpaqueRowIsKernel: on amd64, fromRGBA's opaqueRow is the assembly
// kernel, so that TestLuminanceEveryOpaqueColour and the other tests of
// newLuminanceSource check it, and not the Go path, on every colour.
func TestOpaqueRowIsKernel(t *testing.T) {
	if got, want := reflect.ValueOf(opaqueRow).Pointer(), reflect.ValueOf(opaqueRowSSE2).Pointer(); got != want {
		t.Fatalf("opaqueRow is not the SSE2 kernel")
	}
}
