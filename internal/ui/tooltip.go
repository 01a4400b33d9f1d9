package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// tipIcon is an icon that explains itself in a small pop-up while the
// pointer rests on it: every icon of the list has one.
type tipIcon struct {
	widget.Icon
	Tip string
	pop *widget.PopUp
}

func newTipIcon() *tipIcon {
	t := &tipIcon{}
	t.ExtendBaseWidget(t)
	return t
}

// set shows res with its explanation, or nothing.
func (t *tipIcon) set(res fyne.Resource, tip string) {
	t.Tip = tip
	t.SetResource(res)
}

// MouseIn implements desktop.Hoverable.
func (t *tipIcon) MouseIn(e *desktop.MouseEvent) {
	if t.Tip == "" || t.Resource == nil {
		return
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(t)
	if c == nil {
		return
	}
	l := widget.NewLabel(t.Tip)
	t.pop = widget.NewPopUp(l, c)
	pos := e.AbsolutePosition.Add(fyne.NewPos(12, 16))
	size := l.MinSize()
	if cs := c.Size(); pos.X+size.Width > cs.Width {
		pos.X = max(cs.Width-size.Width, 0)
	}
	t.pop.ShowAtPosition(pos)
}

// MouseMoved implements desktop.Hoverable.
func (t *tipIcon) MouseMoved(*desktop.MouseEvent) {}

// MouseOut implements desktop.Hoverable.
func (t *tipIcon) MouseOut() {
	if t.pop != nil {
		t.pop.Hide()
		t.pop = nil
	}
}

var _ desktop.Hoverable = (*tipIcon)(nil)
