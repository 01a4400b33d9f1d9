package packaging

// CI checks of issue 8. They run in `go test ./...` and stay fast: the MSI is
// built with wixl around a small stand-in executable (a second or two), so
// the tables are always checked; the real executable and MSI from
// `make windows msi` are checked when they exist, and must exist under
// `make package-check` (PACKAGE_CHECK=1), which builds them first.

import (
	"bytes"
	"context"
	"debug/pe"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"thucongvu/internal/config"
)

const (
	wxsPath     = "windows/thucongvu.wxs"
	admxPath    = "windows/ThuCongVu.admx"
	realExe     = "../bin/windows/thucongvu.exe"
	realMSI     = "../bin/windows/thucongvu.msi"
	upgradeCode = "{74B1D450-E57A-54C3-98A5-A70209A08189}"
	appUserID   = "vn.gov.thucongvu"
)

var admlPaths = []string{"windows/vi-VN/ThuCongVu.adml", "windows/en-US/ThuCongVu.adml"}

// need skips when a tool is missing, or fails on CI where `make deps` installs it.
func need(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing (make deps installs it)", tool)
			}
			t.Skipf("%s is not installed (make deps)", tool)
		}
	}
}

// needFile skips when a `make windows msi` output is missing, or fails
// under `make package-check`.
func needFile(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("PACKAGE_CHECK") == "1" {
			t.Fatalf("%s is missing: %v", path, err)
		}
		t.Skipf("%s not built (make windows msi, or make package-check)", path)
	}
}

// fyneVersion reads Version and Build from FyneApp.toml.
func fyneVersion(t *testing.T) (string, int) {
	t.Helper()
	b, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	v := regexp.MustCompile(`(?m)^\s*Version\s*=\s*"(\d+\.\d+\.\d+)"`).FindSubmatch(b)
	n := regexp.MustCompile(`(?m)^\s*Build\s*=\s*(\d+)`).FindSubmatch(b)
	if v == nil || n == nil {
		t.Fatal("FyneApp.toml has no Version n.n.n or Build")
	}
	build, _ := strconv.Atoi(string(n[1]))
	return string(v[1]), build
}

func readNode(t *testing.T, path string) node {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var n node
	if err := decodeXML(b, &n); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return n
}

func policyNames() []string {
	var names []string
	for _, k := range config.PolicyKeys {
		names = append(names, k.Name)
	}
	slices.Sort(names)
	return names
}

func sortedKeys[V any](m map[string]V) []string {
	var s []string
	for k := range m {
		s = append(s, k)
	}
	slices.Sort(s)
	return s
}

// TestADMXCoversPolicyKeys: one machine policy per key, writing the value of
// that name under the policy key, with an element that fits the key's kind.
func TestADMXCoversPolicyKeys(t *testing.T) {
	admx := readNode(t, admxPath)
	kinds := map[string]config.PolicyKey{}
	for _, k := range config.PolicyKeys {
		kinds[k.Name] = k
	}
	found := map[string]string{} // value name → element kind
	admx.walk(func(parent, n node) {
		if n.XMLName.Local != "policy" {
			return
		}
		name := n.attr("name")
		if n.attr("class") != "Machine" || n.attr("key") != config.PolicyRegistryKey {
			t.Errorf("policy %s: class %q key %q, want Machine %s", name, n.attr("class"), n.attr("key"), config.PolicyRegistryKey)
		}
		if v := n.attr("valueName"); v != "" {
			found[v] = "bool"
		}
		n.walk(func(_, e node) {
			if v := e.attr("valueName"); v != "" {
				if _, dup := found[v]; dup {
					t.Errorf("value %s written twice", v)
				}
				found[v] = e.XMLName.Local
				if e.XMLName.Local == "enum" {
					var vals []string
					e.walk(func(_, s node) {
						if s.XMLName.Local == "string" {
							vals = append(vals, s.Text)
						}
					})
					found[v] = "enum:" + strings.Join(vals, ",")
				}
			}
		})
	})
	if got, want := sortedKeys(found), policyNames(); !slices.Equal(got, want) {
		t.Fatalf("ADMX values\n got %q\nwant %q", got, want)
	}
	for name, el := range found {
		k := kinds[name]
		var want string
		switch k.Kind {
		case config.PolicyString, config.PolicyTimes:
			want = "text"
		case config.PolicyText, config.PolicyPEM, config.PolicyAddresses:
			want = "multiText"
		case config.PolicyPort, config.PolicyCount:
			want = "decimal"
		case config.PolicyBool:
			want = "bool"
		case config.PolicySecurity:
			want = "enum:implicit,starttls"
		case config.PolicyChoice:
			want = "enum:" + strings.Join(k.Choices, ",")
		}
		if el != want {
			t.Errorf("policy %s is %s in the ADMX, want %s", name, el, want)
		}
	}
}

