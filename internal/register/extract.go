package register

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"thucongvu/internal/vntext"
)

// Bounds of the reading: hostile mail is normal mail.
const (
	maxScanBytes = 256 << 10 // text of one source read for the number and date
	maxLineBytes = 2000      // longer lines are cut
	maxLines     = 4000      // lines of one source read
	maxSources   = 16        // attachments read
)

// Source is what a document's mail offers, in order of trust: the
// subject, the body, the text of each attached document, each file name.
type Source struct {
	Subject     string
	Body        string
	Attachments []AttachmentText
}

// AttachmentText is an attached file's name and extracted text.
type AttachmentText struct {
	Name string
	Text string
}

// Fields are a document's number (số ký hiệu), date and type as read.
type Fields struct {
	DocNumber string `json:"doc_number"`
	DocDate   string `json:"doc_date"` // YYYY-MM-DD
	DocType   string `json:"doc_type"`
	// From names where the number was read: "subject", "body",
	// "attachment", "filename" or "".
	From string `json:"from"`
}

// docNumber matches a số ký hiệu: a number, an optional year and the
// issuer's (and type's) abbreviations: "1234/STTTT-BCVT",
// "45/2026/QĐ-UBND", "12/TB-UBND". A date "15/11/2026" does not match.
var docNumber = regexp.MustCompile(`(?:^|[^\p{L}\d/])(\d{1,6}(?:/\d{4})?/\p{Lu}[\p{Lu}\d]{0,15}(?:[-–]\p{Lu}[\p{Lu}\d]{0,15}){0,4})`)

// numberLine is the "Số: …" line of a document's heading.
var numberLine = regexp.MustCompile(`^(?i:số|so)\s*(?:ký hiệu|ky hieu)?\s*[:.]\s*(.*)$`)

// Dates as documents write them: "ngày 15 tháng 11 năm 2026", "ngày 15/11/2026".
var (
	dateWords = regexp.MustCompile(`(?i:ngày|ngay)\s+(\d{1,2})\s+(?i:tháng|thang)\s+(\d{1,2})\s+(?i:năm|nam)\s+(\d{4})`)
	dateSlash = regexp.MustCompile(`(?i:ngày|ngay)\s+(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})`)
	// placeDate is the heading's "Hà Nam, ngày …" line.
	placeDate = regexp.MustCompile(`^[\p{L} .]{2,40},\s*(?i:ngày|ngay)\s`)
)

// Extract reads a document's number, date and type from its mail: the
// subject, then the body's "Số:" line (never the "Căn cứ …" references
// below it), then the attached documents' text, then the file names.
func Extract(src Source) Fields {
	var f Fields
	if n := firstNumber(src.Subject); n != "" {
		f.DocNumber, f.From = n, "subject"
	}
	f.DocDate = firstDate(bounded(src.Subject), false)
	body := bounded(src.Body)
	if f.DocNumber == "" {
		if n := headingNumber(body); n != "" {
			f.DocNumber, f.From = n, "body"
		}
	}
	if f.DocDate == "" {
		f.DocDate = firstDate(body, true)
	}
	atts := src.Attachments
	if len(atts) > maxSources {
		atts = atts[:maxSources]
	}
	for _, a := range atts {
		text := bounded(a.Text)
		if f.DocNumber == "" {
			if n := headingNumber(text); n != "" {
				f.DocNumber, f.From = n, "attachment"
			}
		}
		if f.DocDate == "" {
			f.DocDate = firstDate(text, true)
		}
	}
	for _, a := range atts {
		if f.DocNumber != "" {
			break
		}
		if n := fileNameNumber(a.Name); n != "" {
			f.DocNumber, f.From = n, "filename"
		}
	}
	f.DocType = DocType(f.DocNumber, src.Subject, body)
	return f
}

// bounded is s, NFC, cut to maxScanBytes.
func bounded(s string) string {
	if len(s) > maxScanBytes {
		s = s[:maxScanBytes]
	}
	return vntext.NFC(s)
}

func firstNumber(s string) string {
	s = bounded(s)
	if len(s) > maxLineBytes {
		s = s[:maxLineBytes]
	}
	m := docNumber.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return strings.ReplaceAll(m[1], "–", "-")
}

// lines yields the first maxLines lines of text, trimmed and cut.
func lines(text string) []string {
	out := strings.SplitN(text, "\n", maxLines+1)
	if len(out) > maxLines {
		out = out[:maxLines]
	}
	for i, l := range out {
		if len(l) > maxLineBytes {
			l = l[:maxLineBytes]
		}
		out[i] = strings.TrimSpace(l)
	}
	return out
}

// headingNumber is the number on the "Số:" line; lines of references
// ("Căn cứ …", "Thực hiện Công văn số …") never count.
func headingNumber(text string) string {
	for _, l := range lines(text) {
		if m := numberLine.FindStringSubmatch(l); m != nil {
			if n := firstNumber(" " + m[1]); n != "" {
				return n
			}
		}
	}
	return ""
}

// firstDate is the first valid date in text. In a subject any date
// counts; in a document's text only its heading's place and date line
// ("Hà Nam, ngày 15 tháng 11 năm 2026") does: other dates there are
// deadlines, meetings or the "Căn cứ" references.
func firstDate(text string, heading bool) string {
	for _, l := range lines(text) {
		if heading && !placeDate.MatchString(l) {
			continue
		}
		if d := lineDate(l); d != "" {
			return d
		}
	}
	return ""
}

