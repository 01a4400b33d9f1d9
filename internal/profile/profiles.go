package profile

import "slices"

// Sources of the values that no regulation states.
const (
	srcDefault = "mặc định" // our default where the regulation is silent
	srcHours   = "mặc định (giờ hành chính, cơ quan có thể điều chỉnh)"
)

// MiB is 2^20 bytes; mail servers count attachment limits this way.
const MiB = 1 << 20

// foreignWebmail are webmail services run by foreign companies (R7: ST 7.5,
// BD 11 name Yahoo, Gmail, Hotmail; the rest are the same kind of service).
var foreignWebmail = []string{
	"gmail.com", "googlemail.com",
	"yahoo.*", "ymail.com", "rocketmail.com",
	"hotmail.*", "outlook.com", "outlook.com.vn", "live.com", "msn.com",
	"aol.com", "icloud.com", "me.com", "mac.com",
	"mail.ru", "yandex.*", "gmx.*", "web.de",
	"protonmail.com", "proton.me", "zoho.com", "qq.com", "163.com", "126.com",
}

// defaultDocumentTypes are attachment extensions that carry documents (R9).
var defaultDocumentTypes = []string{
	".pdf", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods",
	".ppt", ".pptx", ".odp", ".tif", ".tiff", ".jpg", ".jpeg", ".png",
	".zip", ".rar", ".7z",
}

// laKeywords: LA 7.1 a–e (schedules, invitations, drafts, working documents,
// copies, reports, notices).
var laKeywords = []string{
	"lịch làm việc", "lịch công tác", "thư mời", "giấy mời", "hội nghị",
	"dự thảo", "góp ý", "văn bản sao y", "sao y", "báo cáo", "thông báo",
	"công văn", "quyết định", "kế hoạch", "chỉ thị", "tờ trình",
}

// stKeywords: ST 7.1–7.2 adds surveys, plans and directives.
var stKeywords = []string{
	"lịch làm việc", "tài liệu", "cuộc họp", "dự thảo", "góp ý",
	"phiếu điều tra", "khảo sát", "thư mời", "giấy mời", "báo cáo",
	"thông báo", "kế hoạch", "chỉ đạo", "công văn", "quyết định",
}

// All returns every profile, generic last. Each call returns fresh values,
// so a caller may change its copy.
func All() []Profile {
	return []Profile{longAn(), haNam(), socTrang(), molisa(), binhDuong(), generic()}
}

// ByID returns the profile with the given ID.
func ByID(id string) (Profile, bool) {
	for _, p := range All() {
		if p.ID == id {
			return p, true
		}
	}
	return Profile{}, false
}

// IDs lists the profile IDs in the order of All.
func IDs() []string {
	var ids []string
	for _, p := range All() {
		ids = append(ids, p.ID)
	}
	return ids
}