var refRE = regexp.MustCompile(`\$\((string|presentation)\.([A-Za-z0-9_]+)\)`)

// TestADMLMatchesADMX: each language defines exactly the strings and
// presentations the ADMX uses, presentations name the ADMX elements, and
// the text is NFC.
func TestADMLMatchesADMX(t *testing.T) {
	raw, err := os.ReadFile(admxPath)
	if err != nil {
		t.Fatal(err)
	}
	wantStrings, wantPres := map[string]bool{}, map[string]bool{}
	for _, m := range refRE.FindAllSubmatch(raw, -1) {
		if string(m[1]) == "string" {
			wantStrings[string(m[2])] = true
		} else {
			wantPres[string(m[2])] = true
		}
	}
	elements := map[string][]string{} // presentation id (policy) → element ids
	readNode(t, admxPath).walk(func(parent, n node) {
		if n.XMLName.Local == "elements" {
			for _, e := range n.Children {
				elements[parent.attr("name")] = append(elements[parent.attr("name")], e.attr("id"))
			}
		}
	})
	for _, path := range admlPaths {
		t.Run(filepath.Base(filepath.Dir(path)), func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !norm.NFC.IsNormal(b) {
				t.Error("text is not NFC")
			}
			strs, pres := map[string]bool{}, map[string]bool{}
			readNode(t, path).walk(func(parent, n node) {
				switch n.XMLName.Local {
				case "string":
					if parent.XMLName.Local == "stringTable" {
						if strings.TrimSpace(n.Text) == "" {
							t.Errorf("string %s is empty", n.attr("id"))
						}
						strs[n.attr("id")] = true
					}
				case "presentation":
					id := n.attr("id")
					pres[id] = true
					var refs []string
					for _, c := range n.Children {
						refs = append(refs, c.attr("refId"))
					}
					if !slices.Equal(refs, elements[id]) {
						t.Errorf("presentation %s refers to %q, the ADMX policy has %q", id, refs, elements[id])
					}
				}
			})
			if got, want := sortedKeys(strs), sortedKeys(wantStrings); !slices.Equal(got, want) {
				t.Errorf("strings\n got %q\nwant %q", got, want)
			}
			if got, want := sortedKeys(pres), sortedKeys(wantPres); !slices.Equal(got, want) {
				t.Errorf("presentations\n got %q\nwant %q", got, want)
			}
		})
	}
}

// TestWXSPolicyProperties: the WiX source has, for each policy key and no
// other, a conditional component writing [PROPERTY] under the policy key,
// and the search + action that keep an earlier value at an upgrade.
func TestWXSPolicyProperties(t *testing.T) {
	src, err := os.ReadFile(wxsPath)
	if err != nil {
		t.Fatal(err)
	}
	if i := bytes.IndexFunc(src, func(r rune) bool { return r > 0x7e }); i >= 0 {
		t.Fatalf("non-ASCII at byte %d: wixl crashes outside Windows-1252", i)
	}
	written := map[string]string{} // value name → "condition|value"
	searched, kept := map[string]bool{}, map[string]string{}
	readNode(t, wxsPath).walk(func(parent, n node) {
		switch n.XMLName.Local {
		case "Component":
			cond := ""
			for _, c := range n.Children {
				if c.XMLName.Local == "Condition" {
					cond = strings.TrimSpace(c.Text)
				}
			}
			for _, c := range n.Children {
				if c.XMLName.Local == "RegistryValue" && c.attr("Key") == config.PolicyRegistryKey {
					if c.attr("Root") != "HKLM" || n.attr("Win64") != "yes" {
						t.Errorf("component %s: policy values go to 64-bit HKLM", n.attr("Id"))
					}
					written[c.attr("Name")] = cond + "|" + c.attr("Value")
				}
			}
		case "RegistrySearch":
			if n.attr("Key") == config.PolicyRegistryKey && parent.attr("Id") == "OLD_"+strings.ToUpper(n.attr("Name")) {
				searched[n.attr("Name")] = true
			}
		case "Custom":
			kept[n.attr("Action")] = strings.TrimSpace(n.Text)
		}
	})
	if got, want := sortedKeys(written), policyNames(); !slices.Equal(got, want) {
		t.Fatalf("policy values in the WiX source\n got %q\nwant %q", got, want)
	}
	for _, k := range config.PolicyKeys {
		p := k.MSIProperty()
		if got, want := written[k.Name], p+"|["+p+"]"; got != want {
			t.Errorf("%s: condition|value %q, want %q", k.Name, got, want)
		}
		if !searched[k.Name] {
			t.Errorf("%s: no RegistrySearch into OLD_%s", k.Name, p)
		}
		if got, want := kept["Keep"+p], "NOT "+p+" AND OLD_"+p; got != want {
			t.Errorf("%s: keep action condition %q, want %q", k.Name, got, want)
		}
	}
}

