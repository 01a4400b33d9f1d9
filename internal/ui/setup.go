package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thucongvu/internal/model"
)

// ServersToConfirm is the error Services.Discover returns, with what it
// found, when servers came from unauthenticated DNS (SRV, MX, guess) and
// lie outside the address's own domain: the wizard names them and where
// they came from, and goes on only when the user confirms (RFC 6186 §6).
type ServersToConfirm struct {
	Account model.Account
	Hosts   []string
	Source  string // srv, mx or guess
	Via     string // e.g. "MX mx.example.net of example.vn"
}

func (e *ServersToConfirm) Error() string {
	return "servers outside the address's domain to confirm: " + strings.Join(e.Hosts, ", ")
}

// Setup wizard steps.
const (
	stepEmail = iota
	stepServers
	stepPassword
	stepTest
	stepProfile
	stepSignature
	stepCount
)

// setupWizard walks through adding one mailbox: address → servers (preset
// or discovered) → password (to the keychain) → connection test → rule
// profile → signature. Adding the agency mailbox is one more pass.
type setupWizard struct {
	u      *UI
	win    fyne.Window
	step   int
	acct   model.Account
	inline bool // shown in the main window (first run) rather than its own window

	email    *widget.Entry
	shared   *widget.Check
	imapHost *widget.Entry
	imapPort *widget.Entry
	imapSec  *widget.Select
	smtpHost *widget.Entry
	smtpPort *widget.Entry
	smtpSec  *widget.Select
	username *widget.Entry
	password *widget.Entry
	verdict  *widget.Label
	vIcon    *widget.Icon
	testing  *widget.ProgressBarInfinite
	tested   bool
	profile  *widget.Select
	profiles []Profile
	sig      map[string]*widget.Entry
	found    *widget.Label
	// confirmed answers the open confirmation of foreign servers.
	confirmed func(bool)

	title *widget.Label
	intro *widget.Label
	body  *fyne.Container
	back  *widget.Button
	next  *widget.Button
}

// ShowSetup shows the setup wizard: in the main window on first run, else
// in a window of its own (adding another mailbox from the settings).
func (u *UI) ShowSetup(another bool) {
	w := u.win
	if another {
		w = u.app.NewWindow(lang.L("setup.title"))
		w.Resize(fitScreen(fyne.NewSize(760, 560)))
	}
	s := u.newSetupWizard(w, !another)
	w.SetContent(s.object())
	u.setup = s
	if another {
		w.Show()
	}
}

var securities = []model.Security{model.SecurityImplicit, model.SecuritySTARTTLS, model.SecurityNone}

// securityLabels are the TLS modes in words, in the order of securities.
func securityLabels() []string {
	return []string{lang.L("security.implicit"), lang.L("security.starttls"), lang.L("security.none")}
}

func selectSecurity(sel *widget.Select, s model.Security) {
	for i, x := range securities {
		if x == s {
			sel.SetSelectedIndex(i)
		}
	}
}

func selectedSecurity(sel *widget.Select) model.Security {
	if i := sel.SelectedIndex(); i >= 0 {
		return securities[i]
	}
	return model.SecurityImplicit
}

func (u *UI) newSetupWizard(w fyne.Window, inline bool) *setupWizard {
	s := &setupWizard{u: u, win: w, inline: inline, profiles: u.svc.Profiles(), sig: map[string]*widget.Entry{}}
	s.email = widget.NewEntry()
	s.email.SetPlaceHolder(lang.L("setup.email_placeholder"))
	s.shared = widget.NewCheck(lang.L("setup.shared"), nil)
	s.imapHost, s.smtpHost, s.username = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	s.imapPort, s.smtpPort = widget.NewEntry(), widget.NewEntry()
	s.imapSec, s.smtpSec = widget.NewSelect(securityLabels(), nil), widget.NewSelect(securityLabels(), nil)
	s.password = widget.NewPasswordEntry()
	s.verdict = widget.NewLabel("")
	s.verdict.Wrapping = fyne.TextWrapWord
	s.vIcon = widget.NewIcon(nil)
	s.testing = widget.NewProgressBarInfinite()
	s.testing.Stop()
	s.testing.Hide()
	s.found = widget.NewLabel("")
	s.found.Wrapping = fyne.TextWrapWord
	var names []string
	for _, p := range s.profiles {
		names = append(names, p.Name)
	}
	s.profile = widget.NewSelect(names, nil)
	for _, k := range []string{"name", "title", "agency", "address", "phone", "mobile", "fax", "website"} {
		s.sig[k] = widget.NewEntry()
	}
	s.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.title.SizeName = theme.SizeNameSubHeadingText
	s.intro = widget.NewLabel("")
	s.intro.Wrapping = fyne.TextWrapWord
	s.body = container.NewStack()
	s.back = widget.NewButtonWithIcon(lang.L("setup.back"), theme.NavigateBackIcon(), func() { s.goTo(s.step - 1) })
	s.next = widget.NewButtonWithIcon(lang.L("setup.next"), theme.NavigateNextIcon(), s.advance)
	s.next.IconPlacement = widget.ButtonIconTrailingText
	s.next.Importance = widget.HighImportance
	s.goTo(stepEmail)
	return s
}

