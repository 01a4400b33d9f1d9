package main

import (
	"fmt"
	"strings"

	"thucongvu/internal/profile"
)

// cmdProfiles prints the rule profiles: `thucongvu profiles [--json]`.
func cmdProfiles(c *cli, args []string) error {
	fs := newFlags("profiles")
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("profiles: unexpected %q", pos[0])
	}
	all := profile.All()
	if *asJSON {
		return writeJSON(c, all)
	}
	for _, p := range all {
		fmt.Fprintf(c.stdout, "%s — %s %s\n", p.ID, p.Name, p.Regulation)
		line := func(label, value, src string) {
			fmt.Fprintf(c.stdout, "  %-22s %s  [%s]\n", label, value, src)
		}
		line("máy chủ", orDash(p.Server.Value), p.Server.Source)
		times := make([]string, 0, len(p.Checks.Times.Value))
		for _, t := range p.Checks.Times.Value {
			times = append(times, t.String())
		}
		line("giờ kiểm tra (R1)", fmt.Sprintf("%s (tối thiểu %d sáng, %d chiều)", strings.Join(times, ", "),
			p.Checks.MorningMin.Value, p.Checks.AfternoonMin.Value), p.Checks.MorningMin.Source)
		line("báo nhận (R2)", yesNo(p.AckRequired.Value), p.AckRequired.Source)
		line("chữ ký (R3)", strings.Join(p.SignatureFields.Value, ", "), p.SignatureFields.Source)
		line("văn bản PDF (R4)", string(p.PDF.Value), p.PDF.Source)
		line("đính kèm tối đa (R5)", fmt.Sprintf("%d MB", p.MaxAttachmentBytes.Value/profile.MiB), p.MaxAttachmentBytes.Source)
		pw := fmt.Sprintf("≥ %d ký tự", p.Password.MinLength.Value)
		if p.Password.RequireSpecial.Value {
			pw += ", hoa, thường, số, ký tự đặc biệt"
		}
		if p.Password.MaxAgeDays.Value > 0 {
			pw += fmt.Sprintf(", đổi sau %d ngày", p.Password.MaxAgeDays.Value)
		}
		line("mật khẩu (R6)", pw, p.Password.MinLength.Source)
		line("thư mật (R7)", string(p.Secret.Value), p.Secret.Source)
		line("webmail nước ngoài (R7)", string(p.ForeignWebmail.Level.Value), p.ForeignWebmail.Level.Source)
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "có"
	}
	return "không"
}
