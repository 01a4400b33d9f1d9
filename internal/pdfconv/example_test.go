package pdfconv_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"thucongvu/internal/pdfconv"
)

func ExampleConverter_Convert() {
	dir, _ := os.MkdirTemp("", "example-")
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "Thông báo.txt")
	os.WriteFile(in, []byte("Thông báo lịch họp giao ban tuần."), 0o644)

	conv := pdfconv.New(pdfconv.Config{})
	defer conv.Close()
	for _, r := range conv.Convert(context.Background(), []string{in}, pdfconv.Options{}, nil) {
		fmt.Println(filepath.Base(r.Output), r.Pages, r.Converter, r.Err)
	}
	// Output: Thông báo.pdf 1 text <nil>
}