// TestMSITables builds the MSI around a stand-in executable, with an agency
// file and a Mesa DLL, and checks its tables.
func TestMSITables(t *testing.T) {
	need(t, "wixl", "msibuild", "msiinfo")
	dir := t.TempDir()
	exe := filepath.Join(dir, "stand-in.exe")
	dll := filepath.Join(dir, "mesa.dll")
	isp := filepath.Join(dir, "hanam.gov.vn.xml")
	for path, body := range map[string]string{exe: "MZ stand-in", dll: "MZ mesa", isp: `<clientConfig version="1.1"/>`} {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	version, _ := fyneVersion(t)
	msi := filepath.Join(dir, "thucongvu.msi")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	if err := BuildMSI(ctx, MSIOptions{WXS: wxsPath, Exe: exe, Icon: "../assets/icon.ico", Version: version,
		Out: msi, ISPFile: isp, MesaDLL: dll}); err != nil {
		t.Fatal(err)
	}
	t.Logf("MSI built in %v", time.Since(start).Round(time.Millisecond))
	checkMSI(t, msi, version, []string{"thucongvu.exe", "opengl32.dll", "hanam.gov.vn.xml"})
}

// TestRealMSI checks the MSI of `make msi`.
func TestRealMSI(t *testing.T) {
	need(t, "msiinfo")
	needFile(t, realMSI)
	version, build := fyneVersion(t)
	files := checkMSI(t, realMSI, version, []string{"thucongvu.exe"})
	if got, want := files["thucongvu.exe"]["Version"], version+"."+strconv.Itoa(build); got != want {
		t.Errorf("File.Version of the exe %q, want %q", got, want)
	}
}

// checkMSI asserts the tables of an MSI and returns its File rows by name.
func checkMSI(t *testing.T, msi, version string, wantFiles []string) map[string]map[string]string {
	t.Helper()
	ctx := context.Background()
	table := func(name string) []map[string]string {
		t.Helper()
		rows, err := ExportTable(ctx, msi, name)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	byKey := func(rows []map[string]string, col string) map[string]map[string]string {
		m := map[string]map[string]string{}
		for _, r := range rows {
			m[r[col]] = r
		}
		return m
	}
	props := byKey(table("Property"), "Property")
	for name, want := range map[string]string{"ALLUSERS": "1", "AUTOSTART": "1", "ProductVersion": version,
		"UpgradeCode": upgradeCode, "ProductName": "Thu Cong Vu"} {
		if got := props[name]["Value"]; got != want {
			t.Errorf("property %s = %q, want %q", name, got, want)
		}
	}
	secure := strings.Split(props["SecureCustomProperties"]["Value"], ";")
	for _, p := range append([]string{"AUTOSTART", "WIX_UPGRADE_DETECTED"}, msiProperties()...) {
		if !slices.Contains(secure, p) {
			t.Errorf("%s is not in SecureCustomProperties", p)
		}
	}

	dirs := byKey(table("Directory"), "Directory")
	if d := dirs["INSTALLDIR"]; d["Directory_Parent"] != "ProgramFiles64Folder" || !strings.HasSuffix(d["DefaultDir"], "Thu Cong Vu") {
		t.Errorf("INSTALLDIR %v, want ProgramFiles64Folder\\Thu Cong Vu", d)
	}
	for id := range dirs {
		if strings.Contains(id, "AppData") {
			t.Errorf("directory %s: the package must never touch the users' mail", id)
		}
	}
	comps := byKey(table("Component"), "Component")
	for id, c := range comps {
		if a, _ := strconv.Atoi(c["Attributes"]); a&256 == 0 {
			t.Errorf("component %s is not 64-bit", id)
		}
	}
	files := map[string]map[string]string{}
	for _, f := range table("File") {
		name := f["FileName"][strings.IndexByte(f["FileName"], '|')+1:]
		files[name] = f
	}
	if got, want := sortedKeys(files), slices.Sorted(slices.Values(wantFiles)); !slices.Equal(got, want) {
		t.Errorf("files %q, want %q", got, want)
	}
	for name, f := range files {
		wantDir := "INSTALLDIR"
		if strings.HasSuffix(name, ".xml") {
			wantDir = "ISPDIR"
			if d := dirs["ISPDIR"]; d["Directory_Parent"] != "INSTALLDIR" || d["DefaultDir"] != "isp" {
				t.Errorf("ISPDIR %v, want INSTALLDIR\\isp", d)
			}
		}
		if got := comps[f["Component_"]]["Directory_"]; got != wantDir {
			t.Errorf("%s is installed in %s, want %s", name, got, wantDir)
		}
	}

	shortcuts := table("Shortcut")
	if len(shortcuts) != 1 || shortcuts[0]["Directory_"] != "ProgramMenuFolder" || shortcuts[0]["Target"] != "[INSTALLDIR]thucongvu.exe" {
		t.Fatalf("shortcut %v, want one in ProgramMenuFolder to [INSTALLDIR]thucongvu.exe", shortcuts)
	}
	sp := table("MsiShortcutProperty")
	if len(sp) != 1 || sp[0]["Shortcut_"] != shortcuts[0]["Shortcut"] ||
		sp[0]["PropertyKey"] != "{9F4C2855-9F79-4B39-A8D0-E1D42DE1D5F3}, 5" || sp[0]["PropVariantValue"] != appUserID {
		t.Errorf("shortcut AppUserModelID %v, want %s", sp, appUserID)
	}

	regs := table("Registry")
	var policyValues []string
	run := false
	for _, r := range regs {
		if r["Root"] != "2" {
			t.Errorf("registry %s: root %s, want 2 (HKLM)", r["Name"], r["Root"])
		}
		switch r["Key"] {
		case config.PolicyRegistryKey:
			policyValues = append(policyValues, r["Name"])
			p := strings.ToUpper(r["Name"])
			if r["Value"] != "["+p+"]" || comps[r["Component_"]]["Condition"] != p {
				t.Errorf("policy %s: value %q condition %q, want [%s] when %s is set", r["Name"], r["Value"], comps[r["Component_"]]["Condition"], p, p)
			}
		case `SOFTWARE\Microsoft\Windows\CurrentVersion\Run`:
			run = r["Name"] == "ThuCongVu" && r["Value"] == `"[INSTALLDIR]thucongvu.exe"` &&
				comps[r["Component_"]]["Condition"] == `AUTOSTART = "1"`
		}
	}
	slices.Sort(policyValues)
	if !slices.Equal(policyValues, policyNames()) {
		t.Errorf("policy values in the MSI\n got %q\nwant %q", policyValues, policyNames())
	}
	if !run {
		t.Error("no HKLM Run value for all users under AUTOSTART=\"1\"")
	}

	seq := map[string]int{}
	for _, r := range table("InstallExecuteSequence") {
		seq[r["Action"]], _ = strconv.Atoi(r["Sequence"])
	}
	if seq["RemoveExistingProducts"] <= seq["InstallValidate"] || seq["RemoveExistingProducts"] >= seq["InstallInitialize"] {
		t.Errorf("RemoveExistingProducts at %d, want between InstallValidate and InstallInitialize", seq["RemoveExistingProducts"])
	}
	for _, p := range msiProperties() {
		if s := seq["Keep"+p]; s <= seq["AppSearch"] || s >= seq["CostInitialize"] {
			t.Errorf("Keep%s at %d, want after AppSearch and before costing", p, s)
		}
	}
	upgradeOK := false
	for _, r := range table("Upgrade") {
		a, _ := strconv.Atoi(r["Attributes"])
		if r["ActionProperty"] == "WIX_UPGRADE_DETECTED" && r["UpgradeCode"] == upgradeCode && r["VersionMax"] == version && a&0x200 != 0 {
			upgradeOK = true
		}
	}
	if !upgradeOK {
		t.Errorf("no major upgrade of versions up to %s included under %s", version, upgradeCode)
	}
	out, err := exec.Command("msiinfo", "suminfo", msi).Output()
	if err != nil || !bytes.Contains(out, []byte("Template: x64;")) {
		t.Errorf("summary: %s %v, want an x64 package", out, err)
	}
	return files
}

func msiProperties() []string {
	var p []string
	for _, k := range config.PolicyKeys {
		p = append(p, k.MSIProperty())
	}
	return p
}

// TestWindowsExe checks the executable of `make windows`: PE32+ for amd64,
// the GUI subsystem (no console window), icon, manifest and a version
// resource that matches FyneApp.toml.
func TestWindowsExe(t *testing.T) {
	needFile(t, realExe)
	info, err := ReadPE(realExe)
	if err != nil {
		t.Fatal(err)
	}
	if !info.PE32Plus || info.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Errorf("machine %#x PE32+ %v, want amd64 PE32+", info.Machine, info.PE32Plus)
	}
	if info.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		t.Errorf("subsystem %d, want %d (GUI)", info.Subsystem, pe.IMAGE_SUBSYSTEM_WINDOWS_GUI)
	}
	for _, rt := range []uint32{RTIcon, RTGroupIcon, RTVersion, RTManifest} {
		if info.Resources[rt] == 0 {
			t.Errorf("no resource of type %d", rt)
		}
	}
	version, build := fyneVersion(t)
	if want := version + "." + strconv.Itoa(build); info.FileVersion != want || info.Strings["FileVersion"] != want {
		t.Errorf("file version %q / %q, want %q", info.FileVersion, info.Strings["FileVersion"], want)
	}
	if info.Strings["ProductName"] != "Thu Cong Vu" || info.Strings["OriginalFilename"] != "thucongvu.exe" {
		t.Errorf("version strings %v", info.Strings)
	}

	// Running it is the Windows lane's job (internal/winlane: Wine with the
	// ProcessPrng shim, the MSI, the installed exe).
}

