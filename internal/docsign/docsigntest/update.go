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

// AppendDSS adds a Document Security Store (PAdES LTV) holding the given
// CRLs as an incremental update: the catalog gains /DSS.
func AppendDSS(tb testing.TB, in []byte, crls ...[]byte) []byte {
	tb.Helper()
	r, err := pdf.NewReader(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		tb.Fatal(err)
	}
	root := r.Trailer().Key("Root")
	rootPtr := root.GetPtr()
	size := r.Trailer().Key("Size").Int64()
	var b bytes.Buffer
	b.Write(in)
	if !bytes.HasSuffix(in, []byte("\n")) {
		b.WriteByte('\n')
	}
	type entry struct{ id, off int64 }
	var entries []entry
	next := size
	var crlRefs string
	for _, c := range crls {
		entries = append(entries, entry{next, int64(b.Len())})
		fmt.Fprintf(&b, "%d 0 obj\n<< /Length %d >>\nstream\n", next, len(c))
		b.Write(c)
		b.WriteString("\nendstream\nendobj\n")
		crlRefs += fmt.Sprintf("%d 0 R ", next)
		next++
	}
	dssID := next
	next++
	entries = append(entries, entry{dssID, int64(b.Len())})
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /DSS /CRLs [%s] >>\nendobj\n", dssID, crlRefs)
	rootOff := b.Len()
	fmt.Fprintf(&b, "%d %d obj\n<<", rootPtr.GetID(), rootPtr.GetGen())
	for _, k := range root.Keys() {
		if k != "DSS" {
			fmt.Fprintf(&b, " /%s %s", k, root.Key(k).String())
		}
	}
	fmt.Fprintf(&b, " /DSS %d 0 R >>\nendobj\n", dssID)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 1\n0000000000 65535 f \n%d 1\n%010d %05d n \n", rootPtr.GetID(), rootOff, rootPtr.GetGen())
	for _, e := range entries {
		fmt.Fprintf(&b, "%d 1\n%010d 00000 n \n", e.id, e.off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d %d R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n",
		next, rootPtr.GetID(), rootPtr.GetGen(), r.XrefInformation.StartPos, xref)
	return b.Bytes()
}
