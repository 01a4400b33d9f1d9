package profile

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestForDomain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"longan.gov.vn", "longan"},
		{"LongAn.Gov.VN.", "longan"},
		{"hanam.gov.vn", "hanam"},
		{"stttt.hanam.gov.vn", "hanam"},
		{"soctrang.gov.vn", "soctrang"},
		{"molisa.gov.vn", "molisa"},
		{"binhduong.gov.vn", "binhduong"},
		{"notlongan.gov.vn", "generic"},
		{"hanam.gov.vn.evil.com", "generic"},
		{"gmail.com", "generic"},
		{"", "generic"},
	}
	for _, tt := range tests {
		if got := ForDomain(tt.in).ID; got != tt.want {
			t.Errorf("ForDomain(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := ForAddress("nguyenthithanhha@hanam.gov.vn").ID; got != "hanam" {
		t.Errorf("ForAddress = %q", got)
	}
}

func TestByID(t *testing.T) {
	want := []string{"longan", "hanam", "soctrang", "molisa", "binhduong", "generic"}
	if got := IDs(); !slices.Equal(got, want) {
		t.Fatalf("IDs() = %v, want %v", got, want)
	}
	for _, id := range want {
		p, ok := ByID(id)
		if !ok || p.ID != id {
			t.Errorf("ByID(%q) = %q, %v", id, p.ID, ok)
		}
	}
	if _, ok := ByID("hn"); ok {
		t.Error("ByID(hn) found a profile")
	}
	// All returns fresh copies: changing one does not change the next.
	a := All()
	a[0].Checks.Times.Value[0] = HM(9, 0)
	if All()[0].Checks.Times.Value[0] != HM(7, 30) {
		t.Error("All() shares slices between calls")
	}
}

func TestMatchDomain(t *testing.T) {
	tests := []struct {
		pattern, domain string
		want            bool
	}{
		{"*.gov.vn", "gov.vn", true},
		{"*.gov.vn", "hanam.gov.vn", true},
		{"*.gov.vn", "mail.sotttt.hanam.gov.vn", true},
		{"*.gov.vn", "gov.vn.example.com", false},
		{"*.gov.vn", "notgov.vn", false},
		{"yahoo.*", "yahoo.com", true},
		{"yahoo.*", "yahoo.com.vn", true},
		{"yahoo.*", "mail.yahoo.co.jp", true},
		{"yahoo.*", "yahoo", false},
		{"yahoo.*", "notyahoo.com", false},
		{"gmail.com", "GMAIL.COM", true},
		{"gmail.com", "gmail.com.vn", false},
		{"", "gmail.com", false},
	}
	for _, tt := range tests {
		if got := MatchDomain(tt.pattern, tt.domain); got != tt.want {
			t.Errorf("MatchDomain(%q, %q) = %v, want %v", tt.pattern, tt.domain, got, tt.want)
		}
	}
}

func TestForeignWebmail(t *testing.T) {
	tests := []struct {
		profile, domain string
		foreign         bool
		level           Level
	}{
		{"soctrang", "gmail.com", true, Block},  // ST 7.5
		{"binhduong", "yahoo.com", true, Block}, // BD 11
		{"hanam", "hotmail.co.uk", true, Warn},  // HN 11.7
		{"longan", "outlook.com", true, Warn},   // LA 9 allows it temporarily
		{"generic", "hanam.gov.vn", false, Off},
		{"soctrang", "vnpt.vn", false, Off},
	}
	for _, tt := range tests {
		p, _ := ByID(tt.profile)
		foreign, level := p.IsForeignWebmail(tt.domain)
		if foreign != tt.foreign || level != tt.level {
			t.Errorf("%s.IsForeignWebmail(%q) = %v, %v; want %v, %v", tt.profile, tt.domain, foreign, level, tt.foreign, tt.level)
		}
	}
	g := ForDomain("x")
	if !g.IsTrusted("ubndkb.hanam.gov.vn") || g.IsTrusted("gmail.com") {
		t.Error("IsTrusted: *.gov.vn not applied")
	}
}

func TestCheckPassword(t *testing.T) {
	hn, _ := ByID("hanam")
	la, _ := ByID("longan")
	tests := []struct {
		name    string
		p       Profile
		pw      string
		wantN   int
		wantHas string // a word the first violation contains
	}{
		{"HN example from the regulation", hn, "Nguyendung@135", 0, ""},
		{"HN regulation's own lower-case example lacks upper case", hn, "nguyendung@135", 1, "in hoa"},
		{"HN too short", hn, "Ab1@", 1, "ít nhất 8"},
		{"HN no digit", hn, "Abcdefg@", 1, "chữ số"},
		{"HN special outside the list", hn, "Abcdefg1^", 1, "đặc biệt"},
		{"HN nothing", hn, "", 5, "ít nhất 8"},
		{"HN Vietnamese letters count as letters", hn, "Đường@2024", 0, ""},
		{"LA only length", la, "abcdefgh", 0, ""},
		{"LA short", la, "abc", 1, "ít nhất 8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.p.CheckPassword(tt.pw)
			if len(got) != tt.wantN {
				t.Fatalf("CheckPassword(%q) = %q, want %d violations", tt.pw, got, tt.wantN)
			}
			if tt.wantN > 0 && !strings.Contains(got[0], tt.wantHas) {
				t.Errorf("first violation %q lacks %q", got[0], tt.wantHas)
			}
		})
	}
}

