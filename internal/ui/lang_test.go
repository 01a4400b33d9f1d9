package ui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2/lang"
	"golang.org/x/text/unicode/norm"

	"thucongvu/translations"
)

func catalog(t *testing.T, code string) map[string]string {
	t.Helper()
	raw, err := translations.FS.ReadFile(code + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s.json: %v", code, err)
	}
	return m
}

// TestTranslationsSameKeys fails on a key present in one language only, an
// empty text, or text not in Unicode NFC.
func TestTranslationsSameKeys(t *testing.T) {
	vi, en := catalog(t, "vi"), catalog(t, "en")
	for _, c := range []struct {
		name     string
		a, b     map[string]string
		otherLng string
	}{{"vi", vi, en, "en"}, {"en", en, vi, "vi"}} {
		for k, v := range c.a {
			if _, ok := c.b[k]; !ok {
				t.Errorf("key %q is in %s.json but not in %s.json", k, c.name, c.otherLng)
			}
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s.json: %q is empty", c.name, k)
			}
			if !norm.NFC.IsNormalString(v) {
				t.Errorf("%s.json: %q is not NFC", c.name, k)
			}
		}
	}
}

// fyneKeys are the strings Fyne's own widgets and dialogs translate
// (fyne.io/fyne/v2/lang/translations/base.en.json).
var fyneKeys = []string{"Advanced", "Cancel", "Confirm", "Copy", "Create Folder", "Cut", "Enter filename", "Error",
	"Favourites", "File", "Folder", "New Folder", "No", "OK", "Open", "Paste", "Quit", "Redo", "Save", "Select all",
	"Show Hidden Files", "Undo", "Yes", "file.name", "file.parent", "monday", "monday.short", "tuesday", "tuesday.short",
	"wednesday", "wednesday.short", "thursday", "thursday.short", "friday", "friday.short", "saturday", "saturday.short",
	"sunday", "sunday.short"}

// dynamicKeys are keys built at run time from a prefix.
var dynamicKeys = []string{"folder.inbox", "folder.sent", "folder.drafts", "folder.trash", "folder.junk", "folder.archive",
	"finding.no_recipient", "finding.no_subject", "finding.secret", "finding.foreign_webmail", "finding.not_pdf",
	"finding.signature_incomplete", "finding.size", "setup.step_email_intro", "setup.step_servers_intro",
	"setup.step_password_intro", "setup.step_test_intro", "setup.step_profile_intro", "setup.step_signature_intro",
	"sig.name", "sig.title", "sig.agency", "sig.address", "sig.phone", "sig.mobile", "sig.fax", "sig.website", "sig.email"}

func parseSources(t *testing.T) (*token.FileSet, []*ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	paths, _ := filepath.Glob("*.go")
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return fset, files
}

func selName(e ast.Expr) string {
	if s, ok := e.(*ast.SelectorExpr); ok {
		if x, ok := s.X.(*ast.Ident); ok {
			return x.Name + "." + s.Sel.Name
		}
		return "." + s.Sel.Name
	}
	return ""
}

// TestUsedKeysExist: every key the code passes to lang.L, and the keys it
// builds from prefixes, exists in both catalogues; Fyne's own keys too.
func TestUsedKeysExist(t *testing.T) {
	vi, en := catalog(t, "vi"), catalog(t, "en")
	used := append(append([]string(nil), fyneKeys...), dynamicKeys...)
	fset, files := parseSources(t)
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || selName(call.Fun) != "lang.L" || len(call.Args) == 0 {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			if !strings.HasSuffix(key, ".") { // prefixes are covered by dynamicKeys
				used = append(used, key)
			}
			_ = fset
			return true
		})
	}
	sort.Strings(used)
	for _, k := range used {
		if _, ok := vi[k]; !ok {
			t.Errorf("key %q is used but missing from vi.json", k)
		}
		if _, ok := en[k]; !ok {
			t.Errorf("key %q is used but missing from en.json", k)
		}
	}
}

// textTakers are constructors and setters whose string arguments users see.
var textTakers = map[string]bool{
	"widget.NewLabel": true, "widget.NewLabelWithStyle": true, "widget.NewButton": true,
	"widget.NewButtonWithIcon": true, "widget.NewCheck": true, "widget.NewCard": true,
	"widget.NewFormItem": true, "widget.NewHyperlink": true, "widget.NewRichTextWithText": true,
	"widget.NewToolbarAction": true, "widget.NewAccordionItem": true, "fyne.NewMenuItem": true,
	"fyne.NewMenu": true, "fyne.NewNotification": true, "container.NewTabItem": true,
	"container.NewTabItemWithIcon": true, "dialog.ShowInformation": true, "dialog.NewInformation": true,
	"dialog.ShowConfirm": true, "dialog.NewConfirm": true, "dialog.NewForm": true, "dialog.ShowForm": true,
	"dialog.NewCustom": true, "dialog.NewCustomWithoutButtons": true, "dialog.ShowCustom": true,
	".SetText": true, ".SetPlaceHolder": true, ".SetTitle": true, ".NewWindow": true, ".Append": true,
}

// TestNoUntranslatedLiterals fails on a user-visible string literal passed
// straight to a widget instead of through lang.L.
func TestNoUntranslatedLiterals(t *testing.T) {
	fset, files := parseSources(t)
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name := selName(call.Fun)
			method := ""
			if i := strings.LastIndex(name, "."); i >= 0 {
				method = name[i:]
			}
			if !textTakers[name] && !textTakers[method] {
				return true
			}
			for _, arg := range call.Args {
				lit, ok := arg.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				s, _ := strconv.Unquote(lit.Value)
				if strings.IndexFunc(s, unicode.IsLetter) >= 0 {
					t.Errorf("%s: %s(%s) shows a literal; use lang.L", fset.Position(lit.Pos()), name, lit.Value)
				}
			}
			return true
		})
	}
}

func TestSetLanguage(t *testing.T) {
	tests := []struct{ code, key, want string }{
		{"en", "action.new", "New mail"},
		{"vi", "action.new", "Thư mới"},
		{"xx", "action.reply", "Trả lời"}, // unknown: Vietnamese
		{"vi", "Cancel", "Huỷ"},           // Fyne's own button
		{"en", "Cancel", "Cancel"},
	}
	for _, tc := range tests {
		if err := SetLanguage(tc.code); err != nil {
			t.Fatal(err)
		}
		if got := lang.L(tc.key); got != tc.want {
			t.Errorf("SetLanguage(%q): L(%q) = %q, want %q", tc.code, tc.key, got, tc.want)
		}
	}
	if err := SetLanguage("vi"); err != nil {
		t.Fatal(err)
	}
	if got := lang.L("status.folder", map[string]any{"Count": 3}); got != "3 thư" {
		t.Errorf("template: %q", got)
	}
}
