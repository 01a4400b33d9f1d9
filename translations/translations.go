// Package translations embeds the user-visible text of the client:
// vi.json (the default) and en.json, flat key → text maps that both the
// command line and Fyne's lang package read.
package translations

import "embed"

// FS holds vi.json and en.json.
//
//go:embed *.json
var FS embed.FS
