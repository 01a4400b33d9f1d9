package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// The verdict on the digital signatures of each downloaded message's PDFs
// (R4, Decree 30/2020 art. 21.2), kept so the list's badges survive a
// restart without verifying the documents again. trust names the roots the
// verdict was reached with: other roots make it stale.
const pdfSignaturesSchema = `
CREATE TABLE IF NOT EXISTS pdf_signatures (
	message INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
	state   TEXT NOT NULL,
	sha256  TEXT NOT NULL DEFAULT '',
	trust   TEXT NOT NULL DEFAULT ''
);
-- The report on each PDF (JSON), by its SHA-256 and the roots it was
-- reached with: the list's badges and the register verify a PDF once.
CREATE TABLE IF NOT EXISTS pdf_reports (
	sha256 TEXT NOT NULL,
	trust  TEXT NOT NULL,
	report TEXT NOT NULL,
	PRIMARY KEY (sha256, trust)
);
`

// UnverifiedPDFMessages lists up to limit downloaded messages, newest
// first, that name a PDF attachment and have no stored signature verdict
// reached with the roots trust names.
func (s *Store) UnverifiedPDFMessages(ctx context.Context, trust string, limit int) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT m.id FROM messages m
		WHERE m.has_body = 1 AND m.attachments LIKE '%.pdf%'
		AND NOT EXISTS (SELECT 1 FROM pdf_signatures p WHERE p.message = m.id AND p.trust = ?)
		ORDER BY m.date DESC LIMIT ?`, trust, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// SetPDFSignatureState stores a message's verdict (its worst PDF state),
// the hex SHA-256 of each PDF it verified and the roots it used.
func (s *Store) SetPDFSignatureState(ctx context.Context, id int64, state string, sums []string, trust string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO pdf_signatures (message, state, sha256, trust) VALUES (?, ?, ?, ?)
		ON CONFLICT (message) DO UPDATE SET state = excluded.state, sha256 = excluded.sha256, trust = excluded.trust`,
		id, state, strings.Join(sums, " "), trust)
	return err
}

// PDFSignatureStates returns the stored verdicts reached with the roots
// trust names, by message.
func (s *Store) PDFSignatureStates(ctx context.Context, trust string) (map[int64]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT message, state FROM pdf_signatures WHERE trust = ?`, trust)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var st string
		if err := rows.Scan(&id, &st); err != nil {
			return nil, err
		}
		out[id] = st
	}
	return out, rows.Err()
}

// PDFReport returns the stored report (JSON) on the PDF whose hex SHA-256
// is sum, reached with the roots trust names; "" when there is none.
func (s *Store) PDFReport(ctx context.Context, sum, trust string) (string, error) {
	var r string
	err := s.db.QueryRowContext(ctx, `SELECT report FROM pdf_reports WHERE sha256 = ? AND trust = ?`, sum, trust).Scan(&r)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return r, err
}

// SetPDFReport stores the report on a PDF; reports reached with other
// roots than trust are dropped (they are stale).
func (s *Store) SetPDFReport(ctx context.Context, sum, trust, report string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO pdf_reports (sha256, trust, report) VALUES (?, ?, ?)
		ON CONFLICT (sha256, trust) DO UPDATE SET report = excluded.report`, sum, trust, report)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `DELETE FROM pdf_reports WHERE trust <> ?`, trust)
	return err
}
