package main

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// TestFlagMistakesAreNotInternalErrors runs the built binary as an operator
// would: asking for help succeeds, and a flag it does not know is named as
// the operator's mistake with where to read more, never "Internal error".
func TestFlagMistakesAreNotInternalErrors(t *testing.T) {
	bin := killBuild(t)
	for _, c := range []struct {
		args     []string
		exitCode int
		want     string // in the combined output
	}{
		{[]string{"-h"}, 0, "central admin"},
		{[]string{"admin", "-h"}, 0, "-token-file"},
		{[]string{"-nope"}, 1, "flag provided but not defined: -nope (central help lists"},
		{[]string{"admin", "-nope"}, 1, "flag provided but not defined: -nope (central help lists"},
		{[]string{"init", "-data"}, 1, "flag needs an argument: -data (central help lists"},
	} {
		out, code := runBinary(t, bin, c.args...)
		if code != c.exitCode || !strings.Contains(out, c.want) || strings.Contains(out, "Internal error") {
			t.Errorf("central %s: exit %d, output:\n%s\nwant exit %d and %q, no internal error", strings.Join(c.args, " "), code, out, c.exitCode, c.want)
		}
	}
}

// runBinary runs the built binary with args as an operator's shell would
// and returns what it printed (standard output and error together) and
// its exit code.
func runBinary(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(out), exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}
