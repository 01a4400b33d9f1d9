package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"thucongvu/internal/failure"
	"thucongvu/internal/model"
	"thucongvu/internal/vntext"
)

// MemServices is an in-memory Services for the UI tests, with Vietnamese
// official mail: a personal and an agency mailbox of a Long An department.
// Its rules are stand-ins; the product runs internal/app over the engine.
// Safe for concurrent use.
type MemServices struct {
	mu        sync.Mutex
	accounts  []model.Account
	folders   map[string][]model.Folder // account → folders
	msgs      map[string][]*memMessage  // account+"\x00"+folder → messages
	byID      map[int64]*memMessage
	nextID    int64
	sorted    map[string][]*memMessage // cache: key+sort+desc
	settings  Settings
	listeners []func(Event)
	quotas    []Quota
	// Sent records every draft Send accepted, for tests.
	Sent []Draft
	// ReceiptsSent records the read receipts the user confirmed.
	ReceiptsSent []int64
	// Snoozed is the last snooze asked for.
	Snoozed time.Duration
	window  *memWindow
}

type memMessage struct {
	sum         model.MessageSummary
	cc          []model.Address
	text, html  string
	attachments []Attachment
	receipts    []Receipt
}

// memBase is the fixed "now" of the demo data, so snapshots are stable.
var memBase = time.Date(2025, 6, 2, 16, 30, 0, 0, time.FixedZone("ICT", 7*3600))

// NewMemServices returns the demo mailboxes.
func NewMemServices() *MemServices {
	m := &MemServices{
		folders: map[string][]model.Folder{},
		msgs:    map[string][]*memMessage{},
		byID:    map[int64]*memMessage{},
		sorted:  map[string][]*memMessage{},
		settings: Settings{
			CheckTimes:  []string{"07:30", "13:30"},
			AutoAck:     true,
			AckTemplate: "Kính gửi {{.Sender}},\n\n{{.Agency}} đã nhận được văn bản \"{{.Subject}}\".\n\nTrân trọng.",
			Converter:   "auto",
			Language:    "vi",
			TextScale:   1,
		},
	}
	sig := model.Signature{
		Name: "Nguyễn Văn An", Title: "Chuyên viên Phòng Công nghệ thông tin",
		Agency:  "Sở Thông tin và Truyền thông tỉnh Long An",
		Address: "Số 137 Nguyễn Đình Chiểu, Phường 1, TP. Tân An, Long An",
		Phone:   "0272 3 826 112", Mobile: "0913 456 789",
		Email: "nvan.stttt@longan.gov.vn", Website: "https://stttt.longan.gov.vn",
	}
	agencySig := sig
	agencySig.Name, agencySig.Title, agencySig.Mobile, agencySig.Email = "Văn thư Sở", "Bộ phận Văn thư", "", "stttt@longan.gov.vn"
	m.accounts = []model.Account{
		{Name: "ca-nhan", Email: "nvan.stttt@longan.gov.vn", Username: "nvan.stttt",
			IMAP:    model.Server{Host: "mail.longan.gov.vn", Port: 993, Security: model.SecurityImplicit},
			SMTP:    model.Server{Host: "mail.longan.gov.vn", Port: 465, Security: model.SecurityImplicit},
			Profile: "la", Added: memBase.AddDate(0, -3, 0), Signature: sig},
		{Name: "van-thu-so", Email: "stttt@longan.gov.vn", Username: "stttt", Shared: true,
			IMAP:    model.Server{Host: "mail.longan.gov.vn", Port: 993, Security: model.SecurityImplicit},
			SMTP:    model.Server{Host: "mail.longan.gov.vn", Port: 465, Security: model.SecurityImplicit},
			Profile: "la", Added: memBase.AddDate(0, -3, 0), Signature: agencySig},
	}
	for _, a := range m.accounts {
		m.folders[a.Name] = []model.Folder{
			{Account: a.Name, Name: "INBOX", Role: model.RoleInbox},
			{Account: a.Name, Name: "Đã gửi", Role: model.RoleSent},
			{Account: a.Name, Name: "Thư nháp", Role: model.RoleDrafts},
			{Account: a.Name, Name: "Thùng rác", Role: model.RoleTrash},
		}
	}
	m.seed()
	return m
}

func addr(name, a string) model.Address { return model.Address{Name: name, Address: a} }

