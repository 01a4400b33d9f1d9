package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"thucongvu/internal/model"
)

// columnRows reads register rows column by column, the way the register
// was listed before rows were packed: the reference packed rows must match.
func columnRows(t *testing.T, s *Store) []RegisterRow {
	t.Helper()
	rows, err := s.db.Query(`SELECT ` + registerColumns + ` FROM register ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []RegisterRow
	for rows.Next() {
		var r RegisterRow
		var recv, acked, assignedAt, progress, done int64
		var rcpts, atts, assigned string
		if err := rows.Scan(&r.ID, &r.Account, &r.Direction, &r.Year, &r.Number, &r.MessageKey, &r.MessageID, &recv,
			&r.From.Name, &r.From.Address, &rcpts, &r.Agency, &r.DocNumber, &r.DocDate, &r.DocType, &r.Summary, &atts,
			&r.Extracted, &acked, &assigned, &r.Note, &r.Deadline, &r.ForwardID, &assignedAt, &progress, &done, &r.Signatures); err != nil {
			t.Fatal(err)
		}
		r.ReceivedAt = time.Unix(recv, 0)
		r.AcknowledgedAt, r.AssignedAt, r.ProgressAt, r.DoneAt = unixOrZero(acked), unixOrZero(assignedAt), unixOrZero(progress), unixOrZero(done)
		json.Unmarshal([]byte(rcpts), &r.Recipients)
		json.Unmarshal([]byte(atts), &r.Attachments)
		json.Unmarshal([]byte(assigned), &r.AssignedTo)
		if len(r.Recipients) == 0 {
			r.Recipients = nil
		}
		if len(r.Attachments) == 0 {
			r.Attachments = nil
		}
		if len(r.AssignedTo) == 0 {
			r.AssignedTo = nil
		}
		out = append(out, r)
	}
	return out
}

func listAll(t *testing.T, s *Store) []RegisterRow {
	t.Helper()
	got, err := s.RegisterRows(context.Background(), RegisterFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// The packed row follows every write: the insert, UpdateRegister and a
// plain SQL update, with text that looks like the packing itself.
func TestRegisterPackedRowFollowsWrites(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	r := RegisterRow{Account: "vanthu", Direction: DirectionIn, MessageKey: "12:<a@b>", MessageID: "<a@b>",
		ReceivedAt: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC), From: model.Address{Name: "Sở 3:TT&TT", Address: "vt@longan.gov.vn"},
		Recipients: []model.Address{{Name: "Văn thư", Address: "vanthu@hanam.gov.vn"}}, Agency: "", DocNumber: "45/2026/QĐ-UBND",
		DocDate: "2026-03-01", DocType: "Quyết định", Summary: `V/v "số 5:7" \ kế hoạch`, Attachments: []string{`a","b.pdf`, "quyết định.docx", `x\y`}}
	if err := s.AddRegisterEntry(ctx, &r); err != nil {
		t.Fatal(err)
	}
	second := RegisterRow{Account: "vanthu", Direction: DirectionOut, MessageKey: "k2", ReceivedAt: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
	if err := s.AddRegisterEntry(ctx, &second); err != nil {
		t.Fatal(err)
	}
	if got, want := listAll(t, s), columnRows(t, s); !reflect.DeepEqual(got, want) {
		t.Fatalf("after insert:\n got %+v\nwant %+v", got, want)
	}
	if err := s.UpdateRegister(ctx, r.ID, map[string]any{"assigned_to": []string{"cv1@hanam.gov.vn", "Phòng BCVT <bcvt@hanam.gov.vn>"},
		"note": "Giao: 3 ngày", "deadline": "2026-03-09", "progress_at": int64(1772500000), "extracted": 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`UPDATE register SET summary = 'đã sửa 10:x' WHERE id = ?`, second.ID); err != nil {
		t.Fatal(err)
	}
	got, want := listAll(t, s), columnRows(t, s)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after update:\n got %+v\nwant %+v", got, want)
	}
	if got[0].Note != "Giao: 3 ngày" || len(got[0].AssignedTo) != 2 || got[1].Summary != "đã sửa 10:x" || !got[0].Extracted {
		t.Fatalf("updates not listed: %+v", got)
	}
}

// A register written before rows were packed is packed when the store opens.
func TestRegisterPackedOlderStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mail.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	packed := "\tpacked          TEXT NOT NULL DEFAULT '',\n"
	if !strings.Contains(registerSchema, packed) {
		t.Fatal("the register schema changed")
	}
	if _, err := db.Exec(schema + checksSchema + parseErrorsSchema + strings.Replace(registerSchema, packed, "", 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO register (account, direction, year, number, message_key, received_at, summary, attachments)
		VALUES ('vanthu', 'in', 2026, 7, 'k', 1772500000, 'Kế hoạch chuyển đổi số', '["kh.pdf"]')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := listAll(t, s)
	if len(got) != 1 || got[0].Number != 7 || got[0].Summary != "Kế hoạch chuyển đổi số" || !reflect.DeepEqual(got[0].Attachments, []string{"kh.pdf"}) {
		t.Fatalf("older register: %+v", got)
	}
}

// FuzzUnpackRow: a damaged packed row is an error, never a panic.
func FuzzUnpackRow(f *testing.F) {
	f.Add("1:71:a2:in4:20261:3")
	f.Add("99999999999999999999:x")
	f.Fuzz(func(t *testing.T, s string) {
		unpackRow(s)
	})
}

// FuzzStringList: a JSON list of strings reads back as written.
func FuzzStringList(f *testing.F) {
	f.Add("van-ban.pdf", `a","b`)
	f.Add(`x\y`, "")
	f.Fuzz(func(t *testing.T, a, b string) {
		want := []string{a, b}
		text, _ := json.Marshal(want)
		var back []string
		json.Unmarshal(text, &back) // JSON itself replaces invalid UTF-8
		if got := stringList(string(text)); !reflect.DeepEqual(got, back) {
			t.Fatalf("%s: got %q want %q", text, got, back)
		}
	})
}

// Two stores on one file, as the GUI and a CLI run: each lists what the
// other wrote, corrected or deleted since its last listing.
func TestRegisterListSeesOtherWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mail.db")
	a, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	add := func(s *Store, key string, day int) RegisterRow {
		r := RegisterRow{Account: "vanthu", Direction: DirectionIn, MessageKey: key, MessageID: key,
			ReceivedAt: time.Date(2026, 5, day, 8, 0, 0, 0, time.UTC), Summary: "Công văn " + key}
		if err := s.AddRegisterEntry(ctx, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	first := add(a, "k1", 1)
	if got := listAll(t, a); len(got) != 1 || got[0].Number != 1 {
		t.Fatalf("a: %+v", got)
	}
	add(b, "k2", 2)
	if err := b.UpdateRegister(ctx, first.ID, map[string]any{"doc_number": "12/UBND-VP", "done_at": int64(1778000000)}); err != nil {
		t.Fatal(err)
	}
	got := listAll(t, a)
	if len(got) != 2 || got[0].DocNumber != "12/UBND-VP" || got[0].DoneAt.IsZero() || got[1].Number != 2 || got[1].Summary != "Công văn k2" {
		t.Fatalf("a after b wrote: %+v", got)
	}
	if !reflect.DeepEqual(got, columnRows(t, a)) {
		t.Fatalf("a disagrees with the columns:\n got %+v\nwant %+v", got, columnRows(t, a))
	}
	if _, err := b.db.Exec(`DELETE FROM register WHERE id = ?`, first.ID); err != nil {
		t.Fatal(err)
	}
	add(b, "k3", 3) // as many rows as before the delete
	got = listAll(t, a)
	if len(got) != 2 || got[0].MessageKey != "k2" || got[1].MessageKey != "k3" {
		t.Fatalf("a after b deleted: %+v", got)
	}
	one, err := a.RegisterRows(ctx, RegisterFilter{Key: "k3", Limit: 1})
	if err != nil || len(one) != 1 || one[0].Summary != "Công văn k3" {
		t.Fatalf("by key: %+v %v", one, err)
	}
}
