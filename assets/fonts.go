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

// liberationSerif is Liberation Serif (SIL Open Font License 1.1,
// fonts/LICENSE.LiberationSerif), metric-compatible with Times New Roman,
// Vietnamese included: the text of electronic copies (Decree 30/2020 art. 33).
//
//go:embed fonts/LiberationSerif-Regular.ttf
var liberationSerif []byte

// LiberationSerif returns the TrueType data of Liberation Serif. Callers
// must not modify the returned slice.
func LiberationSerif() []byte { return liberationSerif }