func (m *MemServices) seed() {
	me := addr("Nguyễn Văn An", "nvan.stttt@longan.gov.vn")
	agency := addr("Sở Thông tin và Truyền thông", "stttt@longan.gov.vn")
	vpubnd := addr("Văn phòng UBND tỉnh Long An", "vpubnd@longan.gov.vn")
	ngoc := addr("Trần Thị Bích Ngọc", "ttbngoc.stttt@longan.gov.vn")
	phuc := addr("Lê Hoàng Phúc", "lhphuc.stttt@longan.gov.vn")
	minh := addr("Phạm Quang Minh", "pqminh.stttt@longan.gov.vn")
	snv := addr("Sở Nội vụ tỉnh Long An", "snv@longan.gov.vn")
	ubndTanAn := addr("UBND thành phố Tân An", "ubndtanan@longan.gov.vn")
	stc := addr("Sở Tài chính", "stc@longan.gov.vn")
	bantin := addr("Bản tin Chuyển đổi số", "bantin@cds.longan.gov.vn")
	pdf := func(n string, kb int64) Attachment {
		return Attachment{Filename: n, ContentType: "application/pdf", Size: kb * 1024}
	}
	docx := func(n string, kb int64) Attachment {
		return Attachment{Filename: n, ContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Size: kb * 1024}
	}
	at := func(day, h, min int) time.Time { return time.Date(2025, 6, day, h, min, 0, 0, memBase.Location()) }
	may := func(day, h, min int) time.Time { return time.Date(2025, 5, day, h, min, 0, 0, memBase.Location()) }

	type seedMsg struct {
		acct, folder string
		from         model.Address
		to           []model.Address
		subject      string
		date         time.Time
		seen, doc    bool
		acked        bool
		text, html   string
		att          []Attachment
	}
	lich := `<h2>Lịch công tác tuần của Lãnh đạo Sở</h2>
<p>(Từ ngày <b>02/6/2025</b> đến ngày <b>06/6/2025</b>)</p>
<script>alert("x")</script><style>p{color:red}</style>
<table border="1">
<tr><th>Thứ</th><th>Thời gian</th><th>Nội dung</th><th>Chủ trì</th></tr>
<tr><td>Thứ Hai</td><td>07:30</td><td>Họp giao ban Lãnh đạo Sở</td><td>Giám đốc</td></tr>
<tr><td>Thứ Ba</td><td>08:00</td><td>Làm việc với Tập đoàn VNPT về Trung tâm điều hành thông minh</td><td>Phó Giám đốc</td></tr>
<tr><td>Thứ Năm</td><td>14:00</td><td>Dự Hội nghị trực tuyến chuyển đổi số quốc gia</td><td>Giám đốc</td></tr>
</table>
<p onclick="steal()">Đề nghị các phòng, đơn vị <i>chuẩn bị nội dung</i> theo phân công.</p>
<p><img src="https://stttt.longan.gov.vn/logo.png" alt="Logo Sở"></p>
<ul><li>Văn phòng Sở: chuẩn bị phòng họp.</li><li>Phòng CNTT: bảo đảm đường truyền.</li></ul>
<p>Chi tiết xem tại <a href="https://stttt.longan.gov.vn/lich-cong-tac">Cổng thông tin điện tử của Sở</a>.</p>`
	giayMoi := `<p>Kính gửi: Các sở, ban, ngành tỉnh</p>
<p>Thực hiện chương trình công tác năm 2025, Văn phòng UBND tỉnh trân trọng kính mời đại diện lãnh đạo đơn vị dự <b>họp giao ban tháng 6/2025</b>.</p>
<ol><li>Thời gian: 08 giờ 00, thứ Tư ngày 04/6/2025.</li><li>Địa điểm: Phòng họp số 1, UBND tỉnh.</li></ol>
<p>Tài liệu họp gửi kèm theo thư này.</p><p><img src="http://tracker.example.com/open.gif" width="1" height="1"></p>`

	seeds := []seedMsg{
		{"ca-nhan", "INBOX", vpubnd, []model.Address{me}, "Giấy mời họp giao ban tháng 6/2025", at(2, 15, 42), false, true, false, "", giayMoi, []Attachment{pdf("125-GM-UBND.pdf", 212)}},
		{"ca-nhan", "INBOX", minh, []model.Address{me}, "Lịch công tác tuần của Lãnh đạo Sở (02/6 – 06/6/2025)", at(2, 14, 5), false, true, false, "", lich, nil},
		{"ca-nhan", "INBOX", ngoc, []model.Address{me}, "Công văn số 1234/STTTT-CNTT về việc triển khai chữ ký số", at(2, 10, 18), true, true, true, "Kính gửi anh An,\n\nPhòng CNTT gửi công văn số 1234/STTTT-CNTT về việc triển khai chữ ký số cho cán bộ, công chức. Đề nghị anh rà soát danh sách và phản hồi trước ngày 10/6/2025.\n\nTrân trọng,\nTrần Thị Bích Ngọc", "", []Attachment{pdf("1234-STTTT-CNTT.pdf", 356)}},
		{"ca-nhan", "INBOX", phuc, []model.Address{me}, "Báo cáo tuần 23: tình hình ứng dụng công nghệ thông tin", at(2, 9, 1), true, true, true, "Anh An thân mến,\n\nEm gửi báo cáo tuần 23 về tình hình ứng dụng CNTT tại các đơn vị. Số liệu thư điện tử công vụ: 87% văn bản đi được gửi qua thư điện tử.\n\nPhúc", "", []Attachment{docx("BaoCao_Tuan23.docx", 48)}},
		{"ca-nhan", "INBOX", snv, []model.Address{me}, "Góp ý dự thảo Kế hoạch cải cách hành chính năm 2025", may(30, 8, 12), true, true, true, "Sở Nội vụ đề nghị quý cơ quan góp ý dự thảo Kế hoạch cải cách hành chính năm 2025 (gửi kèm). Ý kiến góp ý gửi về trước ngày 06/6/2025.", "", []Attachment{docx("DuThao_KH_CCHC_2025.docx", 95)}},
		{"ca-nhan", "INBOX", bantin, []model.Address{me}, "Bản tin Chuyển đổi số Long An số 05/2025", may(31, 6, 0), true, false, false, "Bản tin tuần: Long An đứng thứ 12 cả nước về chỉ số chuyển đổi số cấp tỉnh...", "", nil},
		{"ca-nhan", "INBOX", ngoc, []model.Address{me}, "Hỏi về cài đặt Thư Công Vụ trên máy mới", may(30, 16, 47), true, false, false, "Anh An ơi, máy mới của em chưa cài được chương trình thư. Anh hỗ trợ em chiều nay được không ạ?\n\nNgọc", "", nil},
		{"ca-nhan", "INBOX", stc, []model.Address{me, agency}, "Công văn 2101/STC-QLNS về dự toán kinh phí chuyển đổi số", may(29, 10, 30), true, true, true, "Sở Tài chính gửi công văn số 2101/STC-QLNS hướng dẫn lập dự toán kinh phí chuyển đổi số năm 2026.", "", []Attachment{pdf("2101-STC-QLNS.pdf", 188)}},
		{"ca-nhan", "Đã gửi", me, []model.Address{vpubnd, snv, ubndTanAn}, "Báo cáo tình hình sử dụng thư điện tử công vụ 6 tháng đầu năm 2025", may(30, 15, 0), true, true, false, "Kính gửi Văn phòng UBND tỉnh,\n\nSở Thông tin và Truyền thông gửi báo cáo tình hình sử dụng thư điện tử công vụ 6 tháng đầu năm 2025 (đính kèm).\n\nTrân trọng.", "", []Attachment{pdf("BaoCao_TDCV_6T2025.pdf", 420)}},
		{"van-thu-so", "INBOX", vpubnd, []model.Address{agency}, "Quyết định số 567/QĐ-UBND phê duyệt Đề án chuyển đổi số tỉnh Long An", at(2, 11, 20), false, true, false, "Văn phòng UBND tỉnh gửi Quyết định số 567/QĐ-UBND ngày 30/5/2025 của UBND tỉnh phê duyệt Đề án chuyển đổi số tỉnh Long An giai đoạn 2025–2030.", "", []Attachment{pdf("567-QD-UBND.pdf", 1210)}},
		{"van-thu-so", "INBOX", ubndTanAn, []model.Address{agency}, "Công văn 890/UBND-VX về tăng cường phòng, chống thiên tai mùa mưa bão", at(2, 8, 40), false, true, false, "UBND thành phố Tân An đề nghị các đơn vị phối hợp bảo đảm thông tin liên lạc phục vụ phòng, chống thiên tai.", "", []Attachment{pdf("890-UBND-VX.pdf", 164)}},
		{"van-thu-so", "INBOX", snv, []model.Address{agency}, "Giấy mời dự Hội nghị tổng kết công tác thi đua, khen thưởng", may(29, 14, 15), true, true, true, "Sở Nội vụ trân trọng kính mời Lãnh đạo Sở dự Hội nghị tổng kết công tác thi đua, khen thưởng năm 2024.", "", []Attachment{pdf("GiayMoi_HNTK.pdf", 98)}},
	}
	for _, s := range seeds {
		mm := &memMessage{text: s.text, html: s.html, attachments: s.att}
		var size int64 = int64(len(s.text) + len(s.html) + 600)
		for _, a := range s.att {
			size += a.Size * 4 / 3
		}
		mm.sum = model.MessageSummary{
			Account: s.acct, Folder: s.folder, Subject: s.subject, From: s.from, To: s.to,
			Date: s.date, Size: size, Seen: s.seen, HasAttachments: len(s.att) > 0,
			Document: s.doc, Acked: s.acked,
		}
		if s.folder == "Đã gửi" {
			for i, r := range s.to {
				mm.receipts = append(mm.receipts, Receipt{Recipient: r, Acked: i < 2, At: s.date.Add(time.Duration(20+i*25) * time.Minute)})
			}
		}
		m.add(mm)
	}
}