// generic is the profile for any other agency: the common ground of the five
// regulations, with our defaults where they differ.
func generic() Profile {
	return Profile{
		ID:            "generic",
		Name:          "Chung (cơ quan nhà nước khác)",
		Short:         "",
		Regulation:    "",
		Domains:       Sourced[[]string]{Value: nil, Source: srcDefault, Default: true},
		Server:        Sourced[string]{Value: "", Source: srcDefault, Default: true},
		AddressFormat: Sourced[string]{Source: srcDefault, Default: true},
		Hours: Sourced[WorkingHours]{
			Value:  WorkingHours{Morning: Span{HM(7, 30), HM(11, 30)}, Afternoon: Span{HM(13, 30), HM(17, 0)}},
			Source: srcHours, Default: true,
		},
		Checks: CheckRule{
			// R1: the strictest common rule of LA 6.1 and HN 9.2, once per session.
			MorningMin:   Sourced[int]{Value: 1, Source: "R1 (LA 6.1, HN 9.2)", Default: true},
			AfternoonMin: Sourced[int]{Value: 1, Source: "R1 (LA 6.1, HN 9.2)", Default: true},
			Times:        Sourced[[]TimeOfDay]{Value: []TimeOfDay{HM(7, 30), HM(13, 30)}, Source: srcDefault, Default: true},
		},
		AckRequired: Sourced[bool]{Value: false, Source: srcDefault, Default: true},
		AckRelays:   Sourced[[]string]{Source: "agency IT", Default: true},
		Document: DocumentRule{
			AttachmentTypes: Sourced[[]string]{Value: slices.Clone(defaultDocumentTypes), Source: "R9", Default: true},
			TrustedDomains:  Sourced[[]string]{Value: []string{"*.gov.vn"}, Source: srcDefault, Default: true},
			Keywords:        Sourced[[]string]{Value: slices.Clone(laKeywords), Source: "R9 (LA 7.1)", Default: true},
		},
		SignatureFields: Sourced[[]string]{Value: []string{"name", "title", "agency"}, Source: srcDefault, Default: true},
		SubjectRequired: Sourced[bool]{Value: true, Source: srcDefault, Default: true},
		PDF:             Sourced[Level]{Value: Warn, Source: "R4 (LA 8.3)", Default: true},
		Grayscale:       Sourced[bool]{Value: true, Source: "R4 (LA 8.3)", Default: true},
		MaxAttachmentBytes: Sourced[int64]{
			Value: 20 * MiB, Source: "R5 (HN 8.1.b)", Default: true,
		},
		Password: PasswordRule{
			MinLength:          Sourced[int]{Value: 8, Source: srcDefault, Default: true},
			RequireUpper:       Sourced[bool]{Source: srcDefault, Default: true},
			RequireLower:       Sourced[bool]{Source: srcDefault, Default: true},
			RequireDigit:       Sourced[bool]{Source: srcDefault, Default: true},
			RequireSpecial:     Sourced[bool]{Source: srcDefault, Default: true},
			MaxAgeDays:         Sourced[int]{Source: srcDefault, Default: true},
			ChangeInitialHours: Sourced[int]{Source: srcDefault, Default: true},
			LockUnchangedDays:  Sourced[int]{Source: srcDefault, Default: true},
		},
		// R7: state secrets never travel by mail under any regulation.
		Secret: Sourced[Level]{Value: Block, Source: "R7 (LA 7.4, HN 3.3, ST 13.4)", Default: true},
		ForeignWebmail: ForbiddenRule{
			Domains: Sourced[[]string]{Value: slices.Clone(foreignWebmail), Source: "R7 (ST 7.5, BD 11)", Default: true},
			Level:   Sourced[Level]{Value: Warn, Source: srcDefault, Default: true},
		},
		NoForwardOutside: Sourced[bool]{Value: true, Source: "R7 (HN 4.5)", Default: true},
	}
}

func longAn() Profile {
	p := generic()
	p.ID, p.Name, p.Short, p.Regulation = "longan", "UBND tỉnh Long An", "LA", "QĐ 62/2009/QĐ-UBND"
	p.Domains = Sourced[[]string]{Value: []string{"longan.gov.vn"}, Source: "LA 3.2"}
	p.Server = Sourced[string]{Value: "mail.longan.gov.vn", Source: "LA 1"}
	p.AddressFormat = Sourced[string]{Value: "abc@longan.gov.vn (abc: ký hiệu tên cơ quan hoặc cá nhân, ngắn gọn, dễ nhớ)", Source: "LA 3.2–3.3"}
	// R1, LA 6.1: at least twice a day, once in the morning, once in the afternoon.
	p.Checks = CheckRule{
		MorningMin:   Sourced[int]{Value: 1, Source: "LA 6.1"},
		AfternoonMin: Sourced[int]{Value: 1, Source: "LA 6.1"},
		Times:        Sourced[[]TimeOfDay]{Value: []TimeOfDay{HM(7, 30), HM(13, 30)}, Source: "LA 6.1", Default: true},
	}
	// R2, LA 6.2: reply "đã nhận được văn bản" at once.
	p.AckRequired = Sourced[bool]{Value: true, Source: "LA 6.2"}
	p.Document.Keywords = Sourced[[]string]{Value: slices.Clone(laKeywords), Source: "LA 7.1"}
	// R3, LA 14.7 (name, title, address, agency phone) and LA 8.4 (agency, phone, e-mail; fax, website if any).
	p.SignatureFields = Sourced[[]string]{Value: []string{"name", "title", "agency", "address", "phone", "email"}, Source: "LA 14.7, LA 8.4"}
	p.SubjectRequired = Sourced[bool]{Value: true, Source: "LA 14.7"}
	// R4, LA 8.3: issued documents as .PDF or another view-only format; no colour scan needed.
	p.PDF = Sourced[Level]{Value: Block, Source: "LA 8.3"}
	p.Grayscale = Sourced[bool]{Value: true, Source: "LA 8.3"}
	p.Secret = Sourced[Level]{Value: Block, Source: "LA 7.4"}
	// LA 9 allows free webmail temporarily where the provincial system is not yet available: warn only.
	p.ForeignWebmail.Level = Sourced[Level]{Value: Warn, Source: "LA 9"}
	return p
}

