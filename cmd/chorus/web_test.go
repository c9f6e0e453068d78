package main

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestPasswd(t *testing.T) {
	env, _, out, errOut := testEnv(t, "长征社区 office 2026\n")
	if code := Main(t.Context(), []string{"passwd"}, env); code != 0 {
		t.Fatalf("passwd exit %d: %s", code, errOut)
	}
	hash := strings.TrimSpace(out.String())
	if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte("长征社区 office 2026")); err != nil {
		t.Errorf("passwd printed %q, which does not match the password: %v", hash, err)
	}
	env, _, _, errOut = testEnv(t, "short\n")
	if code := Main(t.Context(), []string{"passwd"}, env); code != 1 || !strings.Contains(errOut.String(), "at least 8") {
		t.Errorf("a short password: exit %d, %q; want 1 and the rule", code, errOut)
	}
}

func TestStaffConfig(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("correct horse"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	for extra, want := range map[string]string{
		"staff:\n  - user: weiqing\n    password_hash: \"" + string(hash) + "\"\n    nick: 魏青\nopen311:\n  api_keys: [district-key-0123456789]\n": "",
		"staff:\n  - user: weiqing\n    password_hash: secret\n":                                 "staff[0].password_hash: not a bcrypt hash",
		"staff:\n  - user: weiqing\n    password_hash: \"" + string(hash) + "\"\n    nick: 雷胜\n": `staff[0].nick: "雷胜": not one of coordinators`,
		"open311:\n  api_keys: [short]\n":                                                        "open311.api_keys[0]: at least 16 characters",
	} {
		env, path, _, _ := testEnv(t, "")
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// The shipped config names both sections empty; this test writes its own.
		base := strings.NewReplacer("\nstaff: []", "", "\nopen311:\n  api_keys: []", "").Replace(string(b))
		if err := os.WriteFile(path, []byte(base+"\n"+extra), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err = LoadConfig(path, env.Getenv)
		switch {
		case want == "" && err != nil:
			t.Errorf("config with %q: %v", extra, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("config with %q: %v; want %q", extra, err, want)
		}
	}
}
