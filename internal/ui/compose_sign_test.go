//go:build !windows

package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"thucongvu/internal/docsign"
)

// textsIn gathers every label, check and entry text under o.
func textsIn(o fyne.CanvasObject) []string {
	var out []string
	switch v := o.(type) {
	case *widget.Label:
		out = append(out, v.Text)
	case *widget.Check:
		out = append(out, v.Text)
	case *widget.Entry:
		out = append(out, v.Text)
	case *fyne.Container:
		for _, c := range v.Objects {
			out = append(out, textsIn(c)...)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			out = append(out, textsIn(c)...)
		}
	}
	return out
}

func findWidget[T fyne.CanvasObject](o fyne.CanvasObject) (T, bool) {
	if w, ok := o.(T); ok {
		return w, true
	}
	var kids []fyne.CanvasObject
	switch v := o.(type) {
	case *fyne.Container:
		kids = v.Objects
	case fyne.Widget:
		kids = test.WidgetRenderer(v).Objects()
	}
	for _, c := range kids {
		if w, ok := findWidget[T](c); ok {
			return w, true
		}
	}
	var zero T
	return zero, false
}

// R4: "Ký số" offers the account's signature image (the seal for the
// organization), the timestamp authority machine policy fixes, and the
// PIN each time; a wrong PIN asks again saying so, a locked token is told
// in its own words (Vietnamese).
func TestR4SignDialogPicturesTSAAndPIN(t *testing.T) {
	svc := &fakeSigner{MemServices: NewMemServices(), defaults: SignDefaults{
		Image: "/home/nva/chu-ky.png", Seal: "/srv/dau/so-tttt.png", TSA: "http://tsa.longan.gov.vn", TSALocked: true, SealLocked: true},
		errs: []error{fmt.Errorf("login: %w", docsign.ErrWrongPIN), fmt.Errorf("login: %w", docsign.ErrTokenLocked)}}
	u, _ := newTestUI(t, svc)
	u.NewCompose(Draft{Subject: "Công văn", Attachments: []string{"/tmp/cv.pdf"}})
	c := u.compose
	test.Tap(buttonIn(c.attachBox.Objects[0], lang.L("compose.sign")))
	top := c.win.Canvas().Overlays().Top()
	texts := strings.Join(textsIn(top), "|")
	if !strings.Contains(texts, "chu-ky.png") || !strings.Contains(texts, "http://tsa.longan.gov.vn") {
		t.Fatalf("dialog: %s", texts)
	}
	if e, _ := findWidget[*widget.Entry](top); e == nil || !e.Disabled() {
		t.Fatal("the policy's TSA should be shown locked")
	}
	radio, _ := findWidget[*widget.RadioGroup](top)
	radio.SetSelected(lang.L("compose.sign_as_organization"))
	if texts = strings.Join(textsIn(top), "|"); !strings.Contains(texts, "so-tttt.png") {
		t.Fatalf("the seal for the organization: %s", texts)
	}
	if check, _ := findWidget[*widget.Check](top); check == nil || !check.Checked || !check.Disabled() {
		t.Fatal("the seal machine policy sets should show, locked")
	}
	test.Type(findEntry(top), "111111")
	test.Tap(buttonIn(top, lang.L("compose.sign")))
	u.bg.Wait()
	if svc.req != (SignRequest{As: docsign.AsOrganization, PIN: "111111", Image: "/srv/dau/so-tttt.png", TSA: "http://tsa.longan.gov.vn"}) {
		t.Fatalf("request %+v", svc.req)
	}
	// Wrong PIN: asked again, saying why, with an empty PIN.
	top = c.win.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(strings.Join(textsIn(top), "|"), lang.L("sign.wrong_pin_again")) || findEntry(top).Text != "" {
		t.Fatal("a wrong PIN should ask again, saying so")
	}
	test.Type(findEntry(top), "222222")
	test.Tap(buttonIn(top, lang.L("compose.sign")))
	u.bg.Wait()
	// Locked: its own message, the attachment unchanged.
	top = c.win.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(strings.ToLower(strings.Join(textsIn(top), "|")), strings.ToLower(lang.L("sign.locked"))) {
		t.Fatalf("a locked token should be told as such: %q", textsIn(top))
	}
	if strings.Contains(strings.Join(textsIn(top), "|"), lang.L("sign.wrong_pin_again")) || c.attachments[0] != "/tmp/cv.pdf" {
		t.Fatalf("locked told as a wrong PIN, or the attachment changed: %q", c.attachments)
	}
}
