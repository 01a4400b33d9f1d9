package register

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"thucongvu/internal/failure"
	"thucongvu/internal/store"
)

// SettableFields are the fields `register set NUMBER FIELD=VALUE` corrects.
var SettableFields = []string{"agency", "doc_number", "doc_date", "doc_type", "summary", "assigned_to", "note", "deadline", "state"}

// Find returns the entry with a number in a year; account and direction
// may be empty when only one entry has that number.
func (r *Register) Find(ctx context.Context, account, direction string, year, number int) (Entry, error) {
	rows, err := r.E.Store.RegisterRowsByNumber(ctx, account, direction, year, number)
	if err != nil {
		return Entry{}, err
	}
	switch len(rows) {
	case 0:
		return Entry{}, fmt.Errorf("%w: no register entry %d of %d", failure.ErrNotFound, number, year)
	case 1:
		return entryOf(rows[0], r.Now().Format(time.DateOnly)), nil
	}
	return Entry{}, fmt.Errorf("%w: %d entries have number %d of %d: name the account and the direction", failure.ErrUsage, len(rows), number, year)
}

// Set corrects one field of an entry. The correction is kept apart and
// laid over the entry again whenever its mail is read anew, so it
// survives re-syncs and restarts.
func (r *Register) Set(ctx context.Context, e Entry, field, value string) (Entry, error) {
	value = strings.TrimSpace(value)
	if !slices.Contains(SettableFields, field) {
		return e, fmt.Errorf("%w: unknown field %q (fields: %s)", failure.ErrUsage, field, strings.Join(SettableFields, ", "))
	}
	switch field {
	case "doc_date", "deadline":
		if value != "" && !ValidDate(value) {
			return e, fmt.Errorf("%w: %s %q is not a date YYYY-MM-DD", failure.ErrUsage, field, value)
		}
	case "state":
		if value != StateDone && value != "open" {
			return e, fmt.Errorf("%w: state is %q or \"open\"", failure.ErrUsage, StateDone)
		}
	}
	now := r.Now()
	if err := r.E.Store.SetRegisterFix(ctx, e.Account, e.Direction, e.key, field, value, now); err != nil {
		return e, err
	}
	if err := r.E.Store.UpdateRegister(ctx, e.id, fixColumns(field, value, now, e.DoneAt)); err != nil {
		return e, err
	}
	rows, err := r.E.Store.RegisterRows(ctx, store.RegisterFilter{ID: e.id})
	if err != nil || len(rows) == 0 {
		return e, err
	}
	return entryOf(rows[0], now.Format(time.DateOnly)), nil
}

// fixColumns are the columns a correction sets.
func fixColumns(field, value string, now time.Time, doneAt *time.Time) map[string]any {
	switch field {
	case "assigned_to":
		return map[string]any{field: splitList(value)}
	case "state":
		if value != StateDone {
			return map[string]any{"done_at": 0}
		}
		if doneAt != nil {
			return nil
		}
		return map[string]any{"done_at": now.Unix()}
	}
	return map[string]any{field: value}
}

// applyFixes lays the stored corrections over an entry.
func (r *Register) applyFixes(ctx context.Context, row store.RegisterRow) error {
	fixes, err := r.E.Store.RegisterFixes(ctx, row.Account, row.Direction, row.MessageKey)
	if err != nil || len(fixes) == 0 {
		return err
	}
	set := map[string]any{}
	for field, value := range fixes {
		for k, v := range fixColumns(field, value, r.Now(), timePtr(row.DoneAt)) {
			set[k] = v
		}
	}
	return r.E.Store.UpdateRegister(ctx, row.ID, set)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