// add stores mm, giving it an ID and UID; callers hold no lock during seeding.
func (m *MemServices) add(mm *memMessage) {
	m.nextID++
	mm.sum.ID = m.nextID
	mm.sum.UID = uint32(m.nextID)
	mm.sum.MessageID = fmt.Sprintf("<%d.demo@longan.gov.vn>", m.nextID)
	k := mm.sum.Account + "\x00" + mm.sum.Folder
	m.msgs[k] = append(m.msgs[k], mm)
	m.byID[mm.sum.ID] = mm
	m.sorted = map[string][]*memMessage{}
}

// Generate adds n synthetic messages to a folder (the list's 100,000-message
// case); each is distinct and sortable on every column.
func (m *MemServices) Generate(account, folder string, n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	senders := []model.Address{
		addr("Phòng Tổ chức cán bộ", "tccb@longan.gov.vn"), addr("Đoàn Thị Hạnh", "dthanh@longan.gov.vn"),
		addr("UBND huyện Bến Lức", "ubndbenluc@longan.gov.vn"), addr("Võ Minh Triết", "vmtriet@longan.gov.vn"),
	}
	kinds := []string{"Công văn số %d/UBND-VP", "Giấy mời họp số %d/GM", "Báo cáo định kỳ số %d/BC", "Thông báo số %d/TB"}
	for i := 0; i < n; i++ {
		m.add(&memMessage{text: "Nội dung thư tự sinh.", sum: model.MessageSummary{
			Account: account, Folder: folder,
			Subject: fmt.Sprintf(kinds[i%4], i+1), From: senders[(i*7)%4],
			Date: memBase.Add(-time.Duration(i) * 17 * time.Minute), Size: int64(2000 + (i*7919)%90000),
			Seen: i%5 != 0, Document: i%4 != 3, HasAttachments: i%3 == 0,
		}})
	}
}

