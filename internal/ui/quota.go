package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// QuotaWarnPercent is the use of a mailbox's quota from which the status
// bar warns: near the limit the server refuses incoming documents.
const QuotaWarnPercent = 90

// Quota is an account's use of its storage on the server (IMAP QUOTA,
// RFC 9208).
type Quota struct {
	Account               string
	UsedBytes, LimitBytes int64
	Percent               float64
}

// Warning says whether the mailbox is at or above QuotaWarnPercent.
func (q Quota) Warning() bool { return q.Percent >= QuotaWarnPercent }

// fullest is the quota nearest its limit, if any.
func fullest(qs []Quota) (Quota, bool) {
	var best Quota
	found := false
	for _, q := range qs {
		if !found || q.Percent > best.Percent {
			best, found = q, true
		}
	}
	return best, found
}

// quotaText is the status bar's quota line: the fullest mailbox, a warning
// from QuotaWarnPercent.
func quotaText(qs []Quota) (string, bool) {
	q, ok := fullest(qs)
	if !ok {
		return "", false
	}
	args := map[string]any{"Account": q.Account, "Percent": fmt.Sprintf("%.0f", q.Percent),
		"Used": megabytes(q.UsedBytes), "Limit": megabytes(q.LimitBytes)}
	if q.Warning() {
		return lang.L("status.quota_warning", args), true
	}
	return lang.L("status.quota", args), false
}

func megabytes(n int64) string {
	return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
}

// withQuota puts the quota on the right of the status line, refreshed as
// the engine reports changes.
func (u *UI) withQuota(status fyne.CanvasObject) fyne.CanvasObject {
	l := widget.NewLabel("")
	line := container.NewBorder(nil, nil, nil, l, status)
	update := func() {
		text, warn := quotaText(u.svc.Quotas())
		importance := widget.MediumImportance
		if warn {
			importance = widget.DangerImportance
		}
		if text == l.Text && importance == l.Importance {
			return
		}
		l.Importance = importance
		l.SetText(text)
		line.Refresh() // the label's width changed: lay the line out again
	}
	u.svc.Subscribe(func(e Event) {
		if e.Kind == EventChanged {
			doMain(update)
		}
	})
	update()
	return line
}
