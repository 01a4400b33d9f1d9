// Package packaging builds and inspects the installable packages of Thư Công
// Vụ: the Windows MSI, made on Debian with wixl and msibuild (msitools) from
// windows/thucongvu.wxs, a plain WiX 3 source that WiX on Windows also builds.
//
// wixl 0.101 handles a subset of WiX. BuildMSI feeds it a copy of the source
// without what it rejects or ignores, then applies those parts to the built
// database with msibuild SQL, so both toolchains give the same tables:
// component conditions, the shortcut's AppUserModelID (MsiShortcutProperty),
// the order of Custom actions after AppSearch, MajorUpgrade's schedule and
// AllowSameVersionUpgrades, and SecureCustomProperties for every public
// property (so a managed, elevated install passes them on).
//
// It must not touch the application's code or state; it only reads the
// sources it is given and writes the MSI.
package packaging

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// MSIOptions says what BuildMSI packs.
type MSIOptions struct {
	WXS     string // the WiX source (windows/thucongvu.wxs)
	Exe     string // the windows/amd64 executable
	Icon    string // the .ico of the shortcut and of Add/Remove Programs
	Version string // ProductVersion, n.n.n (Windows Installer compares three fields)
	Out     string // the .msi to write
	// ISPFile is an optional agency settings file (Mozilla autoconfig XML,
	// named DOMAIN.xml), installed as INSTALLDIR\isp\DOMAIN.xml.
	ISPFile string
	// MesaDLL is an optional Mesa opengl32.dll installed beside the exe for
	// computers that only offer OpenGL 1.1 (VMs, Remote Desktop).
	MesaDLL string
	// Wixl and Msibuild name the tools; "" finds them on PATH.
	Wixl, Msibuild string
	// Log receives the tools' output; nil discards it.
	Log io.Writer
}

// Well-known shortcut property keys (propkey.h) that WiX's ShortcutProperty
// accepts by name.
var shortcutPropertyKeys = map[string]string{
	"System.AppUserModel.ID":                  "{9F4C2855-9F79-4B39-A8D0-E1D42DE1D5F3}, 5",
	"System.AppUserModel.ToastActivatorCLSID": "{9F4C2855-9F79-4B39-A8D0-E1D42DE1D5F3}, 26",
}

// Sequence numbers of the standard actions in wixl's InstallExecuteSequence.
var standardSequence = map[string]int{
	"AppSearch":              50,
	"afterInstallValidate":   1401,
	"afterInstallInitialize": 1501,
	"afterInstallExecute":    6599,
	"afterInstallFinalize":   6601,
}

var versionRE = regexp.MustCompile(`^\d{1,3}\.\d{1,3}\.\d{1,5}$`)

