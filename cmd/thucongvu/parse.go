package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"thucongvu/internal/failure"
	"thucongvu/internal/mail"
)

// cmdParse is `thucongvu parse FILE.eml [--json]`: decode and classify one
// message; flags may come before or after the file.
func cmdParse(c *cli, args []string) error {
	fset := flag.NewFlagSet("parse", flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	asJSON := fset.Bool("json", false, "print one JSON document")
	var flags, files []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--":
			files = append(files, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && a != "-":
			flags = append(flags, a)
		default:
			files = append(files, a)
		}
	}
	if err := fset.Parse(flags); err != nil {
		return usageErr("parse: %v", err)
	}
	if len(files) != 1 {
		return usageErr("parse FILE.eml [--json]")
	}
	f, err := os.Open(files[0])
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("parse %s: %w", files[0], failure.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	defer f.Close()
	m, err := mail.ParseReader(f)
	if err != nil {
		return fmt.Errorf("parse %s: %w", files[0], err)
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(m)
	}
	printMessageSummary(c, m)
	return nil
}

// parseLabels are the field names of the human summary, per language.
var parseLabels = map[string]map[string]string{
	"vi": {"subject": "Tiêu đề", "from": "Người gửi", "to": "Người nhận", "cc": "Đồng gửi", "date": "Ngày",
		"att": "Tệp đính kèm", "class": "Phân loại", "legacy": "Mã tiếng Việt cũ (đã chuyển sang Unicode)",
		"warn": "Đã sửa", "document": "văn bản", "auto": "thư tự động", "list": "danh sách thư",
		"bounce": "thư báo lỗi", "secret": "độ mật", "none": "thư thường"},
	"en": {"subject": "Subject", "from": "From", "to": "To", "cc": "Cc", "date": "Date",
		"att": "Attachments", "class": "Class", "legacy": "Legacy Vietnamese encoding (converted to Unicode)",
		"warn": "Repaired", "document": "document", "auto": "auto-submitted", "list": "mailing list",
		"bounce": "bounce", "secret": "secret", "none": "ordinary mail"},
}

func printMessageSummary(c *cli, m *mail.Message) {
	l, ok := parseLabels[c.msg.Lang]
	if !ok {
		l = parseLabels["vi"]
	}
	w := c.stdout
	addr := func(a mail.Address) string {
		if a.Name == "" {
			return a.Address
		}
		return fmt.Sprintf("%s <%s>", a.Name, a.Address)
	}
	list := func(as []mail.Address) string {
		s := make([]string, len(as))
		for i, a := range as {
			s[i] = addr(a)
		}
		return strings.Join(s, ", ")
	}
	fmt.Fprintf(w, "%s: %s\n%s: %s\n%s: %s\n", l["subject"], m.Subject, l["from"], addr(m.From), l["to"], list(m.To))
	if len(m.Cc) > 0 {
		fmt.Fprintf(w, "%s: %s\n", l["cc"], list(m.Cc))
	}
	fmt.Fprintf(w, "%s: %s\n", l["date"], m.Date)
	var class []string
	for _, k := range []struct {
		on  bool
		key string
	}{{m.Document, "document"}, {m.AutoSubmitted, "auto"}, {m.List, "list"}, {m.Bounce, "bounce"}} {
		if k.on {
			class = append(class, l[k.key])
		}
	}
	if m.Secret != "" {
		class = append(class, l["secret"]+" "+m.Secret)
	}
	if len(class) == 0 {
		class = append(class, l["none"])
	}
	fmt.Fprintf(w, "%s: %s\n", l["class"], strings.Join(class, ", "))
	if m.LegacyEncoding != "" {
		fmt.Fprintf(w, "%s: %s\n", l["legacy"], m.LegacyEncoding)
	}
	for _, a := range m.Attachments {
		fmt.Fprintf(w, "%s: %s (%s, %d B)\n", l["att"], a.Filename, a.ContentType, a.Size)
	}
	for _, warn := range m.Warnings {
		fmt.Fprintf(w, "%s: %s\n", l["warn"], warn)
	}
	if m.Text != "" {
		fmt.Fprintf(w, "\n%s\n", m.Text)
	}
}