// Accounts implements Services.
func (m *MemServices) Accounts() []model.Account {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]model.Account(nil), m.accounts...)
}

// Folders implements Services.
func (m *MemServices) Folders(account string) ([]model.Folder, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fs, ok := m.folders[account]
	if !ok {
		return nil, fmt.Errorf("folders of %q: %w", account, failure.ErrNotFound)
	}
	out := append([]model.Folder(nil), fs...)
	for i := range out {
		msgs := m.msgs[account+"\x00"+out[i].Name]
		out[i].Total = len(msgs)
		for _, mm := range msgs {
			if !mm.sum.Seen {
				out[i].Unread++
			}
		}
	}
	return out, nil
}

// CountMessages implements Services.
func (m *MemServices) CountMessages(account, folder string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.msgs[account+"\x00"+folder]), nil
}

// Messages implements Services.
func (m *MemServices) Messages(account, folder string, key SortKey, desc bool, offset, limit int) ([]model.MessageSummary, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ck := fmt.Sprintf("%s\x00%s\x00%d\x00%v", account, folder, key, desc)
	list, ok := m.sorted[ck]
	if !ok {
		list = append([]*memMessage(nil), m.msgs[account+"\x00"+folder]...)
		// fold each text key once, not in every comparison
		keys := make(map[*memMessage]string, len(list))
		if key == SortSender || key == SortSubject {
			for _, mm := range list {
				if key == SortSender {
					keys[mm] = vntext.Fold(mm.sum.From.Name + mm.sum.From.Address)
				} else {
					keys[mm] = vntext.Fold(mm.sum.Subject)
				}
			}
		}
		cmp := func(a, b *memMessage) int {
			switch key {
			case SortSender, SortSubject:
				return strings.Compare(keys[a], keys[b])
			case SortSize:
				return int(a.sum.Size - b.sum.Size)
			}
			return a.sum.Date.Compare(b.sum.Date)
		}
		sort.SliceStable(list, func(i, j int) bool {
			c := cmp(list[i], list[j])
			if c == 0 {
				c = int(list[i].sum.ID - list[j].sum.ID)
			}
			if desc {
				return c > 0
			}
			return c < 0
		})
		m.sorted[ck] = list
	}
	if offset < 0 || offset >= len(list) {
		return nil, nil
	}
	end := min(offset+limit, len(list))
	out := make([]model.MessageSummary, 0, end-offset)
	for _, mm := range list[offset:end] {
		out = append(out, mm.sum)
	}
	return out, nil
}

