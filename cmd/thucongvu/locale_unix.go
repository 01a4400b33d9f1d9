//go:build linux || freebsd || netbsd || openbsd || darwin

package main

/*
#include <string.h>
extern char **environ;

static const char *thucongvu_keys[] = {"LANG=", "LC_ALL=", "LC_MESSAGES=", NULL};
static char thucongvu_saved[3][128];

// Fyne reads the locale in its package init, before main, and logs three
// lines of error for the C locale with a codeset ("LANG=C.UTF-8"), which
// names no language. Such values are shortened in place to plain "C"
// before Go copies the environment; main puts them back for the programs
// the client starts (LibreOffice needs the codeset for file names).
__attribute__((constructor)) static void thucongvu_plain_c_locale(void) {
	for (char **e = environ; e && *e; e++) {
		for (int k = 0; thucongvu_keys[k]; k++) {
			size_t n = strlen(thucongvu_keys[k]);
			if (strncmp(*e, thucongvu_keys[k], n) != 0) continue;
			char *v = *e + n;
			if ((strncmp(v, "C.", 2) == 0 || strncmp(v, "POSIX.", 6) == 0) && strlen(v) < sizeof thucongvu_saved[k]) {
				strcpy(thucongvu_saved[k], v);
				*strchr(v, '.') = '\0';
			}
		}
	}
}

static const char *thucongvu_saved_value(int k) { return thucongvu_saved[k][0] ? thucongvu_saved[k] : NULL; }
*/
import "C"

import "os"

// restoreLocale gives the environment back the C-locale codesets the
// constructor above hid from Fyne's start-up.
func restoreLocale() {
	for k, key := range []string{"LANG", "LC_ALL", "LC_MESSAGES"} {
		if v := C.thucongvu_saved_value(C.int(k)); v != nil {
			os.Setenv(key, C.GoString(v))
		}
	}
}