func haNam() Profile {
	p := generic()
	p.ID, p.Name, p.Short, p.Regulation = "hanam", "UBND tỉnh Hà Nam", "HN", "QĐ 27/2023/QĐ-UBND"
	p.Domains = Sourced[[]string]{Value: []string{"hanam.gov.vn"}, Source: "HN 3.2"}
	p.Server = Sourced[string]{Value: "mail.hanam.gov.vn", Source: "HN 3.2"}
	p.AddressFormat = Sourced[string]{Value: "cơ quan: stttt@, huyện: ubndkb@, xã: ubndtienson.dt@, phòng: ptp.bl@; cá nhân: nguyenthithanhha@hanam.gov.vn (họ tên viết liền, không dấu)", Source: "HN 5"}
	// R1, HN 9.2: the clerk checks at least twice per working day, at the start of the morning and of the afternoon.
	p.Checks = CheckRule{
		MorningMin:   Sourced[int]{Value: 1, Source: "HN 9.2"},
		AfternoonMin: Sourced[int]{Value: 1, Source: "HN 9.2"},
		Times:        Sourced[[]TimeOfDay]{Value: []TimeOfDay{HM(7, 30), HM(13, 30)}, Source: "HN 9.2 (đầu buổi sáng, đầu buổi chiều)"},
	}
	p.AckRequired = Sourced[bool]{Value: false, Source: "HN 9.2 (văn thư vào sổ văn bản; không quy định báo nhận)"}
	// R5, HN 8.1.b: attachments at most 20 MB per mail.
	p.MaxAttachmentBytes = Sourced[int64]{Value: 20 * MiB, Source: "HN 8.1.b"}
	// R6, HN 8.2: ≥ 8 characters, upper, lower, digit, special (! @ # % $ * &); change every 3 months.
	p.Password = PasswordRule{
		MinLength:          Sourced[int]{Value: 8, Source: "HN 8.2.b"},
		RequireUpper:       Sourced[bool]{Value: true, Source: "HN 8.2.b"},
		RequireLower:       Sourced[bool]{Value: true, Source: "HN 8.2.b"},
		RequireDigit:       Sourced[bool]{Value: true, Source: "HN 8.2.b"},
		RequireSpecial:     Sourced[bool]{Value: true, Source: "HN 8.2.b"},
		Specials:           "!@#%$*&",
		MaxAgeDays:         Sourced[int]{Value: 90, Source: "HN 8.2.a"},
		ChangeInitialHours: Sourced[int]{Value: 0, Source: "HN 8.2.a (lần đăng nhập đầu tiên)"},
		LockUnchangedDays:  Sourced[int]{Value: 30, Source: "HN 7.2.d"},
	}
	p.Secret = Sourced[Level]{Value: Block, Source: "HN 3.3, HN 4.1"}
	// HN 11.7: official work moves off other mail systems; HN 4.5: no auto-forward outside.
	p.ForeignWebmail.Level = Sourced[Level]{Value: Warn, Source: "HN 11.7"}
	p.NoForwardOutside = Sourced[bool]{Value: true, Source: "HN 4.5"}
	return p
}

