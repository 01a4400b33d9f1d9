//go:build !windows

package docsigntest

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/digitorus/pdf"
)

// AppendRedBox adds an incremental update that draws a red box on page one
// (a new content stream and the page rewritten to use it): a change made
// after signing, as an editor would save it.
func AppendRedBox(tb testing.TB, in []byte) []byte {
	tb.Helper()
	r, err := pdf.NewReader(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		tb.Fatal(err)
	}
	page := r.Page(1).V
	pagePtr := page.GetPtr()
	size := r.Trailer().Key("Size").Int64()
	rootPtr := r.Trailer().Key("Root").GetPtr()

	var b bytes.Buffer
	b.Write(in)
	if !bytes.HasSuffix(in, []byte("\n")) {
		b.WriteByte('\n')
	}
	boxID := size
	content := "q 1 0 0 RG 4 w 100 600 300 120 re S Q"
	boxOff := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", boxID, len(content), content)
	pageOff := b.Len()
	fmt.Fprintf(&b, "%d %d obj\n<<", pagePtr.GetID(), pagePtr.GetGen())
	for _, k := range page.Keys() {
		if k == "Contents" {
			continue
		}
		fmt.Fprintf(&b, " /%s %s", k, page.Key(k).String())
	}
	old := page.Key("Contents")
	var olds string
	if old.Kind() == pdf.Array {
		for i := 0; i < old.Len(); i++ {
			p := old.Index(i).GetPtr()
			olds += fmt.Sprintf("%d %d R ", p.GetID(), p.GetGen())
		}
	} else {
		p := old.GetPtr()
		olds = fmt.Sprintf("%d %d R ", p.GetID(), p.GetGen())
	}
	fmt.Fprintf(&b, " /Contents [%s%d 0 R] >>\nendobj\n", olds, boxID)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 1\n0000000000 65535 f \n%d 1\n%010d %05d n \n%d 1\n%010d 00000 n \n",
		pagePtr.GetID(), pageOff, pagePtr.GetGen(), boxID, boxOff)
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d %d R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n",
		size+1, rootPtr.GetID(), rootPtr.GetGen(), r.XrefInformation.StartPos, xref)
	return b.Bytes()
}