func (s *setupWizard) object() fyne.CanvasObject {
	left := fyne.CanvasObject(s.back)
	if !s.inline { // adding another mailbox can be given up at any step
		cancel := widget.NewButtonWithIcon(lang.L("setup.cancel"), theme.CancelIcon(), s.win.Close)
		left = container.NewHBox(cancel, s.back)
	}
	nav := container.NewBorder(nil, nil, left, s.next)
	card := container.NewBorder(container.NewVBox(s.title, s.intro, widget.NewSeparator()), nav, nil, nil, s.body)
	brand := widget.NewLabelWithStyle(lang.L("app.title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	brand.SizeName = theme.SizeNameHeadingText
	sub := widget.NewLabelWithStyle(lang.L("setup.welcome"), fyne.TextAlignCenter, fyne.TextStyle{})
	return container.NewBorder(container.NewVBox(brand, sub), nil, nil, nil,
		container.NewCenter(container.NewGridWrap(fyne.NewSize(680*scaleOf(), 440*scaleOf()), card)))
}

// goTo shows step i.
func (s *setupWizard) goTo(i int) {
	i = max(0, min(i, stepCount-1))
	s.step = i
	keys := []string{"setup.step_email", "setup.step_servers", "setup.step_password", "setup.step_test", "setup.step_profile", "setup.step_signature"}
	s.title.SetText(lang.L("setup.step", map[string]any{"N": i + 1, "Total": stepCount}) + " · " + lang.L(keys[i]))
	s.intro.SetText(lang.L(keys[i] + "_intro"))
	var body fyne.CanvasObject
	switch i {
	case stepEmail:
		body = container.NewVBox(widget.NewForm(widget.NewFormItem(lang.L("setup.email"), s.email)), s.shared)
	case stepServers:
		port := func(e *widget.Entry, sec *widget.Select) fyne.CanvasObject {
			return container.NewGridWithColumns(2, e, sec)
		}
		body = container.NewVBox(s.found, widget.NewForm(
			widget.NewFormItem(lang.L("setup.imap"), s.imapHost), widget.NewFormItem(lang.L("setup.port_security"), port(s.imapPort, s.imapSec)),
			widget.NewFormItem(lang.L("setup.smtp"), s.smtpHost), widget.NewFormItem(lang.L("setup.port_security"), port(s.smtpPort, s.smtpSec)),
			widget.NewFormItem(lang.L("setup.username"), s.username)))
	case stepPassword:
		body = container.NewVBox(widget.NewForm(widget.NewFormItem(lang.L("setup.password"), s.password)), hint("setup.password_hint"))
	case stepTest:
		body = container.NewVBox(s.testing, container.NewBorder(nil, nil, s.vIcon, nil, s.verdict))
	case stepProfile:
		body = container.NewVBox(widget.NewForm(widget.NewFormItem(lang.L("setup.profile"), s.profile)))
	case stepSignature:
		form := widget.NewForm()
		for _, k := range []string{"name", "title", "agency", "address", "phone", "mobile", "fax", "website"} {
			form.Append(lang.L("sig."+k), s.sig[k])
		}
		body = container.NewVScroll(form)
	}
	s.body.Objects = []fyne.CanvasObject{body}
	s.body.Refresh()
	if i == stepEmail {
		s.back.Disable()
	} else {
		s.back.Enable()
	}
	s.next.SetText(lang.L("setup.next"))
	if i == stepSignature {
		s.next.SetText(lang.L("setup.finish"))
	}
	s.next.Enable()
	if i == stepTest && !s.tested {
		s.next.Disable()
		s.runTest() // last: its verdict may come back at once
	}
}

// advance validates the current step and moves on.
func (s *setupWizard) advance() {
	switch s.step {
	case stepEmail:
		// Discovery asks DNS and web servers: off the UI goroutine.
		email, shared := strings.TrimSpace(s.email.Text), s.shared.Checked
		s.next.Disable()
		s.u.goBG(func() {
			a, err := s.u.svc.Discover(context.Background(), email)
			doMain(func() {
				s.next.Enable()
				var foreign *ServersToConfirm
				if errors.As(err, &foreign) {
					s.confirmServers(foreign, shared)
					return
				}
				if err != nil {
					s.u.showErrorIn(s.win, err)
					return
				}
				if s.step != stepEmail {
					return
				}
				a.Shared = shared
				s.fill(a)
				s.goTo(stepServers)
			})
		})
		return
	case stepServers:
		s.collect()
	case stepPassword:
		s.tested = false
	case stepSignature:
		s.finish()
		return
	}
	s.goTo(s.step + 1)
}

// confirmServers asks before any password goes to a server outside the
// address's domain, naming the hosts and where they came from.
func (s *setupWizard) confirmServers(c *ServersToConfirm, shared bool) {
	from := c.Via
	if from == "" {
		from = c.Source
	}
	msg := lang.L("setup.confirm_servers", map[string]any{"Hosts": strings.Join(c.Hosts, ", "), "Source": from})
	s.confirmed = func(ok bool) {
		s.confirmed = nil
		if !ok || s.step != stepEmail {
			return
		}
		a := c.Account
		a.Shared = shared
		s.fill(a)
		s.found.SetText(msg)
		s.goTo(stepServers)
	}
	d := dialog.NewConfirm(lang.L("setup.confirm_title"), msg, func(ok bool) {
		if s.confirmed != nil {
			s.confirmed(ok)
		}
	}, s.win)
	d.SetConfirmText(lang.L("setup.confirm_accept"))
	d.SetDismissText(lang.L("setup.confirm_refuse"))
	d.Show()
}

// fill shows discovered servers for editing.
func (s *setupWizard) fill(a model.Account) {
	s.acct = a
	s.imapHost.SetText(a.IMAP.Host)
	s.imapPort.SetText(strconv.Itoa(a.IMAP.Port))
	selectSecurity(s.imapSec, a.IMAP.Security)
	s.smtpHost.SetText(a.SMTP.Host)
	s.smtpPort.SetText(strconv.Itoa(a.SMTP.Port))
	selectSecurity(s.smtpSec, a.SMTP.Security)
	s.username.SetText(a.Username)
	for i, p := range s.profiles {
		if p.ID == a.Profile {
			s.profile.SetSelectedIndex(i)
			s.found.SetText(lang.L("setup.preset_found", map[string]any{"Name": p.Name}))
		}
	}
	if a.Profile == "" || a.Profile == "generic" {
		s.found.SetText(lang.L("setup.preset_none"))
	}
}

func (s *setupWizard) collect() {
	s.acct.IMAP.Host = strings.TrimSpace(s.imapHost.Text)
	s.acct.IMAP.Port, _ = strconv.Atoi(strings.TrimSpace(s.imapPort.Text))
	s.acct.IMAP.Security = selectedSecurity(s.imapSec)
	s.acct.SMTP.Host = strings.TrimSpace(s.smtpHost.Text)
	s.acct.SMTP.Port, _ = strconv.Atoi(strings.TrimSpace(s.smtpPort.Text))
	s.acct.SMTP.Security = selectedSecurity(s.smtpSec)
	s.acct.Username = strings.TrimSpace(s.username.Text)
}

// runTest logs in with the password and says plainly what happened.
func (s *setupWizard) runTest() {
	s.testing.Show()
	s.testing.Start()
	s.verdict.SetText(lang.L("setup.testing", map[string]any{"Host": s.acct.IMAP.Host}))
	s.vIcon.SetResource(theme.ViewRefreshIcon())
	a, pw := s.acct, s.password.Text
	s.u.goBG(func() {
		err := s.u.svc.TestConnection(context.Background(), a, pw)
		doMain(func() { s.showVerdict(err) })
	})
}

func (s *setupWizard) showVerdict(err error) {
	s.testing.Stop()
	s.testing.Hide()
	if err != nil {
		s.vIcon.SetResource(theme.ErrorIcon())
		s.verdict.SetText(lang.L("setup.test_failed") + "\n" + humanError(err))
		s.next.Disable()
		return
	}
	s.tested = true
	s.vIcon.SetResource(theme.ConfirmIcon())
	s.verdict.SetText(lang.L("setup.test_ok", map[string]any{"IMAP": fmt.Sprintf("%s:%d", s.acct.IMAP.Host, s.acct.IMAP.Port),
		"SMTP": fmt.Sprintf("%s:%d", s.acct.SMTP.Host, s.acct.SMTP.Port)}))
	if s.step == stepTest {
		s.next.Enable()
	}
}

// finish saves the account (password to the keychain, R6) and its signature.
func (s *setupWizard) finish() {
	if i := s.profile.SelectedIndex(); i >= 0 {
		s.acct.Profile = s.profiles[i].ID
	}
	g := func(k string) string { return strings.TrimSpace(s.sig[k].Text) }
	s.acct.Signature = model.Signature{Name: g("name"), Title: g("title"), Agency: g("agency"), Address: g("address"),
		Phone: g("phone"), Mobile: g("mobile"), Email: s.acct.Email, Fax: g("fax"), Website: g("website")}
	a, pw := s.acct, s.password.Text
	s.next.Disable()
	// The login is checked again before saving: off the UI goroutine.
	s.u.goBG(func() {
		err := s.u.svc.AddAccount(a, pw)
		doMain(func() {
			s.next.Enable()
			if err != nil {
				s.u.showErrorIn(s.win, err)
				return
			}
			s.password.SetText("")
			if s.inline {
				s.u.account, s.u.folder = a.Name, "INBOX"
				s.u.showMain()
			} else {
				s.win.Close()
				s.u.accountsChanged()
			}
		})
	})
}
