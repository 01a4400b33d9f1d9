// Package mailgen generates mailboxes shaped like the official mail of a
// Vietnamese agency, deterministic by seed, for benchmarks and tests: about
// 46 KB a message on average; 47 % text/plain, 38 % multipart/alternative,
// 15 % multipart/mixed with one or two 50–500 KB PDF or DOCX attachments in
// base64; subjects and names RFC 2047-encoded, file names RFC 2231- or
// RFC 2047-encoded; a third of the mail threaded replies; Vietnamese text
// in quoted-printable, base64 or 8bit.
package mailgen

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"mime"
	"mime/quotedprintable"
	"net/url"
	"strings"
	"time"
)

// Kind is a message's MIME structure.
type Kind int

const (
	// Plain is a single text/plain part.
	Plain Kind = iota
	// Alternative is multipart/alternative: text/plain and text/html.
	Alternative
	// Mixed is multipart/mixed: a text or alternative body and one or two
	// PDF or DOCX attachments.
	Mixed
)

// Shares of each structure, in per mille.
const (
	plainShare       = 470
	alternativeShare = 380
)

// Attachment sizes (decoded), and the domain of every address.
const (
	MinAttachment = 50 << 10
	MaxAttachment = 500 << 10
	Domain        = "hanam.gov.vn"
)

// Generator makes message i of a mailbox from (Seed, i) alone, so any
// message can be made again, in any order, on any machine.
type Generator struct {
	Seed uint64
	// Start is the Date of message 0; message i is i minutes later.
	Start time.Time
}

// New returns the generator of seed; mail starts on 2 January 2026.
func New(seed uint64) *Generator {
	return &Generator{Seed: seed, Start: time.Date(2026, 1, 2, 7, 30, 0, 0, time.FixedZone("ICT", 7*3600))}
}

// Shape is what message i is made of, without its bytes.
type Shape struct {
	Kind        Kind
	Reply       bool
	Parent      int // the message replied to, when Reply
	Attachments []AttachmentShape
}

// AttachmentShape is one attachment's name, type and decoded size.
type AttachmentShape struct {
	Name        string
	ContentType string
	Size        int
}

func (g *Generator) rng(i int, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.Seed^0x9e3779b97f4a7c15, uint64(i)<<8|stream))
}

// Shape returns the shape of message i.
func (g *Generator) Shape(i int) Shape {
	r := g.rng(i, 0)
	var s Shape
	switch p := r.IntN(1000); {
	case p < plainShare:
		s.Kind = Plain
	case p < plainShare+alternativeShare:
		s.Kind = Alternative
	default:
		s.Kind = Mixed
	}
	if i > 0 && r.IntN(3) == 0 {
		s.Reply = true
		s.Parent = i - 1 - r.IntN(min(i, 60))
	}
	if s.Kind == Mixed {
		n := 1
		if r.IntN(10) < 3 {
			n = 2
		}
		for range n {
			// Skewed towards the small end, as scanned letters are; the
			// mean is about 150 KB.
			u := r.Float64()
			size := MinAttachment + int(float64(MaxAttachment-MinAttachment)*u*u*u*u*u)
			a := AttachmentShape{Size: size}
			doc := documentNames[r.IntN(len(documentNames))]
			number := r.IntN(900) + 100
			if r.IntN(3) == 0 {
				a.Name = fmt.Sprintf("%s số %d.docx", doc, number)
				a.ContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
			} else {
				a.Name = fmt.Sprintf("%s số %d-UBND.pdf", doc, number)
				a.ContentType = "application/pdf"
			}
			s.Attachments = append(s.Attachments, a)
		}
	}
	return s
}

// MessageID returns the Message-ID of message i, without angle brackets.
func (g *Generator) MessageID(i int) string {
	return fmt.Sprintf("%d.%x@%s", i, g.Seed, Domain)
}

// Subject returns the decoded subject of message i: a reply carries
// "Re: " and the subject of its thread's first message.
func (g *Generator) Subject(i int) string {
	root := i
	for depth := 0; depth < 100; depth++ {
		s := g.Shape(root)
		if !s.Reply {
			break
		}
		root = s.Parent
	}
	r := g.rng(root, 1)
	subject := fmt.Sprintf("%s %s số %d/%s-%s", topics[r.IntN(len(topics))], matters[r.IntN(len(matters))],
		r.IntN(2000)+1, kinds[r.IntN(len(kinds))], offices[r.IntN(len(offices))])
	if root != i {
		return "Re: " + subject
	}
	return subject
}

// Func returns g.Message as a plain function, for testsrv.AppendMany.
func (g *Generator) Func() func(int) []byte { return g.Message }