// Search implements Services: every folded term must occur in the subject,
// the sender or the body.
func (m *MemServices) Search(query string, limit int) ([]model.MessageSummary, error) {
	terms := strings.Fields(vntext.Fold(query))
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []model.MessageSummary
	for id := int64(1); id <= m.nextID; id++ {
		mm := m.byID[id]
		hay := vntext.Fold(mm.sum.Subject + " " + mm.sum.From.Name + " " + mm.sum.From.Address + " " + mm.text + " " + mm.html)
		ok := len(terms) > 0
		for _, t := range terms {
			if !strings.Contains(hay, t) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, mm.sum)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.After(out[j].Date) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Peek implements Services: the message as stored, not marked seen.
func (m *MemServices) Peek(id int64) (*ReaderMessage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mm, ok := m.byID[id]
	if !ok {
		return nil, fmt.Errorf("open message %d: %w", id, failure.ErrNotFound)
	}
	return &ReaderMessage{Summary: mm.sum, Cc: mm.cc, Text: mm.text, HTML: mm.html,
		Attachments: mm.attachments, Receipts: mm.receipts, Loading: !mm.sum.Seen}, nil
}

// RemoveAccount implements Services.
func (m *MemServices) RemoveAccount(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, a := range m.accounts {
		if a.Name == name {
			m.accounts = append(m.accounts[:i:i], m.accounts[i+1:]...)
			delete(m.folders, name)
			return nil
		}
	}
	return fmt.Errorf("remove account %q: %w", name, failure.ErrNotFound)
}

// Open implements Services.
func (m *MemServices) Open(id int64) (*ReaderMessage, error) {
	m.mu.Lock()
	mm, ok := m.byID[id]
	if !ok {
		m.mu.Unlock()
		return nil, fmt.Errorf("open message %d: %w", id, failure.ErrNotFound)
	}
	changed := !mm.sum.Seen
	mm.sum.Seen = true
	r := &ReaderMessage{Summary: mm.sum, Cc: mm.cc, Text: mm.text, HTML: mm.html,
		Attachments: mm.attachments, Receipts: mm.receipts}
	if mm.sum.Document && mm.sum.Folder != "Đã gửi" { // R2, LA 6.2
		r.Ack = AckStatus{Required: true, Sent: mm.sum.Acked}
		if mm.sum.Acked {
			r.Ack.At = mm.sum.Date.Add(2 * time.Minute)
		}
	}
	m.sorted = map[string][]*memMessage{}
	ls := m.listeners
	m.mu.Unlock()
	if changed {
		for _, fn := range ls {
			fn(Event{Kind: EventChanged})
		}
	}
	return r, nil
}

// Attachment implements Services with placeholder bytes.
func (m *MemServices) Attachment(id int64, index int) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mm, ok := m.byID[id]
	if !ok || index < 0 || index >= len(mm.attachments) {
		return nil, fmt.Errorf("attachment %d of message %d: %w", index, id, failure.ErrNotFound)
	}
	return []byte("%PDF-1.4\n% demo attachment " + mm.attachments[index].Filename + "\n"), nil
}

// CheckNow implements Services: it walks the accounts, reporting progress.
func (m *MemServices) CheckNow(ctx context.Context, progress func(done, total int)) error {
	accts := m.Accounts()
	for i := range accts {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("check mail: %w", err)
		}
		if progress != nil {
			progress(i+1, len(accts))
		}
	}
	return nil
}

