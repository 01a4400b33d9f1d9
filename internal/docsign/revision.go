package docsign

import (
	"fmt"
	"reflect"

	"github.com/digitorus/pdf"
)

// Object keys a later signature may change in an existing object; any other
// change to an existing object is a change to the document.
var signingMayChange = map[string]map[string]bool{
	"Catalog": {"AcroForm": true, "DSS": true, "Perms": true, "Extensions": true, "Version": true, "Metadata": true},
	"Page":    {"Annots": true},
}

// changedSince tells what the bytes after a signed revision (which ends at
// end) changed, when that is more than signing again: "" when the file ends
// there (trailing whitespace aside) or when every later change is a
// signature, a document timestamp or a DSS and what they need (fields,
// widgets, appearances, the catalog's AcroForm/DSS, a page's Annots).
func (v *verifier) changedSince(end int64) string {
	rest := v.file[end:]
	if len(trimSpace(rest)) == 0 {
		return ""
	}
	old, err := openRevision(v.file, end)
	if err != nil {
		return "bytes appended after the signed version"
	}
	before := xrefKeys(old)
	after := xrefKeys(v.doc)
	if len(after) == 0 {
		return "bytes appended after the signed version"
	}
	root := v.doc.Trailer().Key("Root")
	allowedRefs := map[uint32]bool{}
	// A direct value reports its container's number: only indirect ones count.
	ref := func(val, parent pdf.Value) {
		p, pp := val.GetPtr(), parent.GetPtr()
		if id := p.GetID(); id != 0 && id != pp.GetID() {
			allowedRefs[id] = true
		}
	}
	ref(root.Key("AcroForm"), root)
	ref(root.Key("AcroForm").Key("Fields"), root.Key("AcroForm"))
	ref(v.doc.Trailer().Key("Info"), v.doc.Trailer())
	xsNew, xsOld := v.doc.Xref(), old.Xref()
	resolveOld := func(id uint32) pdf.Value {
		xo := xsOld[before[id].index]
		return old.Resolve(xo.Ptr(), xo.Ptr())
	}
	signedAgain := false
	changed := 0
	for id, key := range after {
		prev, existed := before[id]
		if existed && prev == key {
			continue
		}
		changed++
		if changed > 100000 {
			return "too many objects changed after signing"
		}
		xn := xsNew[key.index]
		obj := v.doc.Resolve(xn.Ptr(), xn.Ptr())
		typ := obj.Key("Type").Name()
		switch typ {
		case "Sig", "DocTimeStamp":
			if existed {
				return fmt.Sprintf("signature object %d replaced after signing", id)
			}
			signedAgain = true
			continue
		case "DSS":
			signedAgain = true
			continue
		case "XRef", "ObjStm", "XObject", "Font", "FontDescriptor", "VRI", "Metadata":
			continue
		case "Annot", "":
			if obj.Key("Subtype").Name() == "Widget" || typ == "Annot" {
				if isSigWidget(obj) {
					continue
				}
				if typ == "Annot" || obj.Key("Subtype").Name() != "" {
					return fmt.Sprintf("annotation %d (%s) added after signing", id, obj.Key("Subtype").Name())
				}
			}
		}
		if existed && obj.Kind() != pdf.Stream && resolveOld(id).String() == obj.String() {
			continue // rewritten unchanged (its object stream moved)
		}
		if !existed {
			if typ == "Page" || typ == "Pages" {
				return fmt.Sprintf("page object %d added after signing", id)
			}
			continue // a new object only matters through what refers to it
		}
		if allowedRefs[id] {
			continue
		}
		if keys, ok := signingMayChange[typ]; ok {
			was := resolveOld(id)
			if diff := differingKey(was, obj, keys); diff != "" {
				return fmt.Sprintf("%s object %d: /%s changed after signing", typ, id, diff)
			}
			continue
		}
		if annotsArray(v.doc, id) {
			continue
		}
		return fmt.Sprintf("object %d changed after signing", id)
	}
	if !signedAgain {
		return "content appended after signing"
	}
	return ""
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == 0) {
		b = b[:len(b)-1]
	}
	return b
}

func isSigWidget(w pdf.Value) bool {
	if w.Key("FT").Name() == "Sig" {
		return true
	}
	return w.Key("Parent").Key("FT").Name() == "Sig"
}

// annotsArray reports whether object id is the /Annots array of a page.
func annotsArray(r *pdf.Reader, id uint32) bool {
	pages := r.NumPage()
	for i := 1; i <= pages && i <= 10000; i++ {
		if p := r.Page(i).V.Key("Annots").GetPtr(); p.GetID() == id {
			return true
		}
	}
	return false
}

func differingKey(was, now pdf.Value, mayChange map[string]bool) string {
	seen := map[string]bool{}
	for _, list := range [][]string{was.Keys(), now.Keys()} {
		for _, k := range list {
			if seen[k] || mayChange[k] {
				continue
			}
			seen[k] = true
			if was.Key(k).String() != now.Key(k).String() {
				return k
			}
		}
	}
	return ""
}

// xrefEntry is where an object lives in a revision: its file offset, or
// the object stream holding it and that stream's offset.
type xrefEntry struct {
	index  int // in Reader.Xref()
	offset int64
	stream uint32
	within int64
}

// xrefKeys maps object numbers to where each lives. digitorus/pdf parses
// the cross-reference data; it keeps an entry's offset unexported, so it is
// read by reflection (read only).
func xrefKeys(r *pdf.Reader) map[uint32]xrefEntry {
	out := map[uint32]xrefEntry{}
	for i, x := range r.Xref() {
		p := x.Ptr()
		id := p.GetID()
		if id == 0 {
			continue
		}
		rv := reflect.ValueOf(x)
		e := xrefEntry{index: i}
		if f := rv.FieldByName("offset"); f.IsValid() {
			e.offset = f.Int()
		}
		if f := rv.FieldByName("inStream"); f.IsValid() && f.Bool() {
			s := x.Stream()
			e.stream, e.within, e.offset = s.GetID(), e.offset, 0
		}
		if e.offset == 0 && e.stream == 0 {
			continue // free
		}
		out[id] = e
	}
	// An object in an object stream moves when its stream does.
	for id, e := range out {
		if e.stream != 0 {
			e.offset = out[e.stream].offset
			out[id] = e
		}
	}
	return out
}
