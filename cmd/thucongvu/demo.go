package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"fyne.io/fyne/v2"

	"thucongvu/internal/app"
	"thucongvu/internal/config"
	"thucongvu/internal/demo"
	"thucongvu/internal/engine"
	"thucongvu/internal/model"
	"thucongvu/internal/secret"
	"thucongvu/internal/store"
	"thucongvu/internal/ui"
)

// demoWorld is the embedded demo server with an engine synced against it.
type demoWorld struct {
	srv     *demo.Server
	engine  *engine.Engine
	home    string
	cleanup func()
}

// demoSecrets is the real keychain when it answers, else an in-memory
// store labelled "demo".
func demoSecrets() secret.Store {
	k := &secret.Keyring{Timeout: 3 * time.Second}
	if err := k.Set("thucongvu-demo-probe", "x"); err == nil {
		k.Delete("thucongvu-demo-probe")
		return k
	}
	return secret.NewMemory()
}

// startDemo starts the demo server and an engine in a fresh state folder,
// adds the personal and the agency mailbox, and syncs them with bodies.
func startDemo(ctx context.Context, secrets secret.Store) (*demoWorld, error) {
	srv, err := demo.Start(ctx, demo.Options{})
	if err != nil {
		return nil, fmt.Errorf("start the demo server: %w", err)
	}
	home, err := os.MkdirTemp("", "thucongvu-demo-")
	if err != nil {
		srv.Close()
		return nil, err
	}
	// The demo's accounts are not the agency's: machine policy stays out,
	// but for a department list to forward documents to (R8).
	e, err := engine.OpenWithPolicy(home, secrets, &config.Policy{Departments: []model.Address{
		{Name: "Phòng Bưu chính Viễn thông", Address: "bcvt@hanam.gov.vn"},
		{Name: "Phòng Công nghệ thông tin", Address: "cntt@hanam.gov.vn"},
		{Name: "Văn phòng Sở", Address: "vanphong@hanam.gov.vn"}}})
	if err != nil {
		srv.Close()
		os.RemoveAll(home)
		return nil, err
	}
	w := &demoWorld{srv: srv, engine: e, home: home}
	w.cleanup = func() {
		for _, a := range e.Config.Accounts {
			e.RemoveAccount(context.Background(), a.Name)
		}
		e.Close()
		srv.Close()
		os.RemoveAll(home)
	}
	imapHost, imapPort := splitHostPort(srv.IMAPAddr)
	smtpHost, smtpPort := splitHostPort(srv.SMTPAddr)
	var accounts []model.Account
	for _, da := range srv.Accounts {
		a := model.Account{
			Name: da.Name, Email: da.Email, Username: da.Username, Profile: "hanam", Shared: da.Shared,
			IMAP:  model.Server{Host: imapHost, Port: imapPort, Security: model.SecurityNone},
			SMTP:  model.Server{Host: smtpHost, Port: smtpPort, Security: model.SecurityNone},
			Added: time.Now().UTC(),
			Signature: model.Signature{Name: da.Display, Title: da.Title, Agency: da.Agency, Address: da.Address,
				Phone: da.Phone, Mobile: da.Mobile, Email: da.Email, Fax: da.Fax, Website: da.Website},
		}
		if err := e.AddAccount(ctx, a, da.Password); err != nil {
			w.cleanup()
			return nil, err
		}
		accounts = append(accounts, a)
	}
	if _, err := e.SyncOnce(ctx, accounts, true); err != nil {
		w.cleanup()
		return nil, err
	}
	return w, nil
}

func splitHostPort(addr string) (string, int) {
	h, p, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(p)
	return h, n
}

func cmdDemo(c *cli, args []string) error {
	if err := checkOpenGL(); err != nil {
		return err
	}
	fs := newFlags("demo")
	headless := fs.Bool("headless", false, "print the synced inbox instead of opening the window")
	sample := fs.Bool("notify", false, "show a sample notification once the window is open")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	secrets := demoSecrets()
	w, err := startDemo(ctx, secrets)
	if err != nil {
		return err
	}
	defer w.cleanup()
	fmt.Fprintf(c.stderr, "demo: IMAP %s, SMTP %s, passwords in the %s\n", w.srv.IMAPAddr, w.srv.SMTPAddr, secrets.Label())
	if *headless || (os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" && !isWindows()) {
		return printInboxes(c, w.engine)
	}
	svc := app.New(w.engine, w.home)
	defer svc.Close()
	svc.Run(ctx)
	a := newFyneApp()
	win := a.NewWindow("Thư Công Vụ — demo")
	win.Resize(ui.WindowSize)
	u := ui.New(a, win, svc)
	notifier, closeNotifier := startReminders(ctx, u, svc)
	defer closeNotifier()
	if *sample {
		a.Lifecycle().SetOnStarted(func() { go notifier.NotifySample() })
	}
	go deliverArrivals(ctx, w, svc, demoArrivalDelay)
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()
	win.ShowAndRun()
	return nil
}

// demoArrivalDelay is how long after the window opens new documents
// arrive in the demo.
const demoArrivalDelay = 25 * time.Second

// deliverArrivals delivers the demo's new documents after delay and has
// the client check at once, so the user watches them arrive and get
// acknowledged (R2): the seed mail predates the accounts and is never
// acknowledged by itself.
func deliverArrivals(ctx context.Context, w *demoWorld, svc *app.Services, delay time.Duration) {
	select {
	case <-ctx.Done():
		return
	case <-time.After(delay):
	}
	if _, err := w.srv.DeliverArrivals(time.Now()); err != nil {
		fyne.LogError("demo arrivals", err)
		return
	}
	if err := svc.CheckNow(ctx, nil); err != nil {
		fyne.LogError("demo check", err)
	}
}

// printInboxes is the headless demo: every account's folders and newest mail.
func printInboxes(c *cli, e *engine.Engine) error {
	ctx := context.Background()
	for _, a := range e.Config.Accounts {
		kind := "hộp thư cá nhân"
		if a.Shared {
			kind = "hộp thư cơ quan"
		}
		fmt.Fprintf(c.stdout, "\n== %s <%s> (%s)\n", a.Signature.Name, a.Email, kind)
		folders, err := e.Store.Folders(ctx, a.Name)
		if err != nil {
			return err
		}
		for _, f := range folders {
			fmt.Fprintf(c.stdout, "   %-10s %3d thư, %d chưa đọc\n", f.Name, f.Total, f.Unread)
		}
		list, err := e.Store.Messages(ctx, a.Name, "INBOX", store.SortDate, true, 0, 40)
		if err != nil {
			return err
		}
		for _, m := range list {
			marks := ""
			if !m.Seen {
				marks += "●"
			}
			if m.Document {
				marks += "📄"
			}
			fmt.Fprintf(c.stdout, "   %-3s %s  %-28.28s  %s\n", marks, m.Date.Local().Format("02/01 15:04"), m.From.Name, m.Subject)
		}
	}
	return nil
}

func isWindows() bool { return os.PathSeparator == '\\' }