func isReference(line string) bool {
	f := vntext.Fold(line)
	return strings.HasPrefix(f, "can cu") || strings.HasPrefix(f, "thuc hien") || strings.HasPrefix(f, "theo ")
}

// lineDate is the first well-formed date written in line, as YYYY-MM-DD;
// a malformed one ("ngày 31 tháng 02 năm 2026") is no date.
func lineDate(line string) string {
	for _, re := range []*regexp.Regexp{dateWords, dateSlash} {
		for _, m := range re.FindAllStringSubmatch(line, 4) {
			if d, ok := validDate(m[1], m[2], m[3]); ok {
				return d
			}
		}
	}
	return ""
}

func validDate(day, month, year string) (string, bool) {
	d, _ := strconv.Atoi(day)
	mo, _ := strconv.Atoi(month)
	y, _ := strconv.Atoi(year)
	if y < 1945 || y > 2100 || mo < 1 || mo > 12 || d < 1 {
		return "", false
	}
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != mo {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// ValidDate reports whether s is a date YYYY-MM-DD.
func ValidDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// fileNameNumber reads a number from a file name, where "/" cannot stand:
// "1234_STTTT-BCVT.pdf", "45_2026_QD-UBND.pdf".
func fileNameNumber(name string) string {
	if len(name) > 255 {
		name = name[:255]
	}
	if i := strings.LastIndex(name, "."); i > 0 {
		name = name[:i]
	}
	name = strings.ToUpper(vntext.NFC(name))
	return firstNumber(strings.NewReplacer("_", "/", " ", "/").Replace(name))
}

// typeCodes are the abbreviations of document types in a số ký hiệu
// (Nghị định 30/2020/NĐ-CP, Phụ lục III); a number without one is a
// công văn (R9).
var typeCodes = map[string]string{
	"QĐ": "Quyết định", "QD": "Quyết định", "TB": "Thông báo", "KH": "Kế hoạch", "BC": "Báo cáo",
	"GM": "Giấy mời", "TTR": "Tờ trình", "CT": "Chỉ thị", "HD": "Hướng dẫn", "NQ": "Nghị quyết",
	"CTR": "Chương trình", "BB": "Biên bản", "CĐ": "Công điện", "PA": "Phương án", "QC": "Quy chế",
	"QYĐ": "Quy định", "TT": "Thông tư", "NĐ": "Nghị định", "KL": "Kết luận", "GUQ": "Giấy ủy quyền",
}

// typeWords name document types in a subject or body (R9: LA 7.1, ST
// 7.1–7.2), folded; the earliest named wins.
var typeWords = []struct{ folded, name string }{
	{"cong van", "Công văn"}, {"quyet dinh", "Quyết định"}, {"giay moi", "Giấy mời"}, {"thu moi", "Giấy mời"},
	{"ke hoach", "Kế hoạch"}, {"bao cao", "Báo cáo"}, {"thong bao", "Thông báo"}, {"to trinh", "Tờ trình"},
	{"chi thi", "Chỉ thị"}, {"huong dan", "Hướng dẫn"}, {"nghi quyet", "Nghị quyết"}, {"lich cong tac", "Lịch công tác"},
	{"lich lam viec", "Lịch công tác"}, {"du thao", "Dự thảo"}, {"phieu khao sat", "Phiếu khảo sát"},
	{"phieu dieu tra", "Phiếu khảo sát"}, {"bien ban", "Biên bản"}, {"chuong trinh", "Chương trình"},
	{"cong dien", "Công điện"}, {"sao y", "Bản sao"},
}

// DocType names a document's type (R9) from its number's type code, else
// the first type its subject names, else its body's (not in the "Căn cứ"
// references); a numbered document
// without a type code is a công văn.
func DocType(number, subject, body string) string {
	if number != "" {
		code := number[strings.LastIndex(number, "/")+1:]
		if i := strings.IndexAny(code, "-–"); i > 0 {
			if t, ok := typeCodes[strings.ToUpper(code[:i])]; ok {
				return t
			}
		}
	}
	if len(body) > 4096 {
		body = body[:4096]
	}
	var own []string
	for _, l := range lines(body) {
		if !isReference(l) {
			own = append(own, l)
		}
	}
	for _, text := range []string{subject, strings.Join(own, "\n")} {
		if len(text) > 4096 {
			text = text[:4096]
		}
		f := " " + vntext.Fold(text) + " "
		best, at := "", len(f)
		for _, w := range typeWords {
			if i := strings.Index(f, " "+w.folded+" "); i >= 0 && i < at {
				best, at = w.name, i
			}
		}
		if best != "" {
			return best
		}
	}
	if number != "" {
		return "Công văn"
	}
	return ""
}

// Summary is the trích yếu of a subject: without reply and forward
// prefixes, after "V/v" when the subject has one.
func Summary(subject string) string {
	s := strings.TrimSpace(vntext.NFC(subject))
	for {
		cut := false
		for _, p := range []string{"re:", "fwd:", "fw:", "tl:", "tr:", "chuyển xử lý:"} {
			if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
				s, cut = strings.TrimSpace(s[len(p):]), true
			}
		}
		if !cut {
			break
		}
	}
	// Offsets are found in s itself: lower-casing may change byte lengths.
	for i := 0; i+3 <= len(s); i++ {
		if strings.EqualFold(s[i:i+3], "v/v") {
			if rest := strings.TrimLeft(strings.TrimSpace(s[i+3:]), ":- "); rest != "" {
				return rest
			}
			break
		}
	}
	return s
}
