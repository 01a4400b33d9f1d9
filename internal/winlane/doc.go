// Package winlane is the Windows lane of `make test`. Its tests run the
// Windows build under Debian's Wine 8 (wine64) on a private Xvfb, in a
// throw-away Wine prefix per run:
//
//   - the Windows-specific unit tests (machine policy in HKLM, the
//     Credential Manager, the OpenGL probe, paths, office detection,
//     toasts) cross-compiled and run with `go test -exec`;
//   - the MSI: silent install with properties, a major upgrade from an
//     older build, and uninstall;
//   - the installed thucongvu.exe against the tests' own Dovecot and
//     Postfix on loopback (Wine shares the host's loopback);
//   - the demo window, read back from a screenshot, and the message shown
//     on a computer with OpenGL older than 2.1.
//
// Go 1.22+ executables need ProcessPrng from bcryptprimitives.dll, which
// Wine 8 lacks: the lane builds testdata/bcryptprimitives.c into a stand-in DLL with
// the mingw-w64 compiler and puts it in the prefix's system32. It also
// replaces powershell.exe with a program that records being run, so the
// tests see that notifications never start PowerShell.
//
// The package holds no product code; it is Linux-only (Wine runs there).
package winlane
