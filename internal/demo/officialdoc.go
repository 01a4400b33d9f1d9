package demo

import (
	"fmt"
	"strings"
)

// officialDoc is the text of an administrative document laid out the usual
// way: issuing agency and number on the left, the national motto on the
// right, title, body, signature block.
type officialDoc struct {
	Parent    string   // cơ quan chủ quản, e.g. "UBND TỈNH HÀ NAM"
	Issuer    string   // cơ quan ban hành, e.g. "SỞ NỘI VỤ"
	Number    string   // "Số: 1234/SNV-CCVC"
	PlaceDate string   // "Hà Nam, ngày 3 tháng 7 năm 2025"
	Title     []string // centred, bold
	Body      []string // paragraphs
	Sign      []string // signature block, right
}

// parseOfficialDoc reads the compact form the seed templates use:
//
//	line 1 parent agency, line 2 issuer, line 3 number, line 4 place and date,
//	line 5 title (" | " separates title lines), then one paragraph per line;
//	lines starting with ">" form the signature block.
func parseOfficialDoc(src string) (officialDoc, error) {
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) < 6 {
		return officialDoc{}, fmt.Errorf("official document needs at least 6 lines, has %d", len(lines))
	}
	d := officialDoc{
		Parent:    lines[0],
		Issuer:    lines[1],
		Number:    lines[2],
		PlaceDate: lines[3],
		Title:     strings.Split(lines[4], " | "),
	}
	for _, l := range lines[5:] {
		if s, ok := strings.CutPrefix(l, ">"); ok {
			d.Sign = append(d.Sign, strings.TrimSpace(s))
		} else {
			d.Body = append(d.Body, l)
		}
	}
	return d, nil
}