// BuildMSI builds the MSI described by o.
func BuildMSI(ctx context.Context, o MSIOptions) error {
	if !versionRE.MatchString(o.Version) {
		return fmt.Errorf("build msi: version %q is not n.n.n", o.Version)
	}
	src, err := os.ReadFile(o.WXS)
	if err != nil {
		return fmt.Errorf("build msi: %w", err)
	}
	if i := bytes.IndexFunc(src, func(r rune) bool { return r > 0x7e }); i >= 0 {
		return fmt.Errorf("build msi: %s: non-ASCII text at byte %d (wixl accepts Windows-1252 only; keep MSI strings ASCII)", o.WXS, i)
	}
	plan, err := planFixups(src)
	if err != nil {
		return fmt.Errorf("build msi: %s: %w", o.WXS, err)
	}
	stage, err := os.MkdirTemp("", "thucongvu-msi-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)

	defines := []string{"Version=" + o.Version}
	stageFile := func(src, name, define string) error {
		if err := copyFile(src, filepath.Join(stage, name)); err != nil {
			return fmt.Errorf("build msi: %w", err)
		}
		defines = append(defines, define+"="+name)
		return nil
	}
	if err := stageFile(o.Exe, "thucongvu.exe", "ExeSource"); err != nil {
		return err
	}
	if err := stageFile(o.Icon, "thucongvu.ico", "IconSource"); err != nil {
		return err
	}
	if o.ISPFile != "" {
		name := filepath.Base(o.ISPFile)
		if !strings.HasSuffix(name, ".xml") || strings.Count(name, ".") < 2 {
			return fmt.Errorf("build msi: the agency file %q must be named DOMAIN.xml", name)
		}
		if err := stageFile(o.ISPFile, name, "IspFile"); err != nil {
			return err
		}
		defines = append(defines, "IspName="+name)
	}
	if o.MesaDLL != "" {
		if err := stageFile(o.MesaDLL, "opengl32.dll", "MesaDll"); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(stage, "thucongvu.wxs"), plan.wixlSource, 0o644); err != nil {
		return err
	}
	out, err := filepath.Abs(o.Out)
	if err != nil {
		return err
	}
	tmpOut := filepath.Join(stage, "out.msi")
	args := []string{"-a", "x64", "-o", tmpOut}
	for _, d := range defines {
		args = append(args, "-D", d)
	}
	args = append(args, "thucongvu.wxs")
	if err := run(ctx, stage, o.Log, tool(o.Wixl, "wixl"), args...); err != nil {
		return fmt.Errorf("build msi: wixl: %w", err)
	}
	queries, err := plan.queries(ctx, tmpOut, stage)
	if err != nil {
		return fmt.Errorf("build msi: %w", err)
	}
	args = []string{tmpOut}
	for _, q := range queries {
		args = append(args, "-q", q)
	}
	if err := run(ctx, stage, o.Log, tool(o.Msibuild, "msibuild"), args...); err != nil {
		return fmt.Errorf("build msi: msibuild: %w", err)
	}
	if err := copyFile(tmpOut, out); err != nil {
		return fmt.Errorf("build msi: %w", err)
	}
	return nil
}

// fixups is what wixl leaves out and msibuild puts back.
type fixups struct {
	wixlSource     []byte
	conditions     map[string]string // component → condition
	shortcutProps  []shortcutProp
	afterAppSearch []string // Custom actions, in source order
	schedule       string   // MajorUpgrade/@Schedule, "" = afterInstallValidate
	sameVersion    bool     // MajorUpgrade/@AllowSameVersionUpgrades
	public         []string // public properties to make secure
}

type shortcutProp struct{ shortcut, key, value string }

// node is a generic WiX element.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []node     `xml:",any"`
	Text     string     `xml:",chardata"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) walk(f func(parent, n node)) {
	for _, c := range n.Children {
		f(n, c)
		c.walk(f)
	}
}

var (
	componentConditionRE = regexp.MustCompile(`(?m)^[ \t]*<Condition>[^<]*</Condition>[ \t]*\r?\n`)
	shortcutPropertyRE   = regexp.MustCompile(`(?m)^[ \t]*<ShortcutProperty [^>]*/>[ \t]*\r?\n`)
	wixlIgnoredAttrRE    = regexp.MustCompile(` (AllowSameVersionUpgrades|Schedule|Platform)="[^"]*"`)
	publicPropertyRE     = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
)

