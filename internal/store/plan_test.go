package store

import (
	"strings"
	"testing"
)

// queryPlan returns SQLite's plan for q, one step a line.
func queryPlan(t *testing.T, s *Store, q string, args ...any) string {
	t.Helper()
	rows, err := s.db.Query(`EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "\n")
}

// TestFolderCountsReadTheIndex: the folder list's counts, which a cold
// start waits for, read a covering index instead of every message row.
func TestFolderCountsReadTheIndex(t *testing.T) {
	if plan := queryPlan(t, openTest(t), foldersQuery, "canhan"); !strings.Contains(plan, "COVERING INDEX messages_by_folder_seen") {
		t.Fatalf("plan:\n%s", plan)
	}
}
