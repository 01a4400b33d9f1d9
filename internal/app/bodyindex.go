package app

import "context"

// IndexPending is how many downloaded messages wait for their text to be
// indexed; the window's status bar says so beside search results.
func (s *Services) IndexPending() int {
	n, _ := s.E.Store.IndexPending(context.Background())
	return n
}
