// Package motw gives files that came by mail the Mark-of-the-Web, so that
// Windows SmartScreen and Office Protected View treat them as from the
// Internet (R7, HN 12.8).
package motw

// ZoneIdentifier is the content of the Zone.Identifier stream: zone 3, the
// Internet.
const ZoneIdentifier = "[ZoneTransfer]\r\nZoneId=3\r\n"

// Mark records on the file at path that it came from the Internet: on
// Windows the NTFS alternate stream path:Zone.Identifier; elsewhere nothing.
func Mark(path string) error { return mark(path) }
