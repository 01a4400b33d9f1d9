package store

import (
	"strings"
	"testing"
)

// TestFolderCountsReadTheIndex: the folder list's counts, which a cold
// start waits for, read a covering index instead of every message row.
func TestFolderCountsReadTheIndex(t *testing.T) {
	s := openTest(t)
	rows, err := s.db.Query(`EXPLAIN QUERY PLAN `+foldersQuery, "canhan")
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
	if !strings.Contains(strings.Join(plan, "\n"), "COVERING INDEX messages_by_folder_seen") {
		t.Fatalf("plan:\n%s", strings.Join(plan, "\n"))
	}
}
