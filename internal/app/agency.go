package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"thucongvu/internal/engine"
	"thucongvu/internal/failure"
	"thucongvu/internal/i18n"
	"thucongvu/internal/model"
	"thucongvu/internal/profile"
	"thucongvu/internal/register"
	"thucongvu/internal/remind"
	"thucongvu/internal/report"
	"thucongvu/internal/ui"
	"thucongvu/internal/vntext"
)

var _ ui.AgencyServices = (*Services)(nil)

func (s *Services) register() *register.Register {
	r := register.New(s.E)
	r.Fetch = false // the window never waits on the network for the register
	return r
}

func (s *Services) accountsNamed(name string) []model.Account {
	if name == "" {
		return s.Accounts()
	}
	a, err := s.account(name)
	if err != nil {
		return nil
	}
	return []model.Account{a}
}

func (s *Services) registerEntries(q ui.RegisterQuery) ([]register.Entry, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	reg := s.register()
	if err := reg.Refresh(ctx, s.accountsNamed(q.Account)); err != nil {
		return nil, err
	}
	list, err := reg.List(ctx, register.Filter{Account: q.Account, Direction: q.Direction, From: q.From, To: q.To})
	if err != nil {
		return nil, err
	}
	text := vntext.Fold(strings.TrimSpace(q.Text))
	if text == "" {
		return list, nil
	}
	var out []register.Entry
	for _, e := range list {
		if strings.Contains(vntext.Fold(e.DocNumber+" "+e.Agency+" "+e.Summary+" "+e.DocType), text) {
			out = append(out, e)
		}
	}
	return out, nil
}

// Register implements ui.AgencyServices.
func (s *Services) Register(q ui.RegisterQuery) ([]ui.RegisterEntry, error) {
	list, err := s.registerEntries(q)
	if err != nil {
		return nil, err
	}
	out := make([]ui.RegisterEntry, len(list))
	for i, e := range list {
		out[i] = uiEntry(e)
	}
	return out, nil
}

func uiEntry(e register.Entry) ui.RegisterEntry {
	return ui.RegisterEntry{Account: e.Account, Direction: e.Direction, Year: e.Year, Number: e.Number, ReceivedAt: e.ReceivedAt,
		Agency: e.Agency, DocNumber: e.DocNumber, DocDate: e.DocDate, DocType: e.DocType, Summary: e.Summary,
		AssignedTo: e.AssignedTo, Note: e.Note, Deadline: e.Deadline, State: e.State, Acked: e.AcknowledgedAt != nil}
}

// CorrectRegister implements ui.AgencyServices.
func (s *Services) CorrectRegister(e ui.RegisterEntry, field, value string) error {
	ctx, cancel := s.ctx()
	defer cancel()
	reg := s.register()
	entry, err := reg.Find(ctx, e.Account, e.Direction, e.Year, e.Number)
	if err != nil {
		return err
	}
	_, err = reg.Set(ctx, entry, field, value)
	return err
}

// ExportRegister implements ui.AgencyServices.
func (s *Services) ExportRegister(q ui.RegisterQuery, path string) error {
	list, err := s.registerEntries(q)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := register.WriteXLSX(&buf, list, q.Account); err != nil {
		return err
	}
	return writeFile(path, buf.Bytes())
}

// writeFile writes data to path through a temporary file beside it: a
// full disk leaves no half-written file.
func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".thucongvu-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func (s *Services) buildReport(account, period string) (*report.Report, error) {
	p, err := report.ParsePeriod(period)
	if err != nil {
		return nil, err
	}
	ctx, cancel := s.ctx()
	defer cancel()
	return report.Build(ctx, s.E, s.register(), s.accountsNamed(account), p, time.Now())
}

// UsageReport implements ui.AgencyServices.
func (s *Services) UsageReport(account, period string) (*ui.UsageReport, error) {
	r, err := s.buildReport(account, period)
	if err != nil {
		return nil, err
	}
	msg, err := i18n.Load(s.Settings().Language)
	if err != nil {
		return nil, err
	}
	out := &ui.UsageReport{Period: r.Period, From: r.From, To: r.To, Lines: r.LinesIn(msg)}
	if out.Charts, err = report.Charts(r, msg); err != nil {
		return nil, err
	}
	if next := s.nextReports(); len(next) > 0 {
		out.NextDeadline = fmt.Sprintf("%s %s (%s)", next[0].Period, next[0].Due.Format("02/01/2006"), next[0].Source)
	}
	return out, nil
}

func (s *Services) nextReports() []remind.ReportReminder {
	profiles := map[string]profile.Profile{}
	for _, a := range s.Accounts() {
		profiles[a.Name] = engine.Profile(a)
	}
	return remind.NextReports(time.Now(), profiles)
}

