# Order Bridge (Tilaussilta). A new user runs two commands: `make run` and `make test`.
# Both install what is missing: Debian packages with apt-get (as root; otherwise the
# exact command is printed), Go modules through the module proxy.

GO       ?= go
BIN      := bin/orderbridge
VERSION  := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
export LANG := en_US.UTF-8
# Fyne: plain go build must be told that the code uses fyne.Do (the fyne CLI adds it itself).
TAGS     := migrated_fynedo

# Debian packages: the cgo build of the desktop app (Fyne: gcc, GL and X11 headers),
# and what the tests start.
DEB_BUILD := gcc libc6-dev pkg-config ca-certificates git \
	libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
# Running the desktop app headless (software OpenGL, a virtual X server) and capturing it.
DEB_GUI   := libgl1-mesa-dri xvfb xauth imagemagick
# dbus and gnome-keyring: internal/secret's tests use a real Secret Service;
# dovecot-imapd: internal/source/mailbox's tests start a throw-away Dovecot.
DEB_TEST  := dbus gnome-keyring dovecot-imapd $(DEB_GUI)
DEB_RUN   :=
# Windows, built and tested from here: the mingw-w64 cross compiler (and its windres),
# Wine to run the tests and the installed app, NSIS for the installer.
DEB_WINDOWS := gcc-mingw-w64-x86-64 wine wine64 nsis $(DEB_GUI)

.PHONY: all deps deps-test deps-windows build run test test-windows lint bench clean screenshots package windows package-windows

all: build

# deps installs the Debian packages in $(1) that are not installed yet.
define apt_install
	@missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
		else \
			echo "Missing Debian packages. Run as root:"; \
			echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends$$missing"; \
			exit 2; \
		fi; \
	fi
endef

deps:
	$(call apt_install,$(DEB_BUILD) $(DEB_RUN))
	$(GO) mod download

deps-test:
	$(call apt_install,$(DEB_BUILD) $(DEB_TEST))
	$(GO) mod download

deps-windows:
	$(call apt_install,$(DEB_BUILD) $(DEB_WINDOWS))
	$(GO) mod download

build: deps
	$(GO) build -tags $(TAGS) -ldflags "$(LDFLAGS)" -o $(BIN) ./app

# With no settings yet, the app opens the setup wizard (with its demo choice).
run: build
	./$(BIN) $(ARGS)

# -race: the engine, the sources and the UI run goroutines; a data race there is a bug to find here.
test: deps-test
	$(GO) vet -tags $(TAGS) ./...
	$(GO) test -race -tags $(TAGS) -count=1 -timeout 15m ./...
	@echo "internal/secret against a real Secret Service (gnome-keyring in its own D-Bus session):"
	@keyhome=$$(mktemp -d) && trap 'rm -rf "$$keyhome"' EXIT && \
	env -u XDG_DATA_HOME HOME="$$keyhome" ORDERBRIDGE_KEYRING_TEST=1 \
		GOCACHE="$$($(GO) env GOCACHE)" GOMODCACHE="$$($(GO) env GOMODCACHE)" GOPATH="$$($(GO) env GOPATH)" GOENV="$$($(GO) env GOENV)" \
		dbus-run-session -- sh -c 'echo -n throwaway-pw | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null && \
			$(GO) test -count=1 ./internal/secret/... && \
			$(GO) test -tags $(TAGS) -count=1 -run TestWizardRealKeyring ./internal/ui/ && \
			$(GO) test -tags $(TAGS) -count=1 -run TestLoginRealKeyring ./app/'


# test-windows (not yet part of `make test`: the installer's silent install and TestScheduler
# still fail under Wine, and a cold mingw build does not fit the 30-minute budget): the Go tests
# of the Fyne-free packages under Wine in a fresh prefix, then the installed app's smoke test (build/windows/test-windows.sh and smoke.sh). Its Wine prefix is
# a temporary folder, removed at the end; nothing tracked is written.
test-windows: deps-windows package-windows
	TAGS=$(TAGS) GO=$(GO) VERSION=$(VERSION) build/windows/test-windows.sh bin/windows bin/Tilaussilta-Setup-$(VERSION).exe

# screenshots renders the setup wizard (and the other helpers' screens) in Finnish and English
# with Fyne's headless test driver into docs/screenshots/.
screenshots: deps-test
	ORDERBRIDGE_SCREENSHOTS="$(CURDIR)/docs/screenshots" $(GO) test -tags $(TAGS) -count=1 -run 'Screenshots' ./internal/ui/

# package makes the Linux package bin/Tilaussilta.tar.xz with the fyne CLI around a release build.
# Name, ID, version, icon and the desktop entry come from the root FyneApp.toml: the CLI is run
# here with --executable, so it needs no main package at the root and does not rebuild the cgo code.
FYNE_CLI_VERSION := v1.7.4
FYNE = $(firstword $(subst :, ,$(shell $(GO) env GOPATH)))/bin/fyne

