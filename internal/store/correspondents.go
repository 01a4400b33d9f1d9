package store

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"thucongvu/internal/model"
	"thucongvu/internal/vntext"
)

// Correspondents completes addresses the user has written to (recipients
// of Sent mail first) or heard from: a prefix of any word of the name or
// of the address matches, diacritics ignored.
func (s *Store) Correspondents(ctx context.Context, prefix string, limit int) ([]model.Address, error) {
	p := vntext.Fold(strings.TrimSpace(prefix))
	if p == "" {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT m.to_json, m.cc_json, f.role, m.from_name, m.from_addr FROM messages m JOIN folders f ON f.id = m.folder_id
		ORDER BY m.date DESC LIMIT 5000`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	score := map[string]int{}
	names := map[string]string{}
	add := func(a model.Address, weight int) {
		addr := strings.ToLower(a.Address)
		if addr == "" || !matchesPrefix(p, a) {
			return
		}
		score[addr] += weight
		if names[addr] == "" {
			names[addr] = a.Name
		}
	}
	for rows.Next() {
		var to, cc, role, fromName, fromAddr string
		if err := rows.Scan(&to, &cc, &role, &fromName, &fromAddr); err != nil {
			return nil, err
		}
		if role == model.RoleSent {
			for _, j := range []string{to, cc} {
				var list []model.Address
				json.Unmarshal([]byte(j), &list)
				for _, a := range list {
					add(a, 10)
				}
			}
		} else {
			add(model.Address{Name: fromName, Address: fromAddr}, 1)
		}
	}
	out := make([]model.Address, 0, len(score))
	for addr := range score {
		out = append(out, model.Address{Name: names[addr], Address: addr})
	}
	sort.Slice(out, func(i, j int) bool {
		if score[out[i].Address] != score[out[j].Address] {
			return score[out[i].Address] > score[out[j].Address]
		}
		return out[i].Address < out[j].Address
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, rows.Err()
}

func matchesPrefix(p string, a model.Address) bool {
	for _, w := range strings.FieldsFunc(vntext.Fold(a.Name+" "+a.Address), func(r rune) bool {
		return r == ' ' || r == '.' || r == '@' || r == '-' || r == '_'
	}) {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return strings.HasPrefix(vntext.Fold(a.Address), p)
}