// Message returns the raw RFC 5322 bytes of message i, CRLF line ends.
func (g *Generator) Message(i int) []byte {
	shape := g.Shape(i)
	r := g.rng(i, 2)
	var b bytes.Buffer
	b.Grow(16 << 10)
	g.writeHeader(&b, r, i, shape)
	switch shape.Kind {
	case Plain:
		cte := textEncoding(r)
		fmt.Fprintf(&b, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: %s\r\n\r\n", cte)
		writeEncoded(&b, cte, plainText(r))
	case Alternative:
		boundary := fmt.Sprintf("----=_Part_%d_%d", i, r.Uint32())
		fmt.Fprintf(&b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", boundary)
		writeAlternative(&b, r, boundary)
	case Mixed:
		outer := fmt.Sprintf("----=_NextPart_%d_%d", i, r.Uint32())
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\nThis is a multi-part message in MIME format.\r\n\r\n", outer)
		fmt.Fprintf(&b, "--%s\r\n", outer)
		if r.IntN(2) == 0 {
			inner := fmt.Sprintf("----=_Alt_%d_%d", i, r.Uint32())
			fmt.Fprintf(&b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", inner)
			writeAlternative(&b, r, inner)
		} else {
			cte := textEncoding(r)
			fmt.Fprintf(&b, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: %s\r\n\r\n", cte)
			writeEncoded(&b, cte, plainText(r))
		}
		for _, a := range shape.Attachments {
			fmt.Fprintf(&b, "\r\n--%s\r\n", outer)
			writeAttachment(&b, r, a)
		}
		fmt.Fprintf(&b, "\r\n--%s--\r\n", outer)
	}
	return b.Bytes()
}

func (g *Generator) writeHeader(b *bytes.Buffer, r *rand.Rand, i int, shape Shape) {
	date := g.Start.Add(time.Duration(i) * time.Minute)
	from := people[r.IntN(len(people))]
	for hop := 0; hop < 3; hop++ {
		fmt.Fprintf(b, "Received: from mail%d.%s (mail%d.%s [10.%d.%d.%d])\r\n\tby mx.%s (Postfix) with ESMTPS id %X\r\n\tfor <vanthu@%s>; %s\r\n",
			hop, Domain, hop, Domain, r.IntN(255), r.IntN(255), r.IntN(255), Domain, r.Uint64(), Domain,
			date.Add(-time.Duration(3-hop)*time.Second).Format(time.RFC1123Z))
	}
	fmt.Fprintf(b, "From: %s\r\n", address(from, r))
	b.WriteString("To: ")
	to := 1 + r.IntN(4)
	for k := range to {
		if k > 0 {
			b.WriteString(",\r\n ")
		}
		b.WriteString(address(people[r.IntN(len(people))], r))
	}
	b.WriteString("\r\n")
	if r.IntN(3) == 0 {
		fmt.Fprintf(b, "Cc: %s\r\n", address(people[r.IntN(len(people))], r))
	}
	fmt.Fprintf(b, "Subject: %s\r\n", encodeWord(g.Subject(i), r))
	fmt.Fprintf(b, "Date: %s\r\nMessage-ID: <%s>\r\n", date.Format(time.RFC1123Z), g.MessageID(i))
	if shape.Reply {
		fmt.Fprintf(b, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", g.MessageID(shape.Parent), g.MessageID(shape.Parent))
	}
	fmt.Fprintf(b, "X-Mailer: %s\r\nMIME-Version: 1.0\r\n", mailers[r.IntN(len(mailers))])
}

// address renders a display name RFC 2047-encoded and its mailbox.
func address(p person, r *rand.Rand) string {
	return fmt.Sprintf("%s <%s@%s>", encodeWord(p.name, r), p.user, Domain)
}

// encodeWord encodes s as RFC 2047 words, base64 or Q as mail clients do.
func encodeWord(s string, r *rand.Rand) string {
	if r.IntN(2) == 0 {
		return mime.BEncoding.Encode("UTF-8", s)
	}
	return mime.QEncoding.Encode("UTF-8", s)
}

func textEncoding(r *rand.Rand) string {
	switch r.IntN(10) {
	case 0, 1, 2, 3, 4:
		return "quoted-printable"
	case 5, 6, 7:
		return "base64"
	default:
		return "8bit"
	}
}

func writeEncoded(b *bytes.Buffer, cte string, text []byte) {
	switch cte {
	case "quoted-printable":
		w := quotedprintable.NewWriter(b)
		w.Write(text)
		w.Close()
	case "base64":
		writeBase64(b, text)
	default:
		b.Write(text)
	}
}

// writeBase64 writes data in base64 lines of 76 characters.
func writeBase64(b *bytes.Buffer, data []byte) {
	line := make([]byte, 76)
	for len(data) > 0 {
		n := min(len(data), 57)
		m := base64.StdEncoding.EncodedLen(n)
		base64.StdEncoding.Encode(line, data[:n])
		b.Write(line[:m])
		b.WriteString("\r\n")
		data = data[n:]
	}
}

func writeAlternative(b *bytes.Buffer, r *rand.Rand, boundary string) {
	text := plainText(r)
	cte := textEncoding(r)
	fmt.Fprintf(b, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: %s\r\n\r\n", boundary, cte)
	writeEncoded(b, cte, text)
	cte = textEncoding(r)
	fmt.Fprintf(b, "\r\n--%s\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: %s\r\n\r\n", boundary, cte)
	writeEncoded(b, cte, htmlOf(text, r))
	fmt.Fprintf(b, "\r\n--%s--\r\n", boundary)
}

// plainText is 1–6 KB of official prose with a signature block.
func plainText(r *rand.Rand) []byte {
	want := 1<<10 + r.IntN(5<<10)
	var b bytes.Buffer
	b.WriteString("Kính gửi: " + offices[r.IntN(len(offices))] + "\r\n\r\n")
	for b.Len() < want {
		for k := 0; k < 3+r.IntN(4); k++ {
			b.WriteString(sentences[r.IntN(len(sentences))])
			b.WriteString(" ")
		}
		b.WriteString("\r\n\r\n")
	}
	b.WriteString("Trân trọng./.\r\n\r\n--\r\n" + people[r.IntN(len(people))].name + "\r\nVăn phòng Ủy ban nhân dân tỉnh Hà Nam\r\nĐiện thoại: 0226.3852.701\r\n")
	return b.Bytes()
}

// htmlOf wraps text the way Outlook and Zimbra do, styles and all.
func htmlOf(text []byte, r *rand.Rand) []byte {
	var b bytes.Buffer
	b.WriteString(`<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">` +
		`<style><!-- p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0cm; font-size:13.0pt; font-family:"Times New Roman",serif;} ` +
		`span.EmailStyle17 {mso-style-type:personal-compose; font-family:"Times New Roman",serif;} @page WordSection1 {size:612.0pt 792.0pt;} --></style></head>` +
		"\r\n<body lang=\"VI\" link=\"#0563C1\"><div class=\"WordSection1\">\r\n")
	for _, para := range bytes.Split(text, []byte("\r\n\r\n")) {
		if len(para) == 0 {
			continue
		}
		fmt.Fprintf(&b, "<p class=\"MsoNormal\" style=\"text-align:justify;line-height:%d%%\"><span style=\"font-size:13.0pt;font-family:&quot;Times New Roman&quot;,serif\">%s</span></p>\r\n",
			100+r.IntN(50), bytes.ReplaceAll(para, []byte("\r\n"), []byte("<br>\r\n")))
	}
	b.WriteString("</div></body></html>\r\n")
	return b.Bytes()
}

func writeAttachment(b *bytes.Buffer, r *rand.Rand, a AttachmentShape) {
	// Outlook writes an RFC 2047 name; Thunderbird and Zimbra RFC 2231.
	if r.IntN(2) == 0 {
		enc := mime.BEncoding.Encode("UTF-8", a.Name)
		fmt.Fprintf(b, "Content-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\n", a.ContentType, enc, enc)
	} else {
		enc := strings.ReplaceAll(url.PathEscape(a.Name), "+", "%2B")
		fmt.Fprintf(b, "Content-Type: %s\r\nContent-Disposition: attachment;\r\n filename*=utf-8''%s\r\n", a.ContentType, enc)
	}
	b.WriteString("Content-Transfer-Encoding: base64\r\n\r\n")
	writeBase64(b, attachmentData(r, a))
}

// attachmentData is a file of the attachment's type and size: a PDF head
// and compressed-looking streams, or a DOCX (a zip holding Word's parts).
func attachmentData(r *rand.Rand, a AttachmentShape) []byte {
	noise := make([]byte, a.Size)
	for k := 0; k+8 <= len(noise); k += 8 {
		v := r.Uint64()
		for j := range 8 {
			noise[k+j] = byte(v >> (8 * j))
		}
	}
	if !strings.HasSuffix(a.Name, ".docx") {
		var b bytes.Buffer
		b.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n4 0 obj\n<< /Length ")
		fmt.Fprintf(&b, "%d /Filter /FlateDecode >>\nstream\n", a.Size)
		const tail = "\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
		b.Write(noise[:max(0, a.Size-b.Len()-len(tail))])
		b.WriteString(tail)
		return b.Bytes()
	}
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, part := range []struct {
		name string
		data []byte
	}{
		{"[Content_Types].xml", []byte(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)},
		{"word/document.xml", []byte(`<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>` + a.Name + `</w:t></w:r></w:p></w:body></w:document>`)},
		{"word/media/image1.png", noise[:max(0, a.Size-1024)]},
	} {
		w, _ := z.CreateHeader(&zip.FileHeader{Name: part.name, Method: zip.Store})
		w.Write(part.data)
	}
	z.Close()
	return b.Bytes()
}

type person struct{ name, user string }

var people = []person{
	{"Văn phòng UBND tỉnh", "vanphong"}, {"Nguyễn Văn Hùng", "nvhung"}, {"Trần Thị Thu Hà", "ttha"},
	{"Lê Quang Vinh", "lqvinh"}, {"Phạm Thị Hồng Nhung", "pthnhung"}, {"Hoàng Đức Thắng", "hdthang"},
	{"Sở Thông tin và Truyền thông", "stttt"}, {"Sở Nội vụ", "snv"}, {"Vũ Thị Ngọc Ánh", "vtnanh"},
	{"Đặng Minh Tuấn", "dmtuan"}, {"Bùi Thị Lệ Quyên", "btlquyen"}, {"Văn thư Sở Tài chính", "vanthu.stc"},
	{"Đỗ Trọng Nghĩa", "dtnghia"}, {"Ngô Thị Phương Thảo", "ntpthao"}, {"Trung tâm Phục vụ hành chính công", "ttphvhcc"},
}

var topics = []string{"Giấy mời họp", "Công văn", "Báo cáo", "Kế hoạch", "Thông báo", "Quyết định", "Tờ trình", "Dự thảo"}

var matters = []string{"về việc rà soát hồ sơ công chức", "triển khai chuyển đổi số năm 2026", "giao ban công tác tháng",
	"thực hiện cải cách hành chính", "lấy ý kiến góp ý dự thảo nghị quyết", "phòng chống thiên tai mùa mưa bão",
	"đôn đốc giải ngân vốn đầu tư công", "tổng kết công tác thi đua khen thưởng", "lịch trực Tết Nguyên đán Bính Ngọ",
	"tăng cường kỷ luật, kỷ cương hành chính", "bảo đảm an toàn thông tin mạng"}

var kinds = []string{"UBND", "VP", "STTTT", "SNV", "KH", "TB", "QĐ"}

var offices = []string{"Các sở, ban, ngành tỉnh", "Ủy ban nhân dân các huyện, thị xã, thành phố", "Văn phòng Tỉnh ủy",
	"Sở Thông tin và Truyền thông", "Sở Kế hoạch và Đầu tư", "Ban Quản lý các khu công nghiệp"}

var documentNames = []string{"Công văn", "Quyết định", "Kế hoạch", "Báo cáo tổng hợp", "Giấy mời", "Phụ lục kèm theo", "Tờ trình"}

var sentences = []string{
	"Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh tại Văn bản số 1234/UBND-VP ngày 15 tháng 3 năm 2026,",
	"Sở Thông tin và Truyền thông đề nghị các đơn vị báo cáo kết quả triển khai trước ngày 15 hằng tháng.",
	"Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
	"Để bảo đảm tiến độ, đề nghị Thủ trưởng các cơ quan, đơn vị quan tâm chỉ đạo thực hiện nghiêm túc.",
	"Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh về Văn phòng để tổng hợp, báo cáo.",
	"Thời gian: 08 giờ 00 phút, ngày thứ Hai; địa điểm: Phòng họp số 2, trụ sở Ủy ban nhân dân tỉnh.",
	"Thành phần: Lãnh đạo các sở, ngành; Chủ tịch Ủy ban nhân dân các huyện, thị xã, thành phố.",
	"Kết quả rà soát cho thấy tỷ lệ hồ sơ được giải quyết đúng hạn đạt 98,7%, tăng 2,1% so với cùng kỳ.",
	"Giao Sở Nội vụ chủ trì, phối hợp với các đơn vị liên quan hướng dẫn, kiểm tra, đôn đốc việc thực hiện.",
	"Văn bản điện tử được ký số theo quy định, có giá trị pháp lý như bản giấy.",
	"Đề nghị các đồng chí nghiên cứu, góp ý bằng văn bản và gửi qua hệ thống thư điện tử công vụ.",
	"Ủy ban nhân dân tỉnh yêu cầu các đơn vị khẩn trương triển khai, không để chậm trễ, ảnh hưởng đến tiến độ chung.",
}

var mailers = []string{"Zimbra 8.8.15_GA_4508 (ZimbraWebClient - GC120 (Win)/8.8.15_GA_4508)",
	"Microsoft Outlook 16.0", "Mozilla Thunderbird 128.5.0", "Roundcube Webmail/1.6.9"}
