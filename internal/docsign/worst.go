package docsign

// Worst is the state a set of files shows as one badge: the worst state of
// the signed ones, Unsigned when none is signed.
func Worst(states ...State) State {
	out := Unsigned
	for _, st := range states {
		switch {
		case st == "" || st == Unsigned:
		case out == Unsigned || severity[st] > severity[out]:
			out = st
		}
	}
	return out
}
