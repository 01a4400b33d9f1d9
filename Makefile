# Thư Công Vụ — build, test and demo on Debian/Ubuntu.
# `make demo` and `make test` are the two commands a fresh machine needs.

GO      ?= go
BIN     := bin/thucongvu
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.buildDate=$(DATE)

# Debian packages: Fyne's cgo headers, then the real servers and tools the tests start.
BUILD_PKGS := gcc pkg-config libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev \
              libxi-dev libxxf86vm-dev libx11-dev libxkbcommon-dev
TEST_PKGS  := dovecot-imapd dovecot-lmtpd postfix gnome-keyring dbus libsecret-tools \
              poppler-utils xvfb dunst x11-utils isync fonts-dejavu-core \
              libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui
DEPS_PKGS  := $(BUILD_PKGS) $(TEST_PKGS)

.PHONY: deps build test bench demo snapshots clean

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

test: deps
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 45m ./...

bench: deps
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./...

demo: deps build
	$(BIN) demo

snapshots: build
	$(BIN) snapshots snapshots

clean:
	rm -rf bin snapshots
