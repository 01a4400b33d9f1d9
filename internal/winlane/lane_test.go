//go:build linux

package winlane

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"thucongvu/internal/testsrv"
	"thucongvu/internal/vntext"
	"thucongvu/packaging"
)

const (
	repoRoot   = "../.."
	builtExe   = repoRoot + "/bin/windows/thucongvu.exe" // `make windows`
	installDir = `C:\Program Files\Thu Cong Vu`
	installed  = installDir + `\thucongvu.exe`
	policyKey  = `HKLM\Software\Policies\ThuCongVu`
	runKey     = `HKLM\Software\Microsoft\Windows\CurrentVersion\Run`
	psMark     = `C:\powershell-ran.txt`

	user     = "vanthu@hanam.gov.vn"
	password = "Vt#2026-khoá-Wine"
	peer     = "ducdv@longan.gov.vn"
	peerPass = "La#2026-efgh"
)

// unitTests are the Windows-specific tests the lane runs under Wine, by package.
var unitTests = map[string][]string{
	"./internal/config":  {"TestLoadPolicyFromRegistry", "TestLoadPolicyWithoutKey"},
	"./internal/secret":  {"TestCredentialManager"},
	"./internal/pdfconv": {"TestFindOfficeOnWindows", "TestConvertImageAndTextOnWindows"},
	"./internal/remind":  {"TestToastNeverRunsPowerShell", "TestToastXML"},
	"./internal/ui":      {"TestToastFailureUnderWine"},
	"./cmd/thucongvu":    {"TestProbeGLVersion", "TestHomeDirOnWindows", "TestGLVersionOK"},
}

// TestWindowsLane runs the Windows build under Wine, step by step: each
// step needs the one before (the MSI installs what the exe steps run).
func TestWindowsLane(t *testing.T) {
	w := startWine(t)
	t.Run("UnitTests", func(t *testing.T) { runUnitTests(t, w) })

	exe := needExe(t)
	msis := buildMSIs(t, exe, "0.0.1", "0.0.2", "0.0.3")
	d := testsrv.StartDovecot(t, testsrv.DovecotOptions{Users: map[string]string{user: password, peer: peerPass}})
	p := testsrv.StartPostfix(t, d)

	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"Install", func(t *testing.T) { install(t, w, msis[0]) }},
		{"DemoIgnoresPolicyAndPaints", func(t *testing.T) { demoWindow(t, w) }},
		{"OpenGLTooOld", func(t *testing.T) { openGLTooOld(t, w) }},
		{"UpgradeKeepsPolicy", func(t *testing.T) { upgradeWithServers(t, w, msis[1], d, p) }},
		{"InstalledExe", func(t *testing.T) { installedExe(t, w, d, p) }},
		{"UpgradeKeepsUserData", func(t *testing.T) { upgradeKeepsData(t, w, msis[2]) }},
		{"Uninstall", func(t *testing.T) { uninstall(t, w, msis[2]) }},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.run) {
			t.Fatalf("step %s failed; the later steps need it", s.name)
		}
	}
	if b, err := os.ReadFile(w.path(psMark)); err == nil {
		t.Fatalf("something ran PowerShell: %s", b)
	}
}

// needExe is the exe `make windows` built; `make test` builds it first.
func needExe(t *testing.T) string {
	t.Helper()
	exe, err := filepath.Abs(builtExe)
	if err != nil {
		t.Fatal(err)
	}
	testsrv.Need(t, exe)
	return exe
}

