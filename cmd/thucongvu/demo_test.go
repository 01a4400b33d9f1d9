package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"thucongvu/internal/app"
	"thucongvu/internal/mail"
	"thucongvu/internal/secret"
	"thucongvu/internal/ui"
)

// The client on the demo server, end to end: the personal mailbox sends a
// document to the agency mailbox through the UI's services; the agency
// side acknowledges it on "check mail"; the acknowledgement comes back.
func TestDemoSendAndAcknowledge(t *testing.T) {
	ctx := context.Background()
	w, err := startDemo(ctx, secret.NewMemory())
	if err != nil {
		t.Fatal(err)
	}
	defer w.cleanup()
	svc := app.New(w.engine, w.home)
	defer svc.Close()
	fa := test.NewTempApp(t)
	win := fa.NewWindow("Thư Công Vụ")
	ui.New(fa, win, svc)

	var personal, agency string
	for _, a := range svc.Accounts() {
		if a.Shared {
			agency = a.Email
		} else {
			personal = a.Name
		}
	}
	pdf := filepath.Join(t.TempDir(), "Giấy mời họp.pdf")
	os.WriteFile(pdf, []byte("%PDF-1.4\n% giấy mời\n"), 0o600)
	if err := svc.Send(ctx, ui.Draft{Account: personal, To: []string{agency}, Subject: "Giấy mời họp rà soát hồ sơ",
		Body: "Kính gửi Sở.\nTrân trọng mời dự họp.", Attachments: []string{pdf}}); err != nil {
		t.Fatal(err)
	}
	var m *mail.Message
	for _, d := range w.srv.Delivered() {
		if pm, err := mail.Parse(d.Data); err == nil && pm.Subject == "Giấy mời họp rà soát hồ sơ" {
			m = pm
		}
	}
	if m == nil {
		t.Fatalf("not delivered to the agency mailbox: %d deliveries", len(w.srv.Delivered()))
	}
	if !strings.Contains(m.Text, "Nguyễn Thị Thanh Hà") || len(m.Attachments) != 1 || m.Attachments[0].Filename != "Giấy mời họp.pdf" {
		t.Fatalf("delivered mail: %+v", m)
	}
	// "Check mail": the agency account syncs and acknowledges the document.
	if err := svc.CheckNow(ctx, nil); err != nil {
		t.Fatal(err)
	}
	acked := false
	for _, d := range w.srv.Delivered() {
		if pm, err := mail.Parse(d.Data); err == nil && mail.IsAcknowledgementSubject(pm.Subject) &&
			strings.Contains(pm.Subject, "Giấy mời họp rà soát hồ sơ") {
			acked = true
		}
	}
	if !acked {
		t.Fatal("the agency mailbox did not acknowledge the document")
	}
}
