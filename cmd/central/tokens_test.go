package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fieldbench/fieldbench/sync/central"
)

// cliRun runs the built binary with args and env added to the test's
// environment (FIELDBENCH_TOKEN cleared), within 30 s.
func cliRun(t *testing.T, bin string, env []string, args ...string) (stdout, stderr string, ok bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(append(os.Environ(), "FIELDBENCH_TOKEN="), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatalf("run %v: %v", args, err)
	}
	return out.String(), errb.String(), err == nil
}

// TestAdminTokensThroughTheBinary: named admin tokens are created, listed,
// rotated and revoked with the CLI of the built binary, against the
// service it serves over HTTPS; tokens are read from a file or the
// environment, never the command line, and the CLI pins the certificate.
func TestAdminTokensThroughTheBinary(t *testing.T) {
	bin := killBuild(t)
	dir := t.TempDir()
	p := killStart(t, bin, dir)
	files := t.TempDir()
	withData := []string{"admin", "-server", p.url, "-data", dir}
	withFile := func(file string) []string {
		return []string{"admin", "-server", p.url, "-fingerprint", p.fp, "-token-file", file}
	}
	mustRun := func(env []string, args ...string) string {
		t.Helper()
		out, errOut, ok := cliRun(t, bin, env, args...)
		if !ok {
			t.Fatalf("central %s: %s", strings.Join(args, " "), errOut)
		}
		return out
	}
	mustFail := func(want string, env []string, args ...string) {
		t.Helper()
		out, errOut, ok := cliRun(t, bin, env, args...)
		if ok || !strings.Contains(errOut, want) {
			t.Fatalf("central %s: ok %v, stdout %q, stderr %q; want a failure saying %q", strings.Join(args, " "), ok, out, errOut, want)
		}
	}
	list := func(args ...string) map[string]central.AdminToken {
		t.Helper()
		var ts []central.AdminToken
		if err := json.Unmarshal([]byte(mustRun(nil, append(args, "tokens")...)), &ts); err != nil {
			t.Fatal(err)
		}
		m := map[string]central.AdminToken{}
		for _, tk := range ts {
			m[tk.Name] = tk
		}
		return m
	}

	// The first start's token, read from DIR/admin-token, is "admin".
	if ts := list(withData...); len(ts) != 1 || ts["admin"].Role == "" || !ts["admin"].RevokedAt.IsZero() {
		t.Fatalf("tokens after the first start: %+v", ts)
	}
	ciFile := filepath.Join(files, "ci-token")
	mustRun(nil, append(withData, "token-create", "ci-import", "-o", ciFile)...)
	if st, err := os.Stat(ciFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", st, err)
	}
	raw, _ := os.ReadFile(ciFile)
	ci := strings.TrimSpace(string(raw))

	// The new token works from its file and from the environment.
	if ts := list(withFile(ciFile)...); len(ts) != 2 || ts["ci-import"].CreatedAt.IsZero() {
		t.Fatalf("tokens: %+v", ts)
	}
	envArgs := []string{"admin", "-server", p.url, "-fingerprint", p.fp}
	mustRun([]string{"FIELDBENCH_TOKEN=" + ci}, append(envArgs, "tokens")...)

	// Rotation: the old token stops working, the new one works.
	newFile := filepath.Join(files, "ci-token-2")
	mustRun(nil, append(withFile(ciFile), "token-rotate", "ci-import", "-o", newFile)...)
	mustFail("not known to the server", nil, append(withFile(ciFile), "tokens")...)
	if ts := list(withFile(newFile)...); ts["ci-import"].RotatedAt.IsZero() {
		t.Fatalf("rotation not recorded: %+v", ts)
	}

	// Refusals, each changing nothing.
	before := list(withData...)
	mustFail("flag provided but not defined: -token", nil, "admin", "-server", p.url, "-token", ci, "tokens")
	mustFail("-token-file", nil, "admin", "-server", p.url, "-fingerprint", p.fp, "tokens")
	mustFail("already an admin token named ci-import", nil, append(withData, "token-create", "ci-import")...)
	mustFail("letters, digits", nil, append(withData, "token-create", "bad/name")...)
	mustFail("no active admin token ghost", nil, append(withData, "token-revoke", "ghost")...)
	mustFail("certificate is not the one", nil, "admin", "-server", p.url, "-fingerprint", strings.Repeat("ab", 32), "-token-file", newFile, "tokens")
	mustFail("https://", nil, "admin", "-server", "http://central.example.com:8080", "-token-file", newFile, "tokens")
	if after := list(withData...); len(after) != len(before) || after["ci-import"] != before["ci-import"] || after["admin"] != before["admin"] {
		t.Fatalf("a refused command changed the tokens: %+v -> %+v", before, after)
	}

	// Revocation: the token is refused from then on; the last active one
	// cannot be revoked.
	mustRun(nil, append(withData, "token-revoke", "ci-import")...)
	mustFail("revoked", nil, append(withFile(newFile), "tokens")...)
	mustFail("last admin token", nil, append(withData, "token-revoke", "admin")...)
	if ts := list(withData...); ts["ci-import"].RevokedAt.IsZero() || !ts["admin"].RevokedAt.IsZero() {
		t.Fatalf("tokens after revoking ci-import: %+v", ts)
	}

	// The operator moves DIR/admin-token away: a restart (same
	// certificate) mints no token nobody holds.
	adminFile := filepath.Join(files, "admin-token")
	if err := os.Rename(filepath.Join(dir, "admin-token"), adminFile); err != nil {
		t.Fatal(err)
	}
	fp := p.fp
	p.kill()
	p = killStart(t, bin, dir)
	if p.fp != fp {
		t.Fatalf("the restart changed the certificate: %s -> %s", fp, p.fp)
	}
	if ts := list(withFile(adminFile)...); len(ts) != 2 {
		t.Fatalf("tokens after a restart without the token file: %+v", ts)
	}
	if _, err := os.Stat(filepath.Join(dir, "admin-token")); err == nil {
		t.Fatal("the restart wrote a new admin-token")
	}
}