// runUnitTests cross-compiles the Windows tests and runs them under Wine
// (go test -exec wine64), checking that every one of them ran and passed.
func runUnitTests(t *testing.T, w *wine) {
	var pkgs, names []string
	for pkg, tests := range unitTests {
		pkgs = append(pkgs, pkg)
		names = append(names, tests...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	args := append([]string{"test", "-count=1", "-v", "-exec", wineBin, "-run", "^(" + strings.Join(names, "|") + ")$"}, pkgs...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = repoRoot
	cmd.Env = append(w.env, "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=1", "CC="+mingwCC)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test under Wine: %v\n%s", err, out)
	}
	for _, n := range names {
		if !bytes.Contains(out, []byte("--- PASS: "+n+" ")) {
			t.Errorf("%s did not pass under Wine (skipped or missing):\n%s", n, out)
		}
	}
}

// buildMSIs builds one MSI of exe per version (wixl), oldest first.
func buildMSIs(t *testing.T, exe string, versions ...string) []string {
	t.Helper()
	testsrv.Need(t, "wixl", "msibuild")
	dir := t.TempDir()
	var out []string
	for _, v := range versions {
		msi := filepath.Join(dir, "thucongvu-"+v+".msi")
		err := packaging.BuildMSI(context.Background(), packaging.MSIOptions{
			WXS: repoRoot + "/packaging/windows/thucongvu.wxs", Exe: exe, Icon: repoRoot + "/assets/icon.ico",
			Version: v, Out: msi})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, msi)
	}
	return out
}

// msiexec runs a silent msiexec with a log, and fails with the log's end.
func msiexec(t *testing.T, w *wine, args ...string) {
	t.Helper()
	logf := filepath.Join(t.TempDir(), "msi.log")
	r := w.run(t, "", nil, "msiexec", append(args, "/qn", "/l*v", winPath(logf))...)
	w.waitIdle(t)
	if r.code != 0 {
		b, _ := os.ReadFile(logf)
		if len(b) > 4000 {
			b = b[len(b)-4000:]
		}
		t.Fatalf("msiexec %v: %s\nlog: %s", args, r, decodeLog(b))
	}
}

// decodeLog turns an msiexec log (UTF-16 in Wine) into text.
func decodeLog(b []byte) string {
	if len(b) >= 2 && b[1] == 0 {
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
		return string(utf16.Decode(u))
	}
	return string(b)
}

// Silent install of the older build with policy properties: program,
// policy values, Start-menu shortcut with the AppUserModelID, autostart.
func install(t *testing.T, w *wine, msi string) {
	msiexec(t, w, "/i", winPath(msi), "DOMAIN=hanam.gov.vn", "IMAPHOST=mail.hanam.gov.vn", "PROFILE=hanam",
		"CHECKTIMES=07:30,14:00", "AGENCYNAME=So Noi vu tinh Ha Nam", "CONVERTER=auto")
	if fi, err := os.Stat(w.path(installed)); err != nil || fi.Size() < 1<<20 {
		t.Fatalf("installed exe: %v", err)
	}
	for name, want := range map[string]string{"Domain": "hanam.gov.vn", "IMAPHost": "mail.hanam.gov.vn", "Profile": "hanam",
		"CheckTimes": "07:30,14:00", "AgencyName": "So Noi vu tinh Ha Nam", "Converter": "auto"} {
		if got, _ := w.reg(t, policyKey, name); got != want {
			t.Errorf("policy %s = %q, want %q", name, got, want)
		}
	}
	for _, name := range []string{"SMTPHost", "TLS", "AutoAckDisabled"} {
		if v, ok := w.reg(t, policyKey, name); ok {
			t.Errorf("policy %s = %q written though the property was not given", name, v)
		}
	}
	if got, _ := w.reg(t, runKey, "ThuCongVu"); got != `"`+installed+`"` {
		t.Errorf("autostart %q", got)
	}
	if got, _ := w.reg(t, `HKLM\Software\ThuCongVu`, "InstallDir"); !strings.EqualFold(strings.TrimSuffix(got, `\`), installDir) {
		t.Errorf("InstallDir %q", got)
	}
	lnkPath := w.shortcut(t)
	if lnkPath == "" {
		t.Fatal("no Start-menu shortcut")
	}
	t.Logf("shortcut: %s", lnkPath)
	lnk, err := os.ReadFile(lnkPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(lnk, []byte(installed)) {
		t.Errorf("the shortcut does not point to %s", installed)
	}
	// Toasts name the app by the shortcut's System.AppUserModel.ID. Wine 8's
	// msi does not apply the MsiShortcutProperty table to the .lnk, so the
	// lane checks the row the package carries; the README's checklist has
	// the real-PC check.
	rows, err := packaging.ExportTable(context.Background(), msi, "MsiShortcutProperty")
	if err != nil || len(rows) != 1 || rows[0]["PropVariantValue"] != "vn.gov.thucongvu" {
		t.Errorf("MsiShortcutProperty %v, %v", rows, err)
	}
}

// shortcut finds the Start-menu shortcut's file: in the all-users Start
// menu on Windows; Wine 8's msi puts a per-machine shortcut in the user's.
// "" when there is none.
func (w *wine) shortcut(t *testing.T) string {
	t.Helper()
	found := ""
	filepath.WalkDir(w.path(`C:\`), func(path string, e fs.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() && e.Name() == "Thu Cong Vu.lnk" && strings.Contains(path, "Start Menu") {
			found = path
		}
		return nil
	})
	return found
}

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

// guiProc is a Windows GUI program running under Wine, its output in a file.
type guiProc struct {
	cmd  *exec.Cmd
	log  string
	done chan struct{} // closed when the program has ended
}

// startGUI starts the installed exe and waits (up to limit) for its
// top-level window whose name has every part; it returns the program and
// the window's xwininfo line. Under Wine, a GUI program started while the
// prefix's desktop process (explorer.exe) is still coming up can fail
// GLFW's first window ("Failed to create helper window"): that start is
// retried, once.
func startGUI(t *testing.T, w *wine, limit time.Duration, parts []string, env []string, args ...string) (*guiProc, string) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		g := launchGUI(t, w, env, args...)
		line, err := w.window(g, limit, parts...)
		if err == nil {
			return g, line
		}
		if attempt == 1 && strings.Contains(g.output(), "Failed to create helper window") {
			t.Logf("Wine's desktop was not ready; starting again")
			g.stop()
			continue
		}
		t.Fatalf("%v; output:\n%s", err, g.output())
	}
}

func launchGUI(t *testing.T, w *wine, env []string, args ...string) *guiProc {
	t.Helper()
	cmd := w.command(context.Background(), installed, args...)
	cmd.Env = append(cmd.Env, env...)
	g := &guiProc{cmd: cmd, log: filepath.Join(t.TempDir(), "output"), done: make(chan struct{})}
	f := createFile(t, g.log)
	defer f.Close()
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(g.done) }()
	t.Cleanup(func() { g.stop(); w.waitIdle(t) })
	return g
}

// output is what the program wrote so far.
func (g *guiProc) output() string { return readFile(g.log) }

func (g *guiProc) stop() {
	g.cmd.Process.Kill()
	<-g.done
}

// window waits (up to limit, or until g ends) for a top-level window whose
// name has every part, and returns its xwininfo line.
func (w *wine) window(g *guiProc, limit time.Duration, parts ...string) (string, error) {
	deadline := time.Now().Add(limit)
	for {
		tree, _ := exec.Command("xwininfo", "-display", w.display, "-root", "-tree").CombinedOutput()
		for _, line := range strings.Split(string(tree), "\n") {
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(line, p)
			}
			if ok {
				return line, nil
			}
		}
		select {
		case <-g.done:
			return "", fmt.Errorf("%s ended without a window %q", installed, parts)
		default:
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no window %q after %s", parts, limit)
		}
		time.Sleep(250 * time.Millisecond) // polling the X server: there is no event to wait on from here
	}
}

// screenText screenshots the screen, crops it to area ("WxH+X+Y", "" for
// all), enlarges it scale times for small dialog text, and reads it back
// with Tesseract (Vietnamese and English), folded: no diacritics, lower case.
func (w *wine) screenText(t *testing.T, area string, scale int) (string, error) {
	t.Helper()
	testsrv.Need(t, "import", "convert", "tesseract")
	dir := t.TempDir()
	png, big := filepath.Join(dir, "screen.png"), filepath.Join(dir, "big.png")
	if out, err := exec.Command("import", "-display", w.display, "-window", "root", png).CombinedOutput(); err != nil {
		return "", fmt.Errorf("screenshot: %v: %s", err, out)
	}
	if keep := os.Getenv("WINLANE_SCREENSHOTS"); keep != "" {
		b, _ := os.ReadFile(png)
		os.WriteFile(filepath.Join(keep, t.Name()[strings.LastIndex(t.Name(), "/")+1:]+".png"), b, 0o644)
	}
	args := []string{png}
	if area != "" {
		args = append(args, "-crop", area, "+repage")
	}
	args = append(args, "-colorspace", "Gray", "-resize", fmt.Sprintf("%d%%", 100*scale), big)
	if out, err := exec.Command("convert", args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("enlarge: %v: %s", err, out)
	}
	out, err := exec.Command("tesseract", big, "-", "-l", "vie+eng").Output()
	if err != nil {
		return "", fmt.Errorf("tesseract: %v", err)
	}
	return vntext.Fold(string(out)), nil
}

// waitScreen reads the area until it shows every phrase (folded).
func (w *wine) waitScreen(t *testing.T, g *guiProc, area string, scale int, limit time.Duration, phrases ...string) string {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		text, err := w.screenText(t, area, scale)
		missing := ""
		for _, p := range phrases {
			if !strings.Contains(text, vntext.Fold(p)) {
				missing = p
				break
			}
		}
		if missing == "" && err == nil {
			return text
		}
		if time.Now().After(deadline) {
			t.Fatalf("the screen never showed %q (%v); it read:\n%s\noutput:\n%s", missing, err, text, g.output())
		}
		time.Sleep(time.Second) // polling the screen: the window paints when it paints
	}
}

// windowArea is the on-screen "WxH+X+Y" of a window from its xwininfo
// -tree line ("… 1093x614+4+23  +4+23": size, then the absolute position).
func windowArea(line string) string {
	f := strings.Fields(line)
	for i := len(f) - 2; i >= 0; i-- {
		size, _, ok := strings.Cut(f[i], "+")
		if ok && strings.Contains(size, "x") && strings.HasPrefix(f[len(f)-1], "+") {
			return size + f[len(f)-1]
		}
	}
	return ""
}

// The demo under machine policy for hanam.gov.vn (mail.hanam.gov.vn, set
// by the MSI): it starts anyway, paints the inbox, the tray icon converts,
// and the sample notification's failing toast is reported once while the
// notice reaches the status bar.
func demoWindow(t *testing.T, w *wine) {
	g, line := startGUI(t, w, 2*time.Minute, []string{"Thư Công Vụ", "thư chưa đọc"}, nil, "demo", "--notify")
	t.Logf("window: %s", strings.TrimSpace(line))
	w.waitScreen(t, g, windowArea(line), 1, time.Minute, "Hộp thư đến", "Thử thông báo")
	out := g.output()
	for _, bad := range []string{"Fyne error", "not been migrated to the fyne.Do", "Error in Fyne call thread", "Failed to convert systray icon", "without TLS", "mail.hanam.gov.vn"} {
		if strings.Contains(out, bad) {
			t.Errorf("demo output has %q:\n%s", bad, out)
		}
	}
	if n := strings.Count(out, "không hiện được thông báo"); n != 1 {
		t.Errorf("the failing toast was reported %d times, want once:\n%s", n, out)
	}
}

// With OpenGL 1.1 (Mesa told to claim it) the GUI shows the explanatory
// message box instead of a window that cannot draw.
func openGLTooOld(t *testing.T, w *wine) {
	g, box := startGUI(t, w, time.Minute, []string{"Thư Công Vụ"}, []string{"MESA_GL_VERSION_OVERRIDE=1.1", "THUCONGVU_HOME=" + winPath(t.TempDir())})
	w.waitScreen(t, g, windowArea(box), 3, time.Minute, "only offers OpenGL 1.1", "2.1 trở lên")
	if strings.Contains(g.output(), "Fyne error") {
		t.Errorf("Fyne started anyway:\n%s", g.output())
	}
}

// Upgrade to a newer build, giving only the servers: they change, every
// other policy value of the first install stays.
func upgradeWithServers(t *testing.T, w *wine, msi string, d *testsrv.Dovecot, p *testsrv.Postfix) {
	_, imapPort, _ := strings.Cut(d.IMAPSAddr, "127.0.0.1:")
	_, smtpPort, _ := strings.Cut(p.SubmissionsAddr, "127.0.0.1:")
	msiexec(t, w, "/i", winPath(msi), "IMAPHOST=127.0.0.1", "IMAPPORT="+imapPort, "SMTPHOST=127.0.0.1",
		"SMTPPORT="+smtpPort, "TLS=implicit")
	want := map[string]string{"Domain": "hanam.gov.vn", "IMAPHost": "127.0.0.1", "IMAPPort": imapPort, "SMTPHost": "127.0.0.1",
		"SMTPPort": smtpPort, "TLS": "implicit", "Profile": "hanam", "CheckTimes": "07:30,14:00", "AgencyName": "So Noi vu tinh Ha Nam"}
	for name, v := range want {
		if got, _ := w.reg(t, policyKey, name); got != v {
			t.Errorf("after upgrade: policy %s = %q, want %q", name, got, v)
		}
	}
	checkOneProduct(t, w, "0.0.2")
}

// checkOneProduct: exactly one Thu Cong Vu in Add/Remove Programs, of version.
func checkOneProduct(t *testing.T, w *wine, version string) {
	t.Helper()
	r := w.run(t, "", nil, "reg", "query", `HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall`, "/s")
	if n := strings.Count(r.stdout, "Thu Cong Vu"); n < 1 {
		t.Fatalf("no Thu Cong Vu in Add/Remove Programs:\n%s", r.stdout)
	}
	versions := regexp.MustCompile(`DisplayVersion\s+REG_SZ\s+(\S+)`).FindAllStringSubmatch(r.stdout, -1)
	var got []string
	for _, m := range versions {
		got = append(got, m[1])
	}
	if len(got) != 1 || got[0] != version {
		t.Errorf("installed versions %v, want only %s", got, version)
	}
}

// The installed exe against the test's Dovecot and Postfix, servers from
// machine policy: account add (password into the Credential Manager, in
// no file), sync, search, send, ack, convert, doctor.
func installedExe(t *testing.T, w *wine, d *testsrv.Dovecot, p *testsrv.Postfix) {
	cli := func(stdin string, args ...string) result {
		t.Helper()
		return w.run(t, stdin, nil, installed, args...)
	}
	for i := 1; i <= 2; i++ {
		d.Deliver(t, user, []byte(fmt.Sprintf("From: =?UTF-8?Q?S=E1=BB=9F_N=E1=BB=99i_v=E1=BB=A5?= <snv@hanam.gov.vn>\r\nTo: %s\r\n"+
			"Subject: =?UTF-8?Q?Quy=E1=BA=BFt_=C4=91=E1=BB=8Bnh_s=E1=BB=91_%d_v=E1=BB=81_chuy=E1=BB=83n_=C4=91=E1=BB=95i_s=E1=BB=91?=\r\n"+
			"Message-ID: <qd%d@hanam.gov.vn>\r\nDate: Mon, 16 Nov 2026 08:0%d:00 +0700\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
			"Kính gửi các đơn vị.\r\n", user, i, i, i)))
	}
	time.Sleep(time.Second) // INTERNALDATE counts whole seconds: the decisions arrive before the account
	// Servers, TLS and profile come from policy; only the pins are given.
	r := cli(password+"\n", "account", "add", "vanthu", "--email", user, "--trust-cert", d.CertSHA256+","+p.CertSHA256, "--password-stdin")
	if r.code != 0 {
		t.Fatalf("account add: %s", r)
	}
	if _, err := os.Stat(w.path(w.appData() + `\accounts.json`)); err != nil {
		t.Fatalf("accounts.json not in %%APPDATA%%\\thucongvu: %v", err)
	}
	time.Sleep(time.Second) // INTERNALDATE counts whole seconds: the document arrives after the account
	d.Deliver(t, user, []byte(fmt.Sprintf("Return-Path: <%s>\r\nFrom: Đỗ Văn Đức <%s>\r\nTo: %s\r\nSubject: Công văn số 88/STP\r\n"+
		"Message-ID: <cv88@longan.gov.vn>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nKính gửi.\r\n--b\r\nContent-Type: application/pdf\r\n"+
		"Content-Disposition: attachment; filename=cv88.pdf\r\n\r\nJVBERi0=\r\n--b--\r\n", peer, peer, user)))

	var sum struct {
		Accounts []struct {
			Name     string `json:"name"`
			Messages int    `json:"messages"`
		} `json:"accounts"`
	}
	if r = cli("", "sync", "--once", "--json"); r.code != 0 || json.Unmarshal([]byte(r.stdout), &sum) != nil ||
		len(sum.Accounts) != 1 || sum.Accounts[0].Messages != 3 {
		t.Fatalf("sync: %s", r)
	}
	var hits []struct{ Subject string }
	if r = cli("", "search", "chuyen doi so", "--json"); r.code != 0 || json.Unmarshal([]byte(r.stdout), &hits) != nil || len(hits) != 2 {
		t.Fatalf("search: %s", r)
	}
	eml := filepath.Join(t.TempDir(), "thu.eml")
	os.WriteFile(eml, []byte("From: "+user+"\r\nTo: "+peer+"\r\nSubject: =?UTF-8?Q?Th=C3=B4ng_b=C3=A1o_l=E1=BB=8Bch_h=E1=BB=8Dp?=\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nKính gửi anh Đức,\r\nLịch họp chiều thứ Sáu.\r\n"), 0o600)
	// R3: the signature needs a name and a title; the agency comes from policy.
	if r = cli("", "signature", "vanthu", "--set", "name=Trần Thị Mai", "--set", "title=Văn thư", "--json"); r.code != 0 ||
		!strings.Contains(r.stdout, `"complete": true`) {
		t.Fatalf("signature: %s", r)
	}
	if r = cli("", "send", winPath(eml), "--account", "vanthu"); r.code != 0 {
		t.Fatalf("send: %s", r)
	}
	// R2: the document that came after the account is acknowledged; the
	// decisions from before it are not.
	var acks []struct {
		MessageID string `json:"message_id"`
		Action    string `json:"action"`
		State     string `json:"state"`
	}
	if r = cli("", "ack", "vanthu", "--json"); r.code != 0 || json.Unmarshal([]byte(r.stdout), &acks) != nil || len(acks) != 3 {
		t.Fatalf("ack: %s", r)
	}
	for _, a := range acks {
		if want := a.MessageID == "cv88@longan.gov.vn"; want != (a.Action == "ack" && a.State == "sent") {
			t.Fatalf("ack: %s", r)
		}
	}
	if n := d.WaitMessages(t, peer, "INBOX", 2); n != 2 {
		t.Fatalf("%s received %d messages, want the mail and the acknowledgement", peer, n)
	}

	dir := t.TempDir()
	txt := filepath.Join(dir, "công văn.txt")
	os.WriteFile(txt, []byte("Kính gửi: Sở Nội vụ tỉnh Hà Nam\r\nV/v chuyển đổi số.\r\n"), 0o644)
	jpg := filepath.Join(dir, "ảnh chụp.jpg")
	writeJPEG(t, jpg)
	r = cli("", "convert", "-o", winPath(dir), "--json", winPath(txt), winPath(jpg))
	var conv []struct {
		Output string `json:"output"`
		Pages  int    `json:"pages"`
		Error  string `json:"error"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &conv) != nil || len(conv) != 2 {
		t.Fatalf("convert: %s", r)
	}
	for _, c := range conv {
		pdf, err := os.ReadFile(filepath.Join(dir, filepath.Base(strings.ReplaceAll(c.Output, `\`, "/"))))
		if c.Error != "" || c.Pages != 1 || err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Errorf("convert result %+v: %v", c, err)
		}
	}

	// doctor: the Credential Manager answers, policy is read from HKLM, both
	// logins work. No office suite in the prefix: that check fails (exit 1).
	r = cli("", "doctor", "--json")
	var checks []struct {
		Name   string `json:"name"`
		OK     bool   `json:"ok"`
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &checks); err != nil {
		t.Fatalf("doctor: %v\n%s", err, r)
	}
	ok := map[string]bool{}
	for _, c := range checks {
		ok[c.Name] = c.OK
	}
	for _, name := range []string{"keychain", "machine policy", "vanthu IMAP", "vanthu SMTP"} {
		if !ok[name] {
			t.Errorf("doctor: %s not ok: %s", name, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, "HKLM") {
		t.Errorf("doctor does not show the registry policy: %s", r.stdout)
	}

	// The password is in the Credential Manager only: no file of the
	// prefix holds it, in UTF-8 or UTF-16 (the registry is flushed first).
	w.waitIdle(t)
	checkNoFileHolds(t, w.prefix, password)
}

// checkNoFileHolds fails when a file under dir (links not followed) contains secret.
func checkNoFileHolds(t *testing.T, dir, secret string) {
	t.Helper()
	needles := [][]byte{[]byte(secret), utf16le(secret)}
	files := 0
	filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		files++
		for _, n := range needles {
			if bytes.Contains(b, n) {
				t.Errorf("the password is in %s", path)
			}
		}
		return nil
	})
	if files < 100 {
		t.Fatalf("only %d files looked at in %s", files, dir)
	}
}

func writeJPEG(t *testing.T, path string) {
	img := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 320; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A major upgrade with no property keeps every policy value and the
// user's data; the account still syncs with the stored password.
func upgradeKeepsData(t *testing.T, w *wine, msi string) {
	before, _ := w.reg(t, policyKey, "IMAPPort")
	msiexec(t, w, "/i", winPath(msi))
	checkOneProduct(t, w, "0.0.3")
	for name, want := range map[string]string{"Domain": "hanam.gov.vn", "IMAPPort": before, "Profile": "hanam", "AgencyName": "So Noi vu tinh Ha Nam"} {
		if got, _ := w.reg(t, policyKey, name); got != want || want == "" {
			t.Errorf("after the second upgrade: %s = %q, want %q", name, got, want)
		}
	}
	if r := w.run(t, "", nil, installed, "sync", "--once", "--json"); r.code != 0 || !strings.Contains(r.stdout, `"vanthu"`) {
		t.Fatalf("sync after upgrade: %s", r)
	}
}

// Uninstall removes the program, shortcut, autostart and the policy
// values the MSI wrote; the user's mail in %APPDATA% stays.
func uninstall(t *testing.T, w *wine, msi string) {
	msiexec(t, w, "/x", winPath(msi))
	if _, err := os.Stat(w.path(installed)); err == nil {
		t.Errorf("%s is still there", installed)
	}
	if lnk := w.shortcut(t); lnk != "" {
		t.Errorf("%s is still there", lnk)
	}
	if v, ok := w.reg(t, runKey, "ThuCongVu"); ok {
		t.Errorf("autostart still set: %q", v)
	}
	for _, name := range []string{"Domain", "IMAPHost", "IMAPPort", "Profile", "CheckTimes", "AgencyName"} {
		if v, ok := w.reg(t, policyKey, name); ok {
			t.Errorf("policy %s = %q left behind", name, v)
		}
	}
	if _, err := os.Stat(w.path(w.appData() + `\accounts.json`)); err != nil {
		t.Errorf("the user's data went with the program: %v", err)
	}
}
