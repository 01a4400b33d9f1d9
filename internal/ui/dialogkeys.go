package ui

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// keyDialog is a shown dialog's keyboard answer: Enter runs ok, Escape
// cancel (Outlook's habits).
type keyDialog struct {
	d          dialog.Dialog
	ok, cancel func()
}

var (
	dialogMu      sync.Mutex
	dialogsByWind = map[fyne.Window][]*keyDialog{}
)

// showKeyed shows d in w, answering Enter with ok and Escape with cancel
// (nil: just close). onClosed, if set, runs when it closes.
func showKeyed(w fyne.Window, d dialog.Dialog, ok, cancel, onClosed func()) {
	kd := &keyDialog{d: d, ok: ok, cancel: cancel}
	if kd.ok == nil {
		kd.ok = d.Hide
	}
	if kd.cancel == nil {
		kd.cancel = d.Hide
	}
	d.SetOnClosed(func() {
		dialogMu.Lock()
		list := dialogsByWind[w]
		for i, x := range list {
			if x == kd {
				dialogsByWind[w] = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		if len(dialogsByWind[w]) == 0 {
			delete(dialogsByWind, w)
		}
		dialogMu.Unlock()
		if onClosed != nil {
			onClosed()
		}
	})
	dialogMu.Lock()
	dialogsByWind[w] = append(dialogsByWind[w], kd)
	dialogMu.Unlock()
	d.Show()
	w.Canvas().Unfocus() // the keys go to the window, so to the dialog
}

// dialogKey answers Enter or Escape for the topmost keyed dialog of w; it
// reports whether there was one.
func dialogKey(w fyne.Window, k *fyne.KeyEvent) bool {
	if k.Name != fyne.KeyEscape && k.Name != fyne.KeyReturn && k.Name != fyne.KeyEnter {
		return false
	}
	dialogMu.Lock()
	list := dialogsByWind[w]
	var top *keyDialog
	if len(list) > 0 {
		top = list[len(list)-1]
	}
	dialogMu.Unlock()
	if top == nil {
		return false
	}
	if k.Name == fyne.KeyEscape {
		top.cancel()
	} else {
		top.ok()
	}
	return true
}