func planFixups(src []byte) (*fixups, error) {
	var root node
	if err := decodeXML(src, &root); err != nil {
		return nil, err
	}
	f := &fixups{conditions: map[string]string{}}
	public := map[string]bool{}
	var err error
	root.walk(func(parent, n node) {
		switch n.XMLName.Local {
		case "Condition":
			if parent.XMLName.Local == "Component" {
				cond := strings.TrimSpace(n.Text)
				if strings.Contains(cond, "'") {
					err = errors.Join(err, fmt.Errorf("component %s: a condition with ' cannot be applied", parent.attr("Id")))
				}
				f.conditions[parent.attr("Id")] = cond
			}
		case "ShortcutProperty":
			guid, ok := shortcutPropertyKeys[n.attr("Key")]
			if !ok {
				err = errors.Join(err, fmt.Errorf("shortcut property %q is not known", n.attr("Key")))
			}
			f.shortcutProps = append(f.shortcutProps, shortcutProp{parent.attr("Id"), guid, n.attr("Value")})
		case "Custom":
			switch {
			case n.attr("After") == "AppSearch":
				f.afterAppSearch = append(f.afterAppSearch, n.attr("Action"))
			default:
				err = errors.Join(err, fmt.Errorf("custom action %s: only After=\"AppSearch\" is supported with wixl", n.attr("Action")))
			}
		case "MajorUpgrade":
			f.schedule = n.attr("Schedule")
			f.sameVersion = n.attr("AllowSameVersionUpgrades") == "yes"
			if _, ok := standardSequence[f.schedule]; f.schedule != "" && !ok {
				err = errors.Join(err, fmt.Errorf("MajorUpgrade schedule %q not supported", f.schedule))
			}
		case "Property":
			if id := n.attr("Id"); publicPropertyRE.MatchString(id) && !strings.HasPrefix(id, "ARP") {
				public[id] = true
			}
		case "CustomAction":
			if p := n.attr("Property"); publicPropertyRE.MatchString(p) {
				public[p] = true
			}
		}
	})
	if err != nil {
		return nil, err
	}
	for p := range public {
		f.public = append(f.public, p)
	}
	sort.Strings(f.public)
	s := componentConditionRE.ReplaceAll(src, nil)
	s = shortcutPropertyRE.ReplaceAll(s, nil)
	s = wixlIgnoredAttrRE.ReplaceAll(s, nil)
	// Every Condition and ShortcutProperty left would reach wixl: refuse
	// rather than build an MSI that silently differs from WiX's.
	var check node
	if err := decodeXML(s, &check); err != nil {
		return nil, err
	}
	check.walk(func(parent, n node) {
		if n.XMLName.Local == "ShortcutProperty" || n.XMLName.Local == "Condition" && parent.XMLName.Local == "Component" {
			err = errors.Join(err, fmt.Errorf("%s in %s %s must be on one line of its own", n.XMLName.Local, parent.XMLName.Local, parent.attr("Id")))
		}
	})
	if err != nil {
		return nil, err
	}
	f.wixlSource = s
	return f, nil
}

func (f *fixups) queries(ctx context.Context, msi, stage string) ([]string, error) {
	var q []string
	// wixl leaves File.Version empty; WiX fills it from the version
	// resource, and Windows Installer's file rules use it.
	files, err := ExportTable(ctx, msi, "File")
	if err != nil {
		return nil, err
	}
	for _, r := range files {
		name := r["FileName"]
		if i := strings.IndexByte(name, '|'); i >= 0 {
			name = name[i+1:]
		}
		if ext := strings.ToLower(filepath.Ext(name)); ext != ".exe" && ext != ".dll" {
			continue
		}
		if info, err := ReadPE(filepath.Join(stage, name)); err == nil && info.FileVersion != "" {
			q = append(q, fmt.Sprintf("UPDATE `File` SET `Version` = '%s' WHERE `File` = '%s'", info.FileVersion, r["File"]))
		}
	}
	ids := make([]string, 0, len(f.conditions))
	for id := range f.conditions {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		q = append(q, fmt.Sprintf("UPDATE `Component` SET `Condition` = '%s' WHERE `Component` = '%s'", f.conditions[id], id))
	}
	for i, a := range f.afterAppSearch {
		q = append(q, fmt.Sprintf("UPDATE `InstallExecuteSequence` SET `Sequence` = %d WHERE `Action` = '%s'", standardSequence["AppSearch"]+1+i, a))
	}
	sched := f.schedule
	if sched == "" {
		sched = "afterInstallValidate" // WiX's default
	}
	q = append(q, fmt.Sprintf("UPDATE `InstallExecuteSequence` SET `Sequence` = %d WHERE `Action` = 'RemoveExistingProducts'", standardSequence[sched]))
	if f.sameVersion {
		rows, err := ExportTable(ctx, msi, "Upgrade")
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if r["ActionProperty"] != "WIX_UPGRADE_DETECTED" {
				continue
			}
			// Attributes is part of the key: delete and insert with
			// msidbUpgradeAttributesVersionMaxInclusive (0x200).
			var attrs int
			fmt.Sscan(r["Attributes"], &attrs)
			q = append(q,
				"DELETE FROM `Upgrade` WHERE `ActionProperty` = 'WIX_UPGRADE_DETECTED'",
				fmt.Sprintf("INSERT INTO `Upgrade` (`UpgradeCode`, `VersionMax`, `Attributes`, `ActionProperty`) VALUES ('%s', '%s', %d, 'WIX_UPGRADE_DETECTED')",
					r["UpgradeCode"], r["VersionMax"], attrs|0x200))
		}
	}
	if len(f.shortcutProps) > 0 {
		q = append(q, "CREATE TABLE `MsiShortcutProperty` (`MsiShortcutProperty` CHAR(72) NOT NULL, `Shortcut_` CHAR(72) NOT NULL, "+
			"`PropertyKey` CHAR(0) NOT NULL, `PropVariantValue` CHAR(0) NOT NULL PRIMARY KEY `MsiShortcutProperty`)")
		for i, p := range f.shortcutProps {
			q = append(q, fmt.Sprintf("INSERT INTO `MsiShortcutProperty` (`MsiShortcutProperty`, `Shortcut_`, `PropertyKey`, `PropVariantValue`) VALUES ('%s%d', '%s', '%s', '%s')",
				"ShortcutProp", i+1, p.shortcut, p.key, p.value))
		}
	}
	props, err := ExportTable(ctx, msi, "Property")
	if err != nil {
		return nil, err
	}
	secure := []string{}
	for _, r := range props {
		if r["Property"] == "SecureCustomProperties" && r["Value"] != "" {
			secure = strings.Split(r["Value"], ";")
		}
	}
	seen := map[string]bool{}
	for _, s := range secure {
		seen[s] = true
	}
	for _, p := range f.public {
		if !seen[p] {
			secure = append(secure, p)
		}
	}
	q = append(q, "DELETE FROM `Property` WHERE `Property` = 'SecureCustomProperties'",
		fmt.Sprintf("INSERT INTO `Property` (`Property`, `Value`) VALUES ('SecureCustomProperties', '%s')", strings.Join(secure, ";")))
	return q, nil
}

