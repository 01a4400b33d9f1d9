package register

import (
	"context"
	"io"
)

// ExportXLSX writes one account's whole register, brought up to date first,
// as the paper-register workbook: the register a backup or a handover
// carries (R10, LĐ 12.3, LĐ 10.1d).
func (r *Register) ExportXLSX(ctx context.Context, account string, w io.Writer) error {
	accounts, err := r.E.Accounts(account)
	if err != nil {
		return err
	}
	if err := r.Refresh(ctx, accounts); err != nil {
		return err
	}
	entries, err := r.List(ctx, Filter{Account: account})
	if err != nil {
		return err
	}
	return WriteXLSX(w, entries, account)
}