func socTrang() Profile {
	p := generic()
	p.ID, p.Name, p.Short, p.Regulation = "soctrang", "Sở Thông tin và Truyền thông tỉnh Sóc Trăng", "ST", "QĐ 48/QĐ-STTTT 2017"
	p.Domains = Sourced[[]string]{Value: []string{"soctrang.gov.vn"}, Source: "ST 4.3"}
	p.Server = Sourced[string]{Value: "mail.soctrang.gov.vn", Source: "ST 4.3"}
	p.AddressFormat = Sourced[string]{Value: "theo Điều 3 QĐ 17/2014/QĐ-UBND tỉnh Sóc Trăng", Source: "ST 5"}
	// R1, ST 13.2: at least twice per half-day session, i.e. four times a day.
	p.Checks = CheckRule{
		MorningMin:   Sourced[int]{Value: 2, Source: "ST 13.2"},
		AfternoonMin: Sourced[int]{Value: 2, Source: "ST 13.2"},
		Times: Sourced[[]TimeOfDay]{
			Value:  []TimeOfDay{HM(7, 30), HM(10, 0), HM(13, 30), HM(15, 30)},
			Source: "ST 13.2", Default: true,
		},
	}
	p.Document.Keywords = Sourced[[]string]{Value: slices.Clone(stKeywords), Source: "ST 7.1–7.2"}
	p.Secret = Sourced[Level]{Value: Block, Source: "ST 7.6, ST 13.4"}
	// R7, ST 7.5: official information is never exchanged through foreign webmail.
	p.ForeignWebmail.Domains.Source = "ST 7.5"
	p.ForeignWebmail.Domains.Default = false
	p.ForeignWebmail.Level = Sourced[Level]{Value: Block, Source: "ST 7.5"}
	return p
}

func molisa() Profile {
	p := generic()
	p.ID, p.Name, p.Short, p.Regulation = "molisa", "Bộ Lao động - Thương binh và Xã hội", "LĐ", "QĐ 935/QĐ-LĐTBXH 2009"
	p.Domains = Sourced[[]string]{Value: []string{"molisa.gov.vn"}, Source: "LĐ 3.2"}
	p.Server = Sourced[string]{Value: "mail.molisa.gov.vn", Source: srcDefault + " (LĐ 5.1: IMAP4/POP3, SMTP)", Default: true}
	p.AddressFormat = Sourced[string]{Value: "tên không dấu + chữ cái đầu của họ + chữ cái đầu của tên đệm @molisa.gov.vn (vd. hanv@)", Source: "LĐ 7.3"}
	// R1, LĐ 11.1: "regularly" — our default is one check at the start of each session.
	p.Checks = CheckRule{
		MorningMin:   Sourced[int]{Value: 1, Source: "LĐ 11.1 (thường xuyên)", Default: true},
		AfternoonMin: Sourced[int]{Value: 1, Source: "LĐ 11.1 (thường xuyên)", Default: true},
		Times:        Sourced[[]TimeOfDay]{Value: []TimeOfDay{HM(7, 30), HM(13, 30)}, Source: "LĐ 11.1 (thường xuyên)", Default: true},
	}
	// R6, LĐ 11.2: change the initial password within 24 hours, and periodically.
	p.Password.ChangeInitialHours = Sourced[int]{Value: 24, Source: "LĐ 11.2"}
	p.Secret = Sourced[Level]{Value: Block, Source: "LĐ 12.5"}
	return p
}

func binhDuong() Profile {
	p := generic()
	p.ID, p.Name, p.Short, p.Regulation = "binhduong", "UBND tỉnh Bình Dương", "BD", "QĐ 228/2005/QĐ-UBND"
	p.Domains = Sourced[[]string]{Value: []string{"binhduong.gov.vn"}, Source: "BD 5"}
	p.Server = Sourced[string]{Value: "mail.binhduong.gov.vn", Source: "BD (Quyết định, Điều 1)"}
	p.AddressFormat = Sourced[string]{Value: "tênsửdụng@binhduong.gov.vn, duy nhất trong tỉnh", Source: "BD 5"}
	// R1, BD 10: the head handles the agency mailbox; no frequency stated — our default.
	p.Checks = CheckRule{
		MorningMin:   Sourced[int]{Value: 1, Source: "BD 10 (không quy định tần suất)", Default: true},
		AfternoonMin: Sourced[int]{Value: 1, Source: "BD 10 (không quy định tần suất)", Default: true},
		Times:        Sourced[[]TimeOfDay]{Value: []TimeOfDay{HM(7, 30), HM(13, 30)}, Source: srcDefault, Default: true},
	}
	// R7, BD 11: no yahoo, hotmail, ... for official work.
	p.ForeignWebmail.Domains.Source = "BD 11"
	p.ForeignWebmail.Domains.Default = false
	p.ForeignWebmail.Level = Sourced[Level]{Value: Block, Source: "BD 11"}
	return p
}
