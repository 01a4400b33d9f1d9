package ui

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// WindowSize is the main window's first size: a 1366×768 screen at 125 %
// scaling leaves 1093×614 logical pixels.
var WindowSize = fyne.NewSize(1093, 614)

// SnapshotSize is the window size of the snapshots.
var SnapshotSize = WindowSize

// RenderSnapshots renders the main screens — setup, inbox, reader, compose
// with preflight findings, settings — in Vietnamese and English to PNG files
// in dir (e.g. inbox-vi.png), with Fyne's software renderer: no display is
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
	light := theme.VariantLight
	var files []string
	save := func(name string, w fyne.Window) error {
		w.Resize(SnapshotSize)
		img := w.Canvas().Capture()
		path := filepath.Join(dir, name)
		if err := writePNG(path, img); err != nil {
			return fmt.Errorf("snapshot %s: %w", name, err)
		}
		files = append(files, path)
		return nil
	}
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
		win := test.NewWindow(nil)
		win.Resize(SnapshotSize)
		u := New(a, win, svc)
		a.Settings().SetTheme(newAppTheme(s.TextScale, &light))
		u.showMain()
		win.Resize(SnapshotSize)

		// setup: the servers step after the address was recognised
		sw := test.NewWindow(nil)
		wiz := u.newSetupWizard(sw, true)
		sw.SetContent(wiz.object())
		wiz.email.SetText(demoEmail)
		wiz.advance()
		u.bg.Wait()
		if err := save("setup-"+code+".png", sw); err != nil {
			return files, err
		}
		sw.Close()

		if err := save("inbox-"+code+".png", win); err != nil {
			return files, err
		}

		// reader: the weekly schedule, in its mailbox
		if msgs, err := svc.Search("lịch công tác tuần ban giám đốc", 1); err == nil && len(msgs) > 0 {
			u.OpenFolder(msgs[0].Account, msgs[0].Folder)
			u.folders.Select(folderID(msgs[0].Account, msgs[0].Folder))
			for i := 0; i < u.model.Len(); i++ {
				if m, ok := u.model.Row(i); ok && m.ID == msgs[0].ID {
					u.list.Select(i)
				}
			}
			u.bg.Wait() // the reader updates once the message is opened
		}
		if err := save("reader-"+code+".png", win); err != nil {
			return files, err
		}
		if err := snapshotSignatures(u, win, save, code); err != nil {
			return files, err
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
		if err := save("compose-"+code+".png", u.composeWn); err != nil {
			return files, err
		}
		u.composeWn.Close()

		sv := test.NewWindow(nil)
		v := u.newSettingsView(sv)
		sv.SetContent(v.object())
		if err := save("settings-"+code+".png", sv); err != nil {
			return files, err
		}
		sv.Close()
		win.Close()
	}
	return files, nil
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
