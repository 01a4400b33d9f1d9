package main

import (
	"context"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"thucongvu/internal/app"
	"thucongvu/internal/config"
	"thucongvu/internal/engine"
	"thucongvu/internal/remind"
	"thucongvu/internal/secret"
	"thucongvu/internal/ui"
)

// cmdGUI opens the main window on the user's accounts; with none, the
// setup wizard opens first.
func cmdGUI(c *cli, args []string) error {
	if err := checkOpenGL(); err != nil {
		return err
	}
	if len(args) > 0 {
		return usageErr("thucongvu (no arguments)")
	}
	e, err := engine.Open(c.home, secret.NewKeyring())
	if err != nil {
		return err
	}
	defer e.Close()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	svc := app.New(e, c.home)
	defer svc.Close()
	// The duties follow the accounts: one added by the setup wizard syncs,
	// acknowledges and reminds at once, a removed one stops.
	svc.Run(ctx)
	// A policy agency IT changes meanwhile applies without a restart.
	go svc.WatchPolicy(ctx, app.PolicyCheck, config.LoadPolicy)
	a := newFyneApp()
	w := a.NewWindow("Thư Công Vụ")
	w.Resize(ui.WindowSize)
	u := ui.New(a, w, svc)
	_, closeNotifier := startReminders(ctx, u, svc)
	defer closeNotifier()
	if exe, err := os.Executable(); err == nil {
		app.EnsureAutostart(exe)
	}
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	return nil
}

// startReminders shows notifications in the window and through the OS
// notifier (a WinRT toast on Windows, D-Bus on Linux) and adds the
// check-time reminders (R1) to the duties svc runs until ctx ends.
// The caller runs the returned close before the process exits.
func startReminders(ctx context.Context, u *ui.UI, svc *app.Services) (*ui.WindowNotifier, func()) {
	appName := "Thư Công Vụ"
	if runtime.GOOS == "windows" {
		appName = "vn.gov.thucongvu" // the AppUserModelID of the MSI's Start-menu shortcut
	}
	desktop := remind.NewDesktop(appName, "")
	notifier := u.NewWindowNotifier(desktop.Notify)
	u.SetNotifier(notifier.Notify)
	svc.StartReminders(notifier, remind.SystemClock{})
	return notifier, desktop.Close
}

// newFyneApp creates the application. Every window update from background
// work goes through fyne.Do (internal/ui/background.go), so the app says
// it follows Fyne's threading model and Fyne neither warns at start nor
// re-routes calls behind its back.
func newFyneApp() fyne.App {
	fyneapp.SetMetadata(fyne.AppMetadata{
		ID:         "vn.gov.thucongvu",
		Name:       "Thư Công Vụ",
		Version:    version,
		Migrations: map[string]bool{"fyneDo": true},
	})
	return fyneapp.NewWithID("vn.gov.thucongvu")
}