// ExportTable reads one table of an MSI with msiinfo: one map per row, by
// column name. A table the database does not have is an error.
func ExportTable(ctx context.Context, msi, table string) ([]map[string]string, error) {
	out, err := exec.CommandContext(ctx, "msiinfo", "export", msi, table).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%w: %s", err, bytes.TrimSpace(ee.Stderr))
		}
		return nil, fmt.Errorf("msiinfo export %s: %w", table, err)
	}
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(string(out), "\r\n", "\n"), "\n"), "\n")
	if len(lines) < 3 {
		return nil, fmt.Errorf("msiinfo export %s: no header", table)
	}
	cols := strings.Split(lines[0], "\t")
	var rows []map[string]string
	for _, l := range lines[3:] {
		vals := strings.Split(l, "\t")
		r := make(map[string]string, len(cols))
		for i, c := range cols {
			if i < len(vals) {
				r[c] = vals[i]
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// decodeXML decodes an XML document that declares any single-byte encoding
// and whose text is ASCII (as BuildMSI requires), or UTF-8.
func decodeXML(b []byte, v any) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.CharsetReader = func(charset string, r io.Reader) (io.Reader, error) {
		if bytes.IndexFunc(b, func(r rune) bool { return r > 0x7e }) >= 0 {
			return nil, fmt.Errorf("encoding %s with non-ASCII text", charset)
		}
		return r, nil
	}
	return d.Decode(v)
}

func tool(given, name string) string {
	if given != "" {
		return given
	}
	return name
}

func run(ctx context.Context, dir string, log io.Writer, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if log != nil {
		log.Write(out.Bytes())
	}
	if err != nil {
		return fmt.Errorf("%w: %s", err, lastLines(out.String(), 5))
	}
	// wixl reports some errors on stderr and still exits 0.
	if bytes.Contains(out.Bytes(), []byte("ERROR **")) || bytes.Contains(out.Bytes(), []byte("CRITICAL **")) {
		return fmt.Errorf("%s reported an error: %s", name, lastLines(out.String(), 5))
	}
	return nil
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, " | ")
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}