// ExportReport implements ui.AgencyServices.
func (s *Services) ExportReport(account, period, path string) error {
	r, err := s.buildReport(account, period)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pdf":
		err = report.WritePDF(&buf, r, time.Now())
	case ".xlsx":
		err = report.WriteXLSX(&buf, r)
	default:
		return fmt.Errorf("%w: %s: save as .pdf or .xlsx", failure.ErrUsage, path)
	}
	if err != nil {
		return err
	}
	return writeFile(path, buf.Bytes())
}

// Process implements ui.AgencyServices: the forward is queued in the
// outbox and the outbox duty delivers it.
func (s *Services) Process(r ui.ProcessRequest) error {
	ctx, cancel := s.ctx()
	defer cancel()
	m, err := s.E.Store.Message(ctx, r.ID)
	if err != nil {
		return err
	}
	to, err := register.Assignees(s.E.Policy, r.To)
	if err != nil {
		return err
	}
	_, err = s.register().Process(ctx, register.ProcessRequest{Account: m.Account, MessageID: m.MessageID, To: to,
		Note: r.Note, Deadline: r.Deadline, Lang: s.Lang})
	if err != nil {
		return err
	}
	if a, err := s.account(m.Account); err == nil {
		go func() {
			fctx, cancel := s.ctx()
			defer cancel()
			if _, err := s.E.Flush(fctx, a); err == nil {
				s.emitOutbox(fctx)
			}
		}()
	}
	return nil
}

// Assignees implements ui.AgencyServices: the agency's own people, those
// the user corresponds with at the accounts' domains, most frequent first.
func (s *Services) Assignees() []model.Address {
	ctx, cancel := s.ctx()
	defer cancel()
	seen := map[string]bool{}
	var out []model.Address
	for _, a := range s.Accounts() {
		own := strings.ToLower(a.Email)
		_, domain, ok := strings.Cut(own, "@")
		if !ok {
			continue
		}
		label, _, _ := strings.Cut(domain, ".")
		for _, c := range s.E.Correspondents(ctx, label, 200) {
			addr := strings.ToLower(c.Address)
			if strings.HasSuffix(addr, "@"+domain) && addr != own && !seen[addr] {
				seen[addr] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// Departments implements ui.AgencyServices: the machine policy's list (R8).
func (s *Services) Departments() []model.Address {
	if s.E.Policy == nil {
		return nil
	}
	return s.E.Policy.Departments
}

// Overview implements ui.AgencyServices.
func (s *Services) Overview() (*ui.AgencyOverview, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	var shared []model.Account
	for _, a := range s.Accounts() {
		if a.Shared {
			shared = append(shared, a)
		}
	}
	if len(shared) == 0 {
		shared = s.Accounts()
	}
	reg := s.register()
	if err := reg.Refresh(ctx, shared); err != nil {
		return nil, err
	}
	o, err := reg.Overview(ctx, shared)
	if err != nil {
		return nil, err
	}
	out := &ui.AgencyOverview{}
	for _, l := range []struct {
		in  []register.Entry
		out *[]ui.RegisterEntry
	}{{o.Today, &out.Today}, {o.Unacked, &out.Unacked}, {o.Overdue, &out.Overdue}} {
		for _, e := range l.in {
			*l.out = append(*l.out, uiEntry(e))
		}
	}
	if next := s.nextReports(); len(next) > 0 {
		out.NextReport = fmt.Sprintf("%s — %s (%s)", next[0].Period, next[0].Due.Format("02/01/2006"), next[0].Source)
	}
	if sched, err := (&Reminders{S: s, Clock: remind.SystemClock{}}).scheduler(); err == nil {
		out.NextCheck = sched.Next(time.Now())
	}
	return out, nil
}

// agencyReminder is what a check-time reminder adds for the agency's
// duties: documents whose processing is past its deadline (R8) and a
// usage report due within remind.ReportLead (R10: LA 16.1, HN 11.8).
func (s *Services) agencyReminder(ctx context.Context, account string, msg *i18n.Catalog, now time.Time) string {
	a, err := s.account(account)
	if err != nil {
		return ""
	}
	var out string
	reg := s.register()
	if err := reg.Refresh(ctx, []model.Account{a}); err == nil {
		if o, err := reg.Overview(ctx, []model.Account{a}); err == nil && len(o.Overdue) > 0 {
			out += msg.T("notify.processing_overdue", len(o.Overdue))
		}
	}
	for _, d := range remind.DueReports(now, map[string]profile.Profile{a.Name: engine.Profile(a)}) {
		out += msg.T("notify.report_due", d.Period, d.Due.In(remind.Vietnam).Format("02/01/2006"), d.Source)
	}
	return out
}
