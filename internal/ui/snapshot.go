package ui

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"thucongvu/internal/model"
)

// WindowSize is the main window's first size: a 1366×768 screen at 125 %
// scaling leaves 1093×614 logical pixels.
var WindowSize = fyne.NewSize(1093, 614)

// SnapshotScreens are the screen sizes the snapshots render at: a
// 1366×768 screen at 100 % and at 125 % scaling (WindowSize).
var SnapshotScreens = []struct {
	Name  string
	Size  fyne.Size
	Scale float32 // text size
}{
	{"100", fyne.NewSize(1366, 728), 1}, // 1366×768 less the task bar
	{"125", WindowSize, 1},
	{"text130", fyne.NewSize(1366, 728), 1.3}, // the largest text offered but one
}

// RenderSnapshots renders the main screens — setup, inbox with its
// acknowledgement column, reader, Sent with "n/m đã nhận" and the re-send
// confirmation, compose with preflight findings and its close prompt,
// settings with the acknowledgement text and an account being edited — in
// Vietnamese and English at each SnapshotScreens size to PNG files in dir
// (e.g. inbox-vi-125.png), with Fyne's software renderer: no display is
// needed. newServices gives fresh demo data for each language. It returns
// the files written.
func RenderSnapshots(dir string, newServices func() (Services, error)) ([]string, error) {
	// The test driver treats the main goroutine as Fyne's own thread.
	type result struct {
		files []string
		err   error
	}
	done := make(chan result, 1)
	go func() {
		f, err := renderSnapshots(dir, newServices)
		done <- result{f, err}
	}()
	r := <-done
	return r.files, r.err
}

func renderSnapshots(dir string, newServices func() (Services, error)) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("snapshots: %w", err)
	}
	a := test.NewApp()
	defer a.Quit()
	QueueUpdates()
	every := autosaveEvery
	autosaveEvery = time.Hour // snapshots draw on one goroutine only
	defer func() { autosaveEvery = every }()
	var files []string
	for _, code := range []string{"vi", "en"} {
		svc, err := newServices()
		if err != nil {
			return files, fmt.Errorf("snapshots: %w", err)
		}
		s := svc.Settings()
		s.Language = code
		if err := svc.SaveSettings(s); err != nil {
			return files, fmt.Errorf("snapshots: %w", err)
		}
		for _, screen := range SnapshotScreens {
			f, err := renderScreens(a, dir, code, screen.Name, screen.Size, screen.Scale, svc)
			files = append(files, f...)
			if err != nil {
				return files, err
			}
		}
	}
	return files, nil
}

