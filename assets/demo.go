package assets

import "embed"

// Demo holds the demo server's data: demo/mail/*.eml are text/template
// sources of the seed messages, rendered by internal/demo (which documents
// the template functions). Other files of package assets embed other things.
//
//go:embed demo
var Demo embed.FS
