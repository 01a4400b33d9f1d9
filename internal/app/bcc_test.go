package app

import (
	"testing"

	"thucongvu/internal/ui"
)

// TestPreflightSeesBcc: the compose window's preflight finds foreign
// webmail in Bcc, which the built mail does not name (R7).
func TestPreflightSeesBcc(t *testing.T) {
	s := newServices(t)
	found := false
	for _, f := range s.Preflight(ui.Draft{Account: "vanthu", To: []string{"ducdv@longan.gov.vn"}, Bcc: []string{"an.bcc@gmail.com"},
		Subject: "Báo cáo", Body: "x"}) {
		found = found || f.Code == "foreign_webmail" && f.Target == "an.bcc@gmail.com"
	}
	if !found {
		t.Error("no foreign webmail finding for the Bcc recipient")
	}
}
