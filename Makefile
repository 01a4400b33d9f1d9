# Thư Công Vụ — build, test and demo on Debian/Ubuntu.
# `make demo` and `make test` are the two commands a fresh machine needs.

# Go 1.27.3 for every go command (go.mod's go line; the go command fetches that
# toolchain from the module proxy once). Shells that call go directly export it too.
export GOTOOLCHAIN := go1.27.3
GO      ?= go
BIN     := bin/thucongvu
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.buildDate=$(DATE)

# Debian packages: Fyne's cgo headers, then the real servers and tools the tests start.
BUILD_PKGS := gcc pkg-config libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev \
              libxi-dev libxxf86vm-dev libx11-dev libxkbcommon-dev \
              libwayland-dev wayland-protocols
TEST_PKGS  := dovecot-imapd dovecot-lmtpd postfix gnome-keyring dbus libsecret-tools \
              poppler-utils xvfb libgl1-mesa-dri dunst x11-utils isync fonts-dejavu-core \
              libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui \
              mount \
              openssl softhsm2 opensc libnss3-tools
DEPS_PKGS  := $(BUILD_PKGS) $(TEST_PKGS)

.PHONY: deps build test fuzz bench demo snapshots clean

# Native fuzz targets (package:Target) that `make test` runs for FUZZTIME each;
# -fuzz takes one target per run. A crasher lands in the package's
# testdata/fuzz/Target/ and becomes a regression test once committed.
# Budgets are counts of executions, not durations: Go 1.26's fuzz coordinator
# can report a bare "context deadline exceeded" when a -fuzztime duration ends
# (golang/go#75804, fixed in Go 1.27), which would fail a green run.
FUZZTIME ?= 30000x
FUZZ_TARGETS := \
	./internal/mail:FuzzParse ./internal/mail:FuzzDecodeLegacy ./internal/mail:FuzzHTMLToText \
	./internal/mail:FuzzSecretMarking ./internal/mail:FuzzBoundaryToken \
	./internal/compose:FuzzAttachmentData ./internal/compose:FuzzExtractText \
	./internal/compose:FuzzPDFText ./internal/compose:FuzzOleText ./internal/pdfconv:FuzzSanitizeHTML \
	./internal/discover:FuzzParseConfig ./internal/config:FuzzPolicyFile \
	./internal/remind:FuzzArrangements ./internal/browserpage:FuzzSeal ./internal/ui:FuzzHTMLToRich \
	./internal/register:FuzzExtract \
	./internal/backup:FuzzParseManifest ./internal/backup:FuzzMessageID \
	./internal/ui:FuzzAckText \
	./internal/docsign:FuzzVerify ./internal/docsign:FuzzBySerial \
	./internal/store:FuzzUnpackRow ./internal/store:FuzzStringList ./internal/register:FuzzReferences \
	./internal/store:FuzzIndexBodies

