package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"

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
	c.verifyAttachments(files[0], m)
	out := bufio.NewWriterSize(c.stdout, 64<<10)
	if *asJSON {
		err = writeMessageJSON(out, m)
	} else {
		printMessageSummary(out, c.msg.Lang, m)
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	return err
}

// writeMessageJSON writes m as one indented JSON document. The text and
// HTML bodies (megabytes each) are escaped piece by piece straight to w,
// so that the document is never held whole beside them.
func writeMessageJSON(w io.Writer, m *mail.Message) error {
	shell := *m
	shell.Text = ""
	if m.HTML != "" {
		shell.HTML = "-" // keeps the key, which omitempty would drop
	}
	var head bytes.Buffer
	enc := json.NewEncoder(&head)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&shell); err != nil {
		return err
	}
	doc := head.Bytes()
	// Top-level keys are the only ones indented by two spaces, and a JSON
	// string holds no raw newline: each marker occurs once.
	for _, body := range []struct{ key, stand, value string }{{"text", "", m.Text}, {"html", "-", m.HTML}} {
		if body.value == "" {
			continue
		}
		open := "\n  \"" + body.key + "\": \""
		i := bytes.Index(doc, []byte(open+body.stand+"\""))
		if i < 0 {
			return fmt.Errorf("parse: JSON without %s", body.key)
		}
		if _, err := w.Write(doc[:i+len(open)]); err != nil {
			return err
		}
		if err := writeJSONStringBody(w, body.value); err != nil {
			return err
		}
		doc = doc[i+len(open)+len(body.stand):]
	}
	_, err := w.Write(doc)
	return err
}

// writeJSONStringBody writes s escaped as inside a JSON string (without
// the quotes), in pieces cut at rune starts, as encoding/json escapes it.
func writeJSONStringBody(w io.Writer, s string) error {
	const piece = 32 << 10
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for s != "" {
		n := min(piece, len(s))
		for n < len(s) && n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		if n == 0 {
			n = min(piece, len(s))
		}
		buf.Reset()
		if err := enc.Encode(s[:n]); err != nil {
			return err
		}
		b := buf.Bytes()
		if _, err := w.Write(b[1 : len(b)-2]); err != nil { // quotes and newline
			return err
		}
		s = s[n:]
	}
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

func printMessageSummary(w io.Writer, lang string, m *mail.Message) {
	l, ok := parseLabels[lang]
	if !ok {
		l = parseLabels["vi"]
	}
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
		for _, s := range []string{"\n", m.Text, "\n"} {
			_, _ = io.WriteString(w, s)
		}
	}
}
