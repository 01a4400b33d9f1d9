package ui

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"thucongvu/internal/model"
)

// memAgency adds the agency duties to the demo services, in memory.
type memAgency struct {
	*MemServices
	mu        sync.Mutex
	entries   []RegisterEntry
	queries   []RegisterQuery
	fixes     []string
	processed []ProcessRequest
}

func newMemAgency() *memAgency {
	m := &memAgency{MemServices: NewMemServices()}
	for i, agency := range []string{"UBND huyện Kim Bảng", "Sở Nội vụ tỉnh Hà Nam", "Bộ Nội vụ"} {
		m.entries = append(m.entries, RegisterEntry{Account: "co-quan", Direction: "in", Year: 2026, Number: i + 1,
			ReceivedAt: time.Date(2026, 11, 20+i, 8, 0, 0, 0, time.Local), Agency: agency, DocNumber: fmt.Sprintf("%d/UBND-VP", 100+i),
			DocType: "Công văn", Summary: "hướng dẫn sử dụng thư điện tử", State: "new"})
	}
	m.entries[2].Direction = "out"
	return m
}

func (m *memAgency) Register(q RegisterQuery) ([]RegisterEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.queries = append(m.queries, q)
	var out []RegisterEntry
	for _, e := range m.entries {
		if (q.Direction == "" || e.Direction == q.Direction) && (q.From.IsZero() || !e.ReceivedAt.Before(q.From)) &&
			(q.To.IsZero() || e.ReceivedAt.Before(q.To)) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (m *memAgency) CorrectRegister(e RegisterEntry, field, value string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fixes = append(m.fixes, fmt.Sprintf("%d %s=%s", e.Number, field, value))
	return nil
}

func (m *memAgency) ExportRegister(RegisterQuery, string) error { return nil }
func (m *memAgency) UsageReport(account, period string) (*UsageReport, error) {
	return &UsageReport{Period: period, From: "2026-01-01", To: "2026-12-31", Lines: [][2]string{{"Văn bản đến", "3"}}}, nil
}
func (m *memAgency) ExportReport(string, string, string) error { return nil }
func (m *memAgency) Process(r ProcessRequest) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.processed = append(m.processed, r)
	return nil
}
func (m *memAgency) Assignees() []model.Address {
	return []model.Address{{Name: "Hoàng Văn Nam", Address: "hoangvannam@hanam.gov.vn"}}
}
func (m *memAgency) Departments() []model.Address {
	return []model.Address{{Name: "Phòng Bưu chính Viễn thông", Address: "bcvt@hanam.gov.vn"}, {Name: "Văn phòng Sở", Address: "vanphong@hanam.gov.vn"}}
}
func (m *memAgency) Overview() (*AgencyOverview, error) {
	return &AgencyOverview{Today: m.entries[:1], Unacked: m.entries[:2], NextCheck: time.Date(2026, 12, 2, 7, 30, 0, 0, time.Local)}, nil
}

// The register window lists the incoming register, switches to the
// outgoing one, reads day/month/year filters, and sends only the fields
// a correction changed.
func TestRegisterViewFiltersAndCorrects(t *testing.T) {
	svc := newMemAgency()
	u, w := newTestUI(t, svc)
	v := u.newRegisterView(w, svc)
	w.SetContent(v.object())
	v.reload()
	u.bg.Wait()
	if len(v.rows) != 2 || registerCell(v.rows[0], 3) != "100/UBND-VP" {
		t.Fatalf("incoming rows: %+v", v.rows)
	}
	v.direction.SetSelected(v.direction.Options[1])
	u.bg.Wait()
	if len(v.rows) != 1 || v.rows[0].Number != 3 {
		t.Fatalf("outgoing rows: %+v", v.rows)
	}
	v.direction.SetSelected(v.direction.Options[0])
	u.bg.Wait()
	v.from.SetText("21/11/2026")
	v.reload()
	u.bg.Wait()
	if len(v.rows) != 1 || v.rows[0].Number != 2 {
		t.Fatalf("from 21/11: %+v", v.rows)
	}
	asked := false
	for _, q := range svc.queries {
		asked = asked || (q.From.Format("2006-01-02") == "2026-11-21" && q.Direction == "in" && q.To.IsZero())
	}
	if !asked {
		t.Fatalf("queries: %+v", svc.queries)
	}
	if got := isoDate("5/1/2026"); got != "2026-01-05" {
		t.Errorf("isoDate: %q", got)
	}
	if got := isoDate("31/02/2026"); got != "31/02/2026" {
		t.Errorf("a malformed date is kept for the register to refuse: %q", got)
	}
}

// "Chuyển xử lý" needs an assignee, a note and a readable deadline.
func TestProcessFormRequest(t *testing.T) {
	svc := newMemAgency()
	u, _ := newTestUI(t, svc)
	f := u.newProcessForm(svc)
	if _, ok := f.request(7); ok {
		t.Fatal("a request without assignee and note")
	}
	f.departments.SetSelected([]string{"Văn phòng Sở"})
	test.Type(f.note, "Giao Văn phòng chủ trì.")
	if r, ok := f.request(7); !ok || len(r.To) != 1 || r.To[0] != "Văn phòng Sở" {
		t.Fatalf("a department alone: %+v %v", r, ok)
	}
	f.departments.SetSelected(nil)
	f.people.SetSelected([]string{f.people.Options[0]})
	f.other.SetText("a@hanam.gov.vn; b@hanam.gov.vn")
	f.deadline.SetText("15/12/2026")
	r, ok := f.request(7)
	if !ok || r.ID != 7 || len(r.To) != 3 || !strings.Contains(r.To[0], "hoangvannam@") || r.Deadline != "2026-12-15" {
		t.Fatalf("request: %+v %v", r, ok)
	}
	if got := f.departments.Options; len(got) != 2 || got[0] != "Phòng Bưu chính Viễn thông" {
		t.Errorf("department choices %q", got)
	}
	f.deadline.SetText("hạn cuối")
	if _, ok := f.request(7); ok {
		t.Fatal("an unreadable deadline accepted")
	}
}

// The overview shows its three lists with their counts and the next check.
func TestOverviewShows(t *testing.T) {
	svc := newMemAgency()
	u, w := newTestUI(t, svc)
	ov, _ := svc.Overview()
	v := &overviewView{u: u, win: w, svc: svc, body: container.NewVBox()}
	v.show(ov)
	var texts []string
	walkLabels(v.body, func(s string) { texts = append(texts, s) })
	all := strings.Join(texts, "\n")
	for _, want := range []string{"07:30 02/12/2026", "UBND huyện Kim Bảng", "2/2026 · Sở Nội vụ tỉnh Hà Nam"} {
		if !strings.Contains(all, want) {
			t.Errorf("overview lacks %q:\n%s", want, all)
		}
	}
}

// walkLabels calls fn with the text of every label under o.
func walkLabels(o fyne.CanvasObject, fn func(string)) {
	switch x := o.(type) {
	case *widget.Label:
		fn(x.Text)
	case *widget.Card:
		walkLabels(x.Content, fn)
	case *fyne.Container:
		for _, c := range x.Objects {
			walkLabels(c, fn)
		}
	}
}
