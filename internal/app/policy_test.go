package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"thucongvu/internal/config"
	"thucongvu/internal/engine"
	"thucongvu/internal/model"
	"thucongvu/internal/remind"
	"thucongvu/internal/secret"
)

// A machine policy agency IT changes while the window runs applies without
// a restart: the acknowledgement duty goes off (R2), the policy's check
// times drive the reminders (R1), nothing reaches the user's files, and
// taking the policy away gives the user's settings back.
func TestPolicyChangedWhileRunning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.json")
	t.Setenv(config.PolicyEnv, path)
	home := t.TempDir()
	e, err := engine.Open(home, secret.NewMemory())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	// An account whose server is closed: its sync duty retries, harmlessly.
	a := model.Account{Name: "vanthu", Email: "vanthu@hanam.gov.vn", Username: "vanthu@hanam.gov.vn", Profile: "hanam",
		IMAP: model.Server{Host: "127.0.0.1", Port: 1, Security: model.SecurityNone},
		SMTP: model.Server{Host: "127.0.0.1", Port: 1, Security: model.SecurityNone}}
	if err := e.Config.AddAccount(a); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(home, "accounts.json"))
	s := New(e, home)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		s.duties.Stop()
	})
	s.Run(ctx)
	s.StartReminders(&captured{}, remind.SystemClock{})
	remindKey := func() string {
		s.duties.mu.Lock()
		defer s.duties.mu.Unlock()
		if s.duties.remind == nil {
			return ""
		}
		return s.duties.remind.key
	}
	if !s.Settings().AutoAck || strings.Contains(remindKey(), "07:45") {
		t.Fatalf("before any policy: %+v, reminders %q", s.Settings(), remindKey())
	}
	go s.WatchPolicy(ctx, 20*time.Millisecond, config.LoadPolicy)

	if err := os.WriteFile(path, []byte(`{"AutoAckDisabled": 1, "CheckTimes": "07:45,13:45"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the new policy", func() bool { return !s.Settings().AutoAck })
	if k := remindKey(); !strings.Contains(k, "07:45,13:45") {
		t.Fatalf("reminders not restarted on the policy's check times: %q", k)
	}
	if _, err := e.AckPass(ctx, e.Config.Accounts[0], s.ackOptions()); !errors.Is(err, engine.ErrAcksOff) {
		t.Fatalf("acknowledgement pass under the new policy: %v", err)
	}
	if got := s.duties.Running(); strings.Join(got, ",") != "vanthu" {
		t.Fatalf("account duties after the policy change: %v", got)
	}
	after, _ := os.ReadFile(filepath.Join(home, "accounts.json"))
	if string(after) != string(before) {
		t.Fatalf("the policy changed accounts.json:\n%s\n---\n%s", before, after)
	}
	if s.ApplyPolicy(e.Policy) {
		t.Fatal("the same policy counted as a change")
	}

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the policy removed", func() bool { return s.Settings().AutoAck })
	if strings.Contains(remindKey(), "07:45") {
		t.Fatalf("the removed policy's check times still remind: %q", remindKey())
	}
}

// waitFor polls cond until it holds or 20 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not seen in 20 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