// Recipients implements Services from the addresses of stored mail.
func (m *MemServices) Recipients(prefix string, limit int) []model.Address {
	p := vntext.Fold(strings.TrimSpace(prefix))
	if p == "" {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := map[string]bool{}
	var out []model.Address
	for id := int64(1); id <= m.nextID; id++ {
		mm := m.byID[id]
		for _, a := range append([]model.Address{mm.sum.From}, mm.sum.To...) {
			if seen[a.Address] {
				continue
			}
			if strings.HasPrefix(vntext.Fold(a.Address), p) || strings.Contains(" "+vntext.Fold(a.Name), " "+p) {
				seen[a.Address] = true
				out = append(out, a)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// foreignWebmail are the domains of foreign webmail (R7, ST 7.5, BD 11).
var foreignWebmail = []string{"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "yahoo.com.vn"}

// Preflight implements Services with simple stand-ins for the engine's rules.
func (m *MemServices) Preflight(d Draft) []Finding {
	var fs []Finding
	if len(d.To)+len(d.Cc)+len(d.Bcc) == 0 {
		fs = append(fs, Finding{Rule: "R3", Source: "LA 14.7", Severity: SeverityBlock, Code: "no_recipient", Message: "no recipient"})
	}
	if strings.TrimSpace(d.Subject) == "" { // R3, LA 14.7: every mail has a subject
		fs = append(fs, Finding{Rule: "R3", Source: "LA 14.7", Severity: SeverityBlock, Code: "no_subject", Message: "the subject is empty", Fix: FixAddSubject})
	}
	// R7, LA 7.4, HN 3.3, ST 7.6: secret documents never go by e-mail.
	fold := " " + strings.NewReplacer("[", " ", "]", " ", "(", " ", ")", " ", ":", " ").Replace(vntext.Fold(d.Subject)) + " "
	if strings.HasPrefix(strings.TrimSpace(fold), "mat ") || strings.Contains(fold, " toi mat ") || strings.Contains(fold, " tuyet mat ") ||
		strings.Contains(vntext.Fold(d.Subject), "[mat]") {
		fs = append(fs, Finding{Rule: "R7", Source: "LA 7.4", Severity: SeverityBlock, Code: "secret", Message: "secret documents may not be sent by e-mail"})
	}
	for _, list := range [][]string{d.To, d.Cc, d.Bcc} {
		for _, a := range list {
			for _, dom := range foreignWebmail {
				if strings.HasSuffix(strings.ToLower(strings.TrimRight(a, "> ")), "@"+dom) { // R7, ST 7.5, BD 11
					fs = append(fs, Finding{Rule: "R7", Source: "ST 7.5", Severity: SeverityBlock, Code: "foreign_webmail",
						Message: "official mail to foreign webmail: " + a, Fix: FixRemoveRecipient, Target: a})
				}
			}
		}
	}
	for _, p := range d.Attachments {
		switch strings.ToLower(filepath.Ext(p)) {
		case ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".rtf", ".jpg", ".jpeg", ".png", ".tif", ".tiff":
			fs = append(fs, Finding{Rule: "R4", Source: "LA 8.3", Severity: SeverityWarn, Code: "not_pdf",
				Message: "documents travel as PDF: " + filepath.Base(p), Fix: FixConvertPDF, Target: p})
		}
	}
	m.mu.Lock()
	var sig model.Signature
	for _, a := range m.accounts {
		if a.Name == d.Account {
			sig = a.Signature
		}
	}
	m.mu.Unlock()
	if sig.Name == "" || sig.Title == "" || sig.Address == "" || sig.Phone == "" { // R3, LA 14.7
		fs = append(fs, Finding{Rule: "R3", Source: "LA 14.7", Severity: SeverityBlock, Code: "signature_incomplete",
			Message: "the signature lacks name, title, address or phone", Fix: FixCompleteSignature})
	}
	return fs
}

// ConvertToPDF implements Services: the stand-in only renames.
func (m *MemServices) ConvertToPDF(ctx context.Context, path string, progress func(done, total int)) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("convert %s: %w", filepath.Base(path), err)
	}
	if progress != nil {
		progress(1, 1)
	}
	return strings.TrimSuffix(path, filepath.Ext(path)) + ".pdf", nil
}

// Send implements Services: blocked drafts are refused; others land in Sent.
func (m *MemServices) Send(ctx context.Context, d Draft) error {
	for _, f := range m.Preflight(d) {
		if f.Severity == SeverityBlock {
			return fmt.Errorf("send: %w: %s (%s)", failure.ErrBlocked, f.Message, f.Rule)
		}
	}
	m.mu.Lock()
	var from model.Address
	for _, a := range m.accounts {
		if a.Name == d.Account {
			from = model.Address{Name: a.Signature.Name, Address: a.Email}
		}
	}
	var to []model.Address
	for _, a := range d.To {
		to = append(to, model.Address{Address: a})
	}
	m.add(&memMessage{text: d.Body, sum: model.MessageSummary{Account: d.Account, Folder: "Đã gửi",
		Subject: d.Subject, From: from, To: to, Date: memBase, Seen: true, HasAttachments: len(d.Attachments) > 0}})
	m.Sent = append(m.Sent, d)
	ls := m.listeners
	m.mu.Unlock()
	for _, fn := range ls {
		fn(Event{Kind: EventChanged})
	}
	return nil
}

// presets are the government mail systems of R11.
var presets = map[string]string{
	"longan.gov.vn": "la", "hanam.gov.vn": "hn", "soctrang.gov.vn": "st",
	"molisa.gov.vn": "ld", "binhduong.gov.vn": "bd",
}

// Discover implements Services from the R11 presets, else mail.<domain>.
func (m *MemServices) Discover(ctx context.Context, email string) (model.Account, error) {
	at := strings.LastIndex(email, "@")
	if at <= 0 || at == len(email)-1 {
		return model.Account{}, fmt.Errorf("discover: %w: %q is not an e-mail address", failure.ErrUsage, email)
	}
	domain := strings.ToLower(email[at+1:])
	profile, ok := presets[domain]
	if !ok {
		profile = "generic"
	}
	host := "mail." + domain
	return model.Account{
		Name: strings.ReplaceAll(email[:at], ".", "-"), Email: email, Username: email[:at], Profile: profile,
		IMAP: model.Server{Host: host, Port: 993, Security: model.SecurityImplicit},
		SMTP: model.Server{Host: host, Port: 465, Security: model.SecurityImplicit},
	}, nil
}

// TestConnection implements Services: an empty password fails like a refused login.
func (m *MemServices) TestConnection(ctx context.Context, a model.Account, password string) error {
	if a.IMAP.Host == "" || a.SMTP.Host == "" {
		return fmt.Errorf("connect: %w: no server", failure.ErrUnreachable)
	}
	if password == "" {
		return fmt.Errorf("log in to %s: %w", a.IMAP.Host, failure.ErrAuth)
	}
	return nil
}

// AddAccount implements Services; the stand-in keeps no password at all.
func (m *MemServices) AddAccount(a model.Account, password string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, x := range m.accounts {
		if x.Name == a.Name {
			return fmt.Errorf("add account: %w: %q already exists", failure.ErrUsage, a.Name)
		}
	}
	a.Added = memBase
	m.accounts = append(m.accounts, a)
	m.folders[a.Name] = []model.Folder{{Account: a.Name, Name: "INBOX", Role: model.RoleInbox}}
	return nil
}

// Profiles implements Services.
func (m *MemServices) Profiles() []Profile {
	return []Profile{
		{"la", "Long An — QĐ 62/2009/QĐ-UBND"}, {"hn", "Hà Nam — QĐ 27/2023/QĐ-UBND"},
		{"st", "Sóc Trăng — QĐ 48/QĐ-STTTT"}, {"ld", "Bộ LĐ-TB&XH — QĐ 935/QĐ-LĐTBXH"},
		{"bd", "Bình Dương — QĐ 228/2005/QĐ-UBND"}, {"generic", "Chung"},
	}
}

// SetSignature implements Services.
func (m *MemServices) SetSignature(account string, sig model.Signature) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.accounts {
		if m.accounts[i].Name == account {
			m.accounts[i].Signature = sig
			return nil
		}
	}
	return fmt.Errorf("set signature of %q: %w", account, failure.ErrNotFound)
}

// Settings implements Services.
func (m *MemServices) Settings() Settings {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.settings
	s.CheckTimes = append([]string(nil), s.CheckTimes...)
	return s
}

// SaveSettings implements Services.
func (m *MemServices) SaveSettings(s Settings) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.settings = s
	return nil
}

// Subscribe implements Services.
func (m *MemServices) Subscribe(fn func(Event)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.listeners = append(m.listeners, fn)
}

// Deliver adds a new message to an account's inbox and tells listeners, as
// the engine does when mail arrives (used by tests and the demo).
func (m *MemServices) Deliver(account string, from model.Address, subject, text string) model.MessageSummary {
	m.mu.Lock()
	mm := &memMessage{text: text, sum: model.MessageSummary{Account: account, Folder: "INBOX",
		Subject: subject, From: from, Date: memBase, Size: int64(len(text) + 600), Document: true}}
	m.add(mm)
	sum := mm.sum
	ls := m.listeners
	m.mu.Unlock()
	for _, fn := range ls {
		fn(Event{Kind: EventNewMail, Message: &sum})
	}
	return sum
}

// SendReadReceipt implements Services: the stand-in records the receipt.
func (m *MemServices) SendReadReceipt(id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ReceiptsSent = append(m.ReceiptsSent, id)
	return nil
}

// Resend implements Services: the stand-in counts the recipients who have
// not acknowledged.
func (m *MemServices) Resend(id int64) (int, error) {
	msg, err := m.Open(id)
	if err != nil {
		return 0, err
	}
	n := 0
	var to []string
	for _, r := range msg.Receipts {
		if !r.Acked {
			n++
			to = append(to, r.Recipient.Address)
		}
	}
	m.mu.Lock()
	m.win().resends[id] = append(m.win().resends[id], Resend{At: time.Now(), Recipients: to})
	m.mu.Unlock()
	return n, nil
}

// Snooze implements Services: the stand-in records it.
func (m *MemServices) Snooze(d time.Duration) {
	m.mu.Lock()
	m.Snoozed = d
	m.mu.Unlock()
}

// Quotas implements Services.
func (m *MemServices) Quotas() []Quota {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Quota(nil), m.quotas...)
}

// The stand-in's window side (WindowServices).
var _ WindowServices = (*MemServices)(nil)

type memWindow struct {
	drafts  map[string]Draft
	resends map[int64][]Resend
	next    int
	acked   map[int64]time.Time
	manual  map[int64]bool
}

func (m *MemServices) win() *memWindow {
	if m.window == nil {
		m.window = &memWindow{drafts: map[string]Draft{}, resends: map[int64][]Resend{}, acked: map[int64]time.Time{}, manual: map[int64]bool{}}
	}
	return m.window
}

// AckMarks implements WindowServices.
func (m *MemServices) AckMarks(ids []int64) map[int64]AckMark {
	m.mu.Lock()
	defer m.mu.Unlock()
	w := m.win()
	out := map[int64]AckMark{}
	for _, id := range ids {
		mm, ok := m.byID[id]
		switch {
		case !ok || !mm.sum.Document:
			out[id] = AckMark{State: AckNotDocument}
		case len(mm.receipts) > 0:
			acked := 0
			for _, r := range mm.receipts {
				if r.Acked {
					acked++
				}
			}
			out[id] = AckMark{State: AckSentDoc, Acked: acked, Total: len(mm.receipts)}
		case mm.sum.Acked || !w.acked[id].IsZero():
			out[id] = AckMark{State: AckDone, At: w.acked[id]}
		case w.manual[id]:
			out[id] = AckMark{State: AckManual, Reason: "sender not verified"}
		default:
			out[id] = AckMark{State: AckWaiting}
		}
	}
	return out
}

// SetManual marks a received document as one to acknowledge by hand.
func (m *MemServices) SetManual(id int64) {
	m.mu.Lock()
	m.win().manual[id] = true
	m.mu.Unlock()
}

// Status implements WindowServices.
func (m *MemServices) Status() StatusInfo {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := StatusInfo{NextCheck: memBase.Add(15 * time.Hour), LastSync: memBase.Add(-10 * time.Minute)}
	for _, mm := range m.byID {
		if mm.sum.Folder == "INBOX" && mm.sum.Document && !mm.sum.Acked && m.win().acked[mm.sum.ID].IsZero() {
			st.Unacked++
		}
	}
	return st
}

// Acknowledge implements WindowServices: a manual one comes back as a draft.
func (m *MemServices) Acknowledge(id int64) (*Draft, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mm, ok := m.byID[id]
	if !ok {
		return nil, failure.ErrNotFound
	}
	if m.win().manual[id] {
		return &Draft{Account: mm.sum.Account, To: []string{mm.sum.From.Address}, Subject: "Đã nhận được văn bản: " + mm.sum.Subject, ReplyTo: id}, nil
	}
	m.win().acked[id] = memBase
	mm.sum.Acked = true
	return nil, nil
}

// SaveDraft implements WindowServices.
func (m *MemServices) SaveDraft(ctx context.Context, d Draft) (Draft, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w := m.win()
	if d.ID == "" {
		w.next++
		d.ID = fmt.Sprintf("%x", w.next)
	}
	d.Saved = memBase
	w.drafts[d.ID] = d
	return d, nil
}

// DeleteDraft implements WindowServices.
func (m *MemServices) DeleteDraft(ctx context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.win().drafts, id)
	return nil
}

