// Package assets holds the files the binary embeds: the icon, the font that
// renders Vietnamese in generated PDFs, demo mail. It only hands out bytes;
// it never parses, renders or writes anything.
package assets

import _ "embed"

// dejaVuSans is DejaVu Sans (Bitstream Vera licence, fonts/LICENSE): it has
// every precomposed Vietnamese letter and combining mark, so text turned into
// PDF keeps its diacritics (R5, LA 8.2).
//
//go:embed fonts/DejaVuSans.ttf
var dejaVuSans []byte

// DejaVuSans returns the TrueType data of DejaVu Sans. Callers must not
// modify the returned slice.
func DejaVuSans() []byte { return dejaVuSans }