// TestDesktopFile checks the Linux .desktop entry.
func TestDesktopFile(t *testing.T) {
	b, err := os.ReadFile("linux/thucongvu.desktop")
	if err != nil {
		t.Fatal(err)
	}
	if !norm.NFC.IsNormal(b) {
		t.Error("not NFC")
	}
	entries := map[string]string{}
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if i == 0 {
			if line != "[Desktop Entry]" {
				t.Fatalf("first line %q", line)
			}
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("line %q is not KEY=VALUE", line)
		}
		entries[k] = v
	}
	for k, want := range map[string]string{"Type": "Application", "Exec": "thucongvu", "Icon": "thucongvu",
		"Name": "Thư Công Vụ", "Terminal": "false", "Categories": "Network;Email;Office;"} {
		if entries[k] != want {
			t.Errorf("%s=%q, want %q", k, entries[k], want)
		}
	}
	if v, err := exec.LookPath("desktop-file-validate"); err == nil {
		if out, err := exec.Command(v, "linux/thucongvu.desktop").CombinedOutput(); err != nil {
			t.Errorf("desktop-file-validate: %s", out)
		}
	}
}

// TestIcon checks the committed icon: a 256×256 PNG, and an ICO whose
// directory lists 256, 48, 32 and 16 pixel images.
func TestIcon(t *testing.T) {
	ico, err := os.ReadFile("../assets/icon.ico")
	if err != nil {
		t.Fatal(err)
	}
	if len(ico) < 6 || ico[2] != 1 || ico[4] != 4 {
		t.Fatalf("icon.ico header % x", ico[:6])
	}
	var sizes []int
	for i := 0; i < 4; i++ {
		s := int(ico[6+16*i])
		if s == 0 {
			s = 256
		}
		sizes = append(sizes, s)
	}
	if !slices.Equal(sizes, []int{256, 48, 32, 16}) {
		t.Errorf("icon sizes %v", sizes)
	}
	png, err := os.ReadFile("../assets/icon.png")
	if err != nil {
		t.Fatal(err)
	}
	if len(png) < 24 || !bytes.HasPrefix(png, []byte("\x89PNG")) ||
		png[16] != 0 || png[17] != 0 || png[18] != 1 || png[19] != 0 || png[20] != 0 || png[21] != 0 || png[22] != 1 || png[23] != 0 {
		t.Error("icon.png is not a 256×256 PNG")
	}
}