// Drafts implements WindowServices.
func (m *MemServices) Drafts() []Draft {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Draft
	for _, d := range m.win().drafts {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// DraftOf implements WindowServices.
func (m *MemServices) DraftOf(id int64) (Draft, error) {
	msg, err := m.Open(id)
	if err != nil {
		return Draft{}, err
	}
	d := Draft{Account: msg.Summary.Account, Subject: msg.Summary.Subject, Body: msg.Text}
	for _, a := range msg.Summary.To {
		d.To = append(d.To, a.Address)
	}
	return d, nil
}

// Resends implements WindowServices.
func (m *MemServices) Resends(id int64) []Resend {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Resend(nil), m.win().resends[id]...)
}

// DefaultAckTemplate implements WindowServices.
func (m *MemServices) DefaultAckTemplate(lang string) string {
	return "Kính gửi {{.Sender}},\n\n{{.Agency}} đã nhận được văn bản \"{{.Subject}}\"{{if .Date}} gửi ngày {{.Date}}{{end}}.\n"
}

// UpdateAccount implements WindowServices.
func (m *MemServices) UpdateAccount(a model.Account, password string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.accounts {
		if m.accounts[i].Name == a.Name {
			m.accounts[i].IMAP, m.accounts[i].SMTP, m.accounts[i].Username = a.IMAP, a.SMTP, a.Username
			return nil
		}
	}
	return failure.ErrNotFound
}

// MoveToTrash implements WindowServices.
func (m *MemServices) MoveToTrash(id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	mm, ok := m.byID[id]
	if !ok {
		return failure.ErrNotFound
	}
	from := mm.sum.Account + "\x00" + mm.sum.Folder
	for i, x := range m.msgs[from] {
		if x == mm {
			m.msgs[from] = append(m.msgs[from][:i:i], m.msgs[from][i+1:]...)
		}
	}
	mm.sum.Folder = "Thùng rác"
	to := mm.sum.Account + "\x00" + mm.sum.Folder
	m.msgs[to] = append(m.msgs[to], mm)
	m.sorted = map[string][]*memMessage{}
	return nil
}
