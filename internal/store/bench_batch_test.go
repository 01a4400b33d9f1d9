package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"thucongvu/internal/model"
)

// BenchmarkPutHeaders: storing 10,000 header records (envelope, flags,
// attachment names and their index entries) in batches, as the header
// sync does; µs/message is wall time, cpu-µs/message the process's CPU.
func BenchmarkPutHeaders(b *testing.B) {
	ctx := context.Background()
	records := headerRecords(10_000)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		s := openTest(b)
		f, _ := s.EnsureFolder(ctx, "canhan", "INBOX", model.RoleInbox)
		b.StartTimer()
		start, cpu := time.Now(), cpuTime()
		for i := 0; i < len(records); i += benchBatch {
			batch, err := s.BeginBatch(ctx)
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range records[i:min(i+benchBatch, len(records))] {
				if err := batch.Put(f.ID, r); err != nil {
					b.Fatal(err)
				}
			}
			if err := batch.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/float64(len(records)), "µs/message")
		b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(len(records)), "cpu-µs/message")
	}
}

// headerRecords makes n records shaped like official mail: Vietnamese
// subjects and names, a few recipients, 15 % with attachments.
func headerRecords(n int) []*Record {
	subjects := []string{"Giấy mời họp giao ban tuần", "Báo cáo tình hình chuyển đổi số quý", "Kế hoạch công tác tháng",
		"Công văn về việc rà soát hồ sơ công chức", "Thông báo lịch trực Tết Nguyên đán", "Dự thảo nghị quyết xin ý kiến"}
	names := []string{"Văn phòng UBND tỉnh", "Nguyễn Văn Hùng", "Trần Thị Thu Hà", "Sở Thông tin và Truyền thông", "Phòng Tổ chức cán bộ"}
	base := time.Date(2026, 1, 2, 7, 30, 0, 0, time.UTC)
	out := make([]*Record, n)
	for i := range out {
		r := &Record{UID: uint32(i + 1), ModSeq: uint64(i + 1), MessageID: fmt.Sprintf("<%d.%d@hanam.gov.vn>", i, i*7),
			Subject: fmt.Sprintf("%s số %d/UBND-VP", subjects[i%len(subjects)], i),
			From:    model.Address{Name: names[i%len(names)], Address: fmt.Sprintf("vp%d@hanam.gov.vn", i%50)},
			Date:    base.Add(time.Duration(i) * time.Minute), InternalDate: base.Add(time.Duration(i)*time.Minute + time.Second),
			Size: 46 << 10, Flags: []string{`\Seen`}}
		if i%3 == 0 {
			r.InReplyTo = fmt.Sprintf("<%d.%d@hanam.gov.vn>", i-1, (i-1)*7)
		}
		for j := range 2 + i%4 {
			r.To = append(r.To, model.Address{Name: names[(i+j)%len(names)], Address: fmt.Sprintf("cb%d@hanam.gov.vn", (i+j)%200)})
		}
		if i%7 == 0 {
			r.Cc = []model.Address{{Name: names[(i+3)%len(names)], Address: "lanhdao@hanam.gov.vn"}}
		}
		if i%20 < 3 {
			r.Attachments = []string{fmt.Sprintf("Quyết định số %d-QĐ-UBND.pdf", i), "Phụ lục kèm theo.docx"}[:1+i%2]
			r.HasAttachments, r.Document = true, true
		}
		out[i] = r
	}
	return out
}

// benchBatch is the header sync's default batch (imapsync.Options.BatchSize).
const benchBatch = 2000