package: deps
	$(GO) build -tags $(TAGS) -trimpath -ldflags "-s -w $(LDFLAGS)" -o bin/release/orderbridge ./app
	@if [ ! -x "$(FYNE)" ]; then echo "Installing the fyne CLI $(FYNE_CLI_VERSION)"; \
		GOBIN="$(dir $(FYNE))" $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_CLI_VERSION); fi
	@# The CLI writes FyneApp.toml back (a new build number, its own layout): keep ours.
	cp FyneApp.toml bin/release/FyneApp.toml.keep
	"$(FYNE)" package -os linux --executable bin/release/orderbridge --release; st=$$?; \
		cp bin/release/FyneApp.toml.keep FyneApp.toml; exit $$st
	mv Tilaussilta.tar.xz bin/
	@echo "bin/Tilaussilta.tar.xz: unpack and run 'sudo make install' in it"

# windows: the Windows binaries, one program in two faces (until the agent/window split lands):
# bin/windows/Tilaussilta.exe without a console (-H=windowsgui) for the desktop, and
# bin/windows/orderbridge.exe, a console program for cmd.exe and PowerShell (output, exit codes).
# Both carry the icon, the manifest (no admin, per-monitor DPI) and version information from
# build/windows/orderbridge.rc, compiled into a .syso beside the main package, and the version
# in -ldflags. The first build compiles Fyne's C code with mingw (~9 min on 2 cores).
WIN_GO      := GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc $(GO)
WIN_SYSO    := app/rsrc_windows_amd64.syso
APP_VERSION := $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
APP_BUILD   := $(shell sed -n 's/^ *Build *= *\([0-9]*\).*/\1/p' FyneApp.toml)
comma := ,

windows: deps-windows
	mkdir -p bin/windows
	/usr/bin/convert assets/icon.png -define icon:auto-resize=256,64,48,32,16 bin/windows/icon.ico
	x86_64-w64-mingw32-windres -DVERSION_NUM=$(subst .,$(comma),$(APP_VERSION).$(APP_BUILD)) \
		'-DVERSION_STR=\"$(VERSION)\"' '-DICON_FILE=\"bin/windows/icon.ico\"' \
		-i build/windows/orderbridge.rc -O coff -o $(WIN_SYSO)
	$(WIN_GO) build -tags $(TAGS) -ldflags "-s -w -H=windowsgui $(LDFLAGS)" -o bin/windows/Tilaussilta.exe ./app
	$(WIN_GO) build -tags $(TAGS) -ldflags "-s -w $(LDFLAGS)" -o bin/windows/orderbridge.exe ./app
	@if [ -n "$$WINDOWS_SIGN_CERT" ]; then build/windows/sign.sh bin/windows/Tilaussilta.exe bin/windows/orderbridge.exe; fi

# package-windows: bin/Tilaussilta-Setup-VERSION.exe, a per-user NSIS installer (no admin).
# With WINDOWS_SIGN_CERT (a .pfx) and WINDOWS_SIGN_PASS in the environment, the binaries and
# the installer are signed with osslsigncode (docs/windows.md).
package-windows: windows
	makensis -V2 -DVERSION=$(VERSION) -DVERSION_DOTS=$(APP_VERSION).$(APP_BUILD) -DSRCDIR=$(CURDIR)/bin/windows \
		-DOUTFILE=$(CURDIR)/bin/Tilaussilta-Setup-$(VERSION).exe build/windows/installer.nsi
	@if [ -n "$$WINDOWS_SIGN_CERT" ]; then build/windows/sign.sh bin/Tilaussilta-Setup-$(VERSION).exe; fi

# staticcheck 2026.2.2 (module version v0.8.2) is built for Go 1.26 (older ones fail on it);
# it is installed into $(go env GOPATH)/bin when missing or of another version.
STATICCHECK_VERSION := v0.8.2
STATICCHECK = $(firstword $(subst :, ,$(shell $(GO) env GOPATH)))/bin/staticcheck

lint:
	$(GO) vet -tags $(TAGS) ./...
	@out=$$(gofmt -l app internal); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	@if ! "$(STATICCHECK)" -version 2>/dev/null | grep -qF "($(STATICCHECK_VERSION:v%=%))"; then \
		echo "Installing staticcheck $(STATICCHECK_VERSION) into $(dir $(STATICCHECK))"; \
		GOBIN="$(dir $(STATICCHECK))" $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION); \
	fi
	"$(STATICCHECK)" -tags $(TAGS) ./...

bench:
	$(GO) test -tags $(TAGS) -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin $(WIN_SYSO)
