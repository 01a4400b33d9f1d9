package pdfconv

import (
	"os"
	"path/filepath"
	"strings"
)

// sealedSettings is the private LibreOffice profile's configuration (R4:
// converting a received file must not run its code nor reach the network):
// macros never run, links and graphics are only loaded from trusted
// locations (there are none), linked content is never updated, no update
// check, no lock files beside the input, and every HTTP/HTTPS/FTP request
// goes to a proxy in the reserved .invalid domain, so one missed path still
// cannot reach a server.
var sealedSettings = [][3]string{
	{"/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3"},
	{"/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "true"},
	{"/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"},
	{"/org.openoffice.Office.Common/Misc", "UseLocking", "false"},
	{"/org.openoffice.Office.Common/Misc", "ShowLinkWarningDialog", "false"},
	{"/org.openoffice.Office.Writer/Content/Update", "Link", "2"}, // never
	{"/org.openoffice.Office.Calc/Content/Update", "Link", "2"},
	{"/org.openoffice.Office.Jobs/Jobs/org.openoffice.Office.Jobs:Job['UpdateCheck']/Arguments", "AutoCheckEnabled", "false"},
	{"/org.openoffice.Inet/Settings", "ooInetProxyType", "2"}, // manual
	{"/org.openoffice.Inet/Settings", "ooInetHTTPProxyName", "proxy.invalid"},
	{"/org.openoffice.Inet/Settings", "ooInetHTTPProxyPort", "9"},
	{"/org.openoffice.Inet/Settings", "ooInetHTTPSProxyName", "proxy.invalid"},
	{"/org.openoffice.Inet/Settings", "ooInetHTTPSProxyPort", "9"},
	{"/org.openoffice.Inet/Settings", "ooInetFTPProxyName", "proxy.invalid"},
	{"/org.openoffice.Inet/Settings", "ooInetFTPProxyPort", "9"},
	{"/org.openoffice.Inet/Settings", "ooInetNoProxy", ""},
}

// sealedProfileXCU renders sealedSettings as registrymodifications.xcu.
func sealedProfileXCU() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` + "\n")
	for _, s := range sealedSettings {
		b.WriteString(`<item oor:path="` + xmlEscape(s[0]) + `"><prop oor:name="` + s[1] + `" oor:op="fuse"><value>` + xmlEscape(s[2]) + "</value></prop></item>\n")
	}
	b.WriteString("</oor:items>\n")
	return b.String()
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}

// writeSealedProfile prepares the profile folder LibreOffice is started with.
func writeSealedProfile(profile string) error {
	user := filepath.Join(profile, "user")
	if err := os.MkdirAll(user, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(user, "registrymodifications.xcu"), []byte(sealedProfileXCU()), 0o600)
}