// TestCheckTimesMeetMinimums: each profile's default times lie in working
// hours and meet its per-session minimums (R1).
func TestCheckTimesMeetMinimums(t *testing.T) {
	for _, p := range All() {
		count := map[Session]int{}
		for _, tm := range p.Checks.Times.Value {
			s, ok := p.Hours.Value.SessionOf(tm)
			if !ok {
				t.Errorf("%s: check time %s outside working hours", p.ID, tm)
			}
			count[s]++
		}
		for _, s := range []Session{Morning, Afternoon} {
			if count[s] < p.Checks.Min(s) {
				t.Errorf("%s: %d checks in the %s, minimum %d", p.ID, count[s], s, p.Checks.Min(s))
			}
		}
	}
	st, _ := ByID("soctrang")
	if st.Checks.MorningMin.Value+st.Checks.AfternoonMin.Value != 4 {
		t.Error("ST 13.2 asks four checks a day")
	}
}

func TestR11Servers(t *testing.T) {
	want := map[string]string{
		"longan": "mail.longan.gov.vn", "hanam": "mail.hanam.gov.vn", "soctrang": "mail.soctrang.gov.vn",
		"binhduong": "mail.binhduong.gov.vn", "molisa": "mail.molisa.gov.vn",
	}
	for id, host := range want {
		p, _ := ByID(id)
		if p.Server.Value != host {
			t.Errorf("%s server = %q, want %q", id, p.Server.Value, host)
		}
	}
}

func TestJSON(t *testing.T) {
	raw, err := json.Marshal(All())
	if err != nil {
		t.Fatal(err)
	}
	var back []Profile
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, All()) {
		t.Error("profiles do not survive a JSON round trip")
	}
	if !strings.Contains(string(raw), `"times":{"value":["07:30","13:30"],"source":"LA 6.1","default":true}`) {
		t.Errorf("check times not as HH:MM with source: %.300s", raw)
	}
}

// TestSourcesNameRealArticles: every article a profile cites ("LA 6.1",
// "HN 8.2.b") is one that docs/regulations.md states (there, or a point of
// it), and every value that is not marked as our default has a source.
func TestSourcesNameRealArticles(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "regulations.md"))
	if err != nil {
		t.Fatal(err)
	}
	cite := regexp.MustCompile(`\b(?:LA|HN|ST|LĐ|BD) \d+(?:\.\d+)?(?:\.[a-zđ]\b)?`)
	// The document states an article in bold: **HN 8.2.b**.
	stated := map[string]bool{}
	for _, m := range regexp.MustCompile(`\*\*([^*]+)\*\*`).FindAllStringSubmatch(string(raw), -1) {
		for _, c := range cite.FindAllString(m[1], -1) {
			stated[c] = true
		}
	}
	covered := func(c string) bool {
		for s := range stated {
			if s == c || strings.HasPrefix(s, c+".") {
				return true
			}
		}
		return false
	}
	checked := 0
	for _, p := range All() {
		walkSourced(reflect.ValueOf(p), p.ID, func(path, src string, def bool) {
			if src == "" && !def {
				t.Errorf("%s: no source", path)
			}
			for _, c := range cite.FindAllString(src, -1) {
				checked++
				if !covered(c) {
					t.Errorf("%s: %q cites %s, which docs/regulations.md does not state", path, src, c)
				}
			}
		})
	}
	if checked < 30 {
		t.Errorf("only %d citations checked", checked)
	}
}

// walkSourced calls f for every Sourced value inside v.
func walkSourced(v reflect.Value, path string, f func(path, src string, def bool)) {
	if v.Kind() != reflect.Struct {
		return
	}
	if s, d := v.FieldByName("Source"), v.FieldByName("Default"); s.IsValid() && d.IsValid() && v.NumField() == 3 {
		f(path, s.String(), d.Bool())
		return
	}
	for i := 0; i < v.NumField(); i++ {
		walkSourced(v.Field(i), path+"."+v.Type().Field(i).Name, f)
	}
}