// renderScreens renders every screen of one language at one size.
func renderScreens(a fyne.App, dir, code, sizeName string, size fyne.Size, scale float32, svc Services) ([]string, error) {
	light := theme.VariantLight
	var files []string
	save := func(name string, w fyne.Window) error {
		w.Resize(size)
		img := w.Canvas().Capture()
		path := filepath.Join(dir, name+"-"+code+"-"+sizeName+".png")
		if err := writePNG(path, img); err != nil {
			return fmt.Errorf("snapshot %s: %w", name, err)
		}
		files = append(files, path)
		return nil
	}
	win := test.NewWindow(nil)
	defer win.Close()
	win.Resize(size)
	u := New(a, win, svc)
	u.bg.Wait() // the signature pass settles: the test driver draws in the caller's goroutine
	a.Settings().SetTheme(newAppTheme(scale, &light))
	u.showMain()
	win.Resize(size)

	// setup: the servers step after the address was recognised
	sw := test.NewWindow(nil)
	wiz := u.newSetupWizard(sw, false)
	sw.SetContent(wiz.object())
	wiz.email.SetText(demoEmail)
	wiz.advance()
	u.bg.Wait()
	if err := save("setup", sw); err != nil {
		return files, err
	}
	sw.Close()

	if err := save("inbox", win); err != nil {
		return files, err
	}

	// reader: the weekly schedule, in its mailbox
	if msgs, err := svc.Search("lịch công tác tuần ban giám đốc", 1); err == nil && len(msgs) > 0 {
		u.OpenFolder(msgs[0].Account, msgs[0].Folder)
		u.folders.Select(folderID(msgs[0].Account, msgs[0].Folder))
		selectRow(u, msgs[0].ID)
	}
	if err := save("reader", win); err != nil {
		return files, err
	}
	if err := snapshotSignatures(u, win, save); err != nil {
		return files, err
	}

	// Sent: recipients, "n/m đã nhận", and the re-send confirmation
	for _, acct := range svc.Accounts() {
		fs, _ := svc.Folders(acct.Name)
		for _, f := range fs {
			if f.Role == model.RoleSent && f.Total > 0 {
				u.OpenFolder(acct.Name, f.Name)
				u.folders.Select(folderID(acct.Name, f.Name))
			}
		}
	}
	if u.model.Len() > 0 {
		u.list.Select(0)
		u.bg.Wait()
	}
	if err := save("sent", win); err != nil {
		return files, err
	}
	if u.reader.resend.Visible() {
		u.reader.confirmResend()
		if err := save("resend", win); err != nil {
			return files, err
		}
		u.reader.resendPrompt.Hide()
	}

	// compose: a reply with findings (secret marking, foreign webmail, .docx)
	attachment := filepath.Join(dir, ".BaoCao_ANM_QuyII.docx")
	if err := os.WriteFile(attachment, []byte("PK\x03\x04 báo cáo"), 0o600); err != nil {
		return files, err
	}
	defer os.Remove(attachment)
	account := "ca-nhan"
	if accts := u.svc.Accounts(); len(accts) > 0 {
		account = accts[len(accts)-1].Name
	}
	u.NewCompose(Draft{Account: account, To: []string{"ttbngoc.stttt@longan.gov.vn", "canbo.longan@gmail.com"},
		Subject: "[MẬT] Báo cáo tình hình an ninh mạng quý II/2025",
		Body:    demoBody(code), Attachments: []string{attachment}})
	cw, c := u.composeWn, u.compose
	if err := save("compose", cw); err != nil {
		return files, err
	}
	// the close prompt, over a mail with unsaved text
	c.saved = Draft{}
	c.Close()
	if err := save("compose-close", cw); err != nil {
		return files, err
	}
	c.prompt.Hide()
	c.closed = true
	cw.Close()
	pdfDir, err := os.MkdirTemp("", "thucongvu-snapshot-")
	if err != nil {
		return files, err
	}
	defer os.RemoveAll(pdfDir)
	pdf := filepath.Join(pdfDir, "2157-STTTT-VP.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.7\n"), 0o600); err != nil {
		return files, err
	}
	if err := snapshotSignDialog(u, account, pdf, save); err != nil {
		return files, err
	}

	if err := u.agencySnapshots(save); err != nil {
		return files, err
	}

	sv := test.NewWindow(nil)
	v := u.newSettingsView(sv)
	sv.SetContent(v.object())
	if err := save("settings", sv); err != nil {
		return files, err
	}
	v.tabs.SelectIndex(2)
	if err := save("settings-ack", sv); err != nil {
		return files, err
	}
	v.tabs.SelectIndex(3)
	if accts := svc.Accounts(); len(accts) > 0 && u.ws() != nil {
		v.editAccount(accts[0])
	}
	if err := save("settings-account", sv); err != nil {
		return files, err
	}
	sv.SetContent(u.newSettingsView(sv).object())
	if accts := svc.Accounts(); len(accts) > 0 {
		u.editSignature(sv, accts[0], func(model.Signature) {})
	}
	if err := save("settings-signature", sv); err != nil {
		return files, err
	}
	sv.Close()
	return files, nil
}

// selectRow selects message id in the list and waits for the reader.
func selectRow(u *UI, id int64) {
	for i := 0; i < u.model.Len(); i++ {
		if m, ok := u.model.Row(i); ok && m.ID == id {
			u.list.Select(i)
		}
	}
	u.bg.Wait() // the reader updates once the message is opened
}

// demoEmail is the address typed into the setup snapshot: a Long An
// officer, whose servers come from the R11 preset.
const demoEmail = "nvan.stttt@longan.gov.vn"

func demoBody(code string) string {
	if code == "en" {
		return "Dear Ms Ngọc,\n\nPlease find attached the network security report for the second quarter.\n\nBest regards."
	}
	return "Kính gửi chị Ngọc,\n\nPhòng CNTT gửi báo cáo tình hình an ninh mạng quý II/2025 (đính kèm).\n\nTrân trọng."
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
