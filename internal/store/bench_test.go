package store

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"thucongvu/internal/model"
)

// BenchmarkSearch50k: median full-text search over 50,000 messages with
// bodies indexed (target < 30 ms).
func BenchmarkSearch50k(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	f, _ := s.EnsureFolder(ctx, "canhan", "INBOX", model.RoleInbox)
	subjects := []string{"Giấy mời họp giao ban", "Báo cáo tình hình chuyển đổi số", "Kế hoạch công tác tháng",
		"Công văn về việc rà soát hồ sơ", "Thông báo lịch trực Tết", "Dự thảo quyết định xin ý kiến"}
	body := "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Sở Thông tin và Truyền thông đề nghị các đơn vị báo cáo kết quả triển khai trước ngày 15 hằng tháng."
	batch, _ := s.BeginBatch(ctx)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= 50_000; i++ {
		r := &Record{UID: uint32(i), Subject: fmt.Sprintf("%s số %d", subjects[i%len(subjects)], i),
			From: model.Address{Name: "Văn phòng UBND tỉnh", Address: fmt.Sprintf("vp%d@hanam.gov.vn", i%50)},
			Date: base.Add(time.Duration(i) * time.Minute)}
		if err := batch.Put(f.ID, r); err != nil {
			b.Fatal(err)
		}
	}
	batch.Commit()
	rows, _ := s.db.Query(`SELECT id FROM messages`)
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	for len(ids) > 0 {
		var bodies []Body
		for _, id := range ids[:min(1000, len(ids))] {
			bodies = append(bodies, Body{ID: id, Raw: []byte("x"), Text: body})
		}
		ids = ids[len(bodies):]
		if err := s.PutBodies(ctx, bodies); err != nil {
			b.Fatal(err)
		}
	}
	queries := []string{"giay moi", "chuyen doi so", "bao cao", "ke hoach cong tac", "ra soat ho so", "lich truc tet",
		"du thao quyet dinh", "van phong", "so 4999", "hanam", "thong bao", "y kien", "so 12345", "truyen thong"}
	var times []time.Duration
	b.ResetTimer()
	for i := 0; i < 101; i++ {
		start := time.Now()
		hits, err := s.Search(ctx, queries[i%len(queries)], "", 50)
		if err != nil || len(hits) == 0 {
			b.Fatalf("%q: %d hits, %v", queries[i%len(queries)], len(hits), err)
		}
		times = append(times, time.Since(start))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[50].Microseconds())/1000, "median-ms")
	b.ReportMetric(float64(times[95].Microseconds())/1000, "p95-ms")
	fmt.Printf("search 50000: median %s, p95 %s (target median < 30 ms)\n", times[50].Round(10*time.Microsecond), times[95].Round(10*time.Microsecond))
}
