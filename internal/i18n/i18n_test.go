package i18n

import (
	"sort"
	"testing"
)

// Both languages must carry the same keys, so no text falls back to a key.
func TestSameKeys(t *testing.T) {
	vi, err := Load("vi")
	if err != nil {
		t.Fatal(err)
	}
	en, err := Load("en")
	if err != nil {
		t.Fatal(err)
	}
	vk, ek := vi.Keys(), en.Keys()
	sort.Strings(vk)
	sort.Strings(ek)
	inVi := map[string]bool{}
	for _, k := range vk {
		inVi[k] = true
	}
	for _, k := range ek {
		if !inVi[k] {
			t.Errorf("key %q in en.json is missing from vi.json", k)
		}
		delete(inVi, k)
	}
	for k := range inVi {
		t.Errorf("key %q in vi.json is missing from en.json", k)
	}
	if vi.T("err.auth", "x") == en.T("err.auth", "x") {
		t.Error("vi and en give the same text for err.auth")
	}
}
