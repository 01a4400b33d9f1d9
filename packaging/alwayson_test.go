package packaging

import (
	"encoding/xml"
	"os"
	"strings"
	"testing"
)

// The Task Scheduler task runs `thucongvu sync` from boot whether the user
// is logged on or not, with the password stored (LogonType Password, not
// S4U), so the user's Credential Manager entry stays readable; it never
// stops on its own and comes back after a failure.
func TestWindowsSyncTask(t *testing.T) {
	raw, err := os.ReadFile("windows/thucongvu-sync.xml")
	if err != nil {
		t.Fatal(err)
	}
	var task struct {
		Triggers struct {
			Boot *struct{ Enabled bool } `xml:"BootTrigger"`
		} `xml:"Triggers"`
		LogonType string `xml:"Principals>Principal>LogonType"`
		Settings  struct {
			Multiple  string `xml:"MultipleInstancesPolicy"`
			TimeLimit string `xml:"ExecutionTimeLimit"`
			Batteries bool   `xml:"DisallowStartIfOnBatteries"`
			Restart   *struct {
				Interval string
				Count    int
			} `xml:"RestartOnFailure"`
		} `xml:"Settings"`
		Command   string `xml:"Actions>Exec>Command"`
		Arguments string `xml:"Actions>Exec>Arguments"`
	}
	if err := xml.Unmarshal(raw, &task); err != nil {
		t.Fatal(err)
	}
	if task.Triggers.Boot == nil || !task.Triggers.Boot.Enabled || task.LogonType != "Password" || task.Settings.TimeLimit != "PT0S" ||
		task.Settings.Batteries || task.Settings.Restart == nil || task.Settings.Restart.Count < 1 || task.Settings.Multiple != "IgnoreNew" {
		t.Fatalf("task: %+v", task)
	}
	if !strings.HasSuffix(strings.Trim(task.Command, `"`), `\thucongvu.exe`) || task.Arguments != "sync" {
		t.Fatalf("action: %s %s", task.Command, task.Arguments)
	}
}

// The systemd user unit runs `thucongvu sync` and restarts it after a
// failure (a keychain still locked after boot).
func TestLinuxSyncUnit(t *testing.T) {
	raw, err := os.ReadFile("linux/thucongvu-sync.service")
	if err != nil {
		t.Fatal(err)
	}
	unit := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			unit[k] = v
		}
	}
	if !strings.Contains(unit["ExecStart"], "thucongvu sync") || unit["Restart"] != "on-failure" || unit["WantedBy"] != "default.target" {
		t.Fatalf("unit: %v", unit)
	}
}
