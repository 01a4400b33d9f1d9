package compose

// DocumentText returns at most limit bytes of the text of an attached
// document (PDF, DOCX, ODT, DOC, plain text), chosen by its name's
// extension; "" when the file cannot be read. The reading is bounded as
// the preflight's is.
func DocumentText(name string, data []byte, limit int64) string {
	return cachedText(name, data, limit)
}