## deps: install every Debian package the build and the tests need (idempotent, quick when present)
deps:
	@missing=$$(for p in $(DEPS_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		echo "postfix postfix/main_mailer_type select No configuration" | $$SUDO debconf-set-selections; \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/thucongvu

test: deps windows
	$(GO) vet ./...
	$(WIN_ENV) $(GO) vet ./...
	$(GO) test -count=1 -timeout 45m ./...
	$(MAKE) --no-print-directory fuzz

## fuzz: each of FUZZ_TARGETS for FUZZTIME; the first failure stops it
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; echo "fuzz $$name ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 200x $$pkg >/tmp/thucongvu-fuzz.$$$$.log 2>&1 \
			|| { cat /tmp/thucongvu-fuzz.$$$$.log; rm -f /tmp/thucongvu-fuzz.$$$$.log; exit 1; }; \
		if grep -q 'no fuzz tests to fuzz' /tmp/thucongvu-fuzz.$$$$.log; then \
			echo "$$pkg has no $$name"; rm -f /tmp/thucongvu-fuzz.$$$$.log; exit 1; fi; \
		rm -f /tmp/thucongvu-fuzz.$$$$.log; \
	done

bench: deps
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./...

demo: deps build
	$(BIN) demo

snapshots: build
	$(BIN) snapshots snapshots

clean:
	rm -rf bin snapshots

# --- Packages (issue 8): Windows executable and MSI, Linux tarball. See "For agency IT" in README.md.
# Debian packages: the mingw-w64 C compiler and windres (cgo for GLFW), wixl/msibuild/msiinfo, osslsigncode.
PACKAGING_PKGS := gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 wixl msitools osslsigncode
DEPS_PKGS      += $(PACKAGING_PKGS)
# The Windows lane (internal/winlane, part of `make test`): Wine 8 runs the exe and the MSI on a
# private Xvfb; ImageMagick's import takes the screenshot that Tesseract reads back in Vietnamese.
WINTEST_PKGS   := wine64 imagemagick tesseract-ocr tesseract-ocr-vie
DEPS_PKGS      += $(WINTEST_PKGS)

WIN_DIR     := bin/windows
WIN_EXE     := $(WIN_DIR)/thucongvu.exe
WIN_MSI     := $(WIN_DIR)/thucongvu.msi
WIN_SYSO    := cmd/thucongvu/zz_rsrc_windows_amd64.syso
WIN_ENV     := CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc
# no_emoji leaves out Fyne's 4.2 MB colour emoji font (39.5 → 35.3 MB); emoji in mail show as boxes.
# -s -w drop the symbol table and DWARF (72.9 → 39.5 MB).
WIN_TAGS    := no_emoji
# Version n.n.n and build number from FyneApp.toml (version resource, MSI ProductVersion).
APP_VERSION := $(shell sed -n 's/^ *Version *= *"\([0-9.]*\)".*/\1/p' FyneApp.toml)
APP_BUILD   := $(shell sed -n 's/^ *Build *= *\([0-9]*\).*/\1/p' FyneApp.toml)
# Optional: an agency's isp/DOMAIN.xml and Mesa's opengl32.dll to carry in the MSI.
ISP_FILE    ?=
MESA_DLL    ?=
# Optional Authenticode signing with osslsigncode: SIGN_CERT (PEM/DER certificate chain or .p12 with
# SIGN_KEY empty), SIGN_KEY (private key), SIGN_PASS (key password), SIGN_TIMESTAMP (RFC 3161 URL).
SIGN_CERT      ?=
SIGN_KEY       ?=
SIGN_PASS      ?=
SIGN_TIMESTAMP ?=
sign = if [ -n "$(SIGN_CERT)" ]; then \
	osslsigncode sign $(if $(SIGN_KEY),-certs "$(SIGN_CERT)" -key "$(SIGN_KEY)",-pkcs12 "$(SIGN_CERT)") \
		$(if $(SIGN_PASS),-pass "$(SIGN_PASS)") $(if $(SIGN_TIMESTAMP),-ts "$(SIGN_TIMESTAMP)") \
		-n "Thu Cong Vu" -h sha256 -in "$(1)" -out "$(1).signed" && mv "$(1).signed" "$(1)" || exit 1; \
	osslsigncode verify -in "$(1)" >/dev/null 2>&1 || echo "note: $(1) is signed; its chain is not trusted on this machine"; \
	else echo "$(1): not signed (SIGN_CERT not set)"; fi

.PHONY: windows msi linux-dist package-check wintest

## windows: the windows/amd64 GUI executable with icon, manifest and version resource
windows: deps
	@mkdir -p $(WIN_DIR)
	@v="$(APP_VERSION)"; set -- $$(echo $$v | tr . ' '); \
	sed -e "s#@ICON@#$(CURDIR)/assets/icon.ico#" -e "s#@MANIFEST@#$(CURDIR)/packaging/windows/thucongvu.exe.manifest#" \
	    -e "s/@V1@/$$1/g" -e "s/@V2@/$$2/g" -e "s/@V3@/$$3/g" -e "s/@V4@/$(APP_BUILD)/g" \
	    -e "s/@VERSION@/$$v/g" -e "s/@GITVERSION@/$(VERSION)/g" packaging/windows/thucongvu.rc > $(WIN_DIR)/thucongvu.rc
	x86_64-w64-mingw32-windres -O coff -i $(WIN_DIR)/thucongvu.rc -o $(WIN_SYSO)
	$(WIN_ENV) $(GO) build -tags "$(WIN_TAGS)" -ldflags "-H windowsgui -s -w $(LDFLAGS)" -o $(WIN_EXE) ./cmd/thucongvu; \
	status=$$?; rm -f $(WIN_SYSO); exit $$status
	@$(call sign,$(WIN_EXE))

## msi: the per-machine MSI (wixl); ISP_FILE=path/DOMAIN.xml and MESA_DLL=path/opengl32.dll are optional
msi: windows
	$(GO) run ./packaging/buildmsi -exe $(WIN_EXE) -icon assets/icon.ico -version $(APP_VERSION) \
		-isp "$(ISP_FILE)" -mesa "$(MESA_DLL)" -o $(WIN_MSI)
	@$(call sign,$(WIN_MSI))

## linux-dist: bin/thucongvu-VERSION-linux-amd64.tar.gz (binary, .desktop file, icon)
linux-dist: build
	sh packaging/linux/dist.sh $(BIN) $(APP_VERSION) bin

## package-check: builds the real exe and MSI, then runs the packaging checks on them
package-check: msi linux-dist
	PACKAGE_CHECK=1 $(GO) test -count=1 -v -run . ./packaging/

## wintest: the Windows lane alone: the test packages vet for Windows, then internal/winlane runs the
## Windows tests, the MSI and the installed exe under Wine (WINLANE_SCREENSHOTS=DIR keeps the screenshots)
wintest: deps windows
	$(WIN_ENV) $(GO) vet ./...
	$(GO) test -count=1 -v -timeout 30m ./internal/winlane
