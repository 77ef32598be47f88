#!/bin/sh
# Smoke test of the installed Windows app under Wine (called by test-windows.sh
# with the prefix ready in WINEPREFIX): silent install, the wizard's first
# screen captured under Xvfb, an upgrade install over the running app, the
# command line from cmd.exe (exit codes, version stamp, import and send against
# the sandbox) with the settings and history in %APPDATA% / %LOCALAPPDATA%,
# another upgrade that must keep them, and a silent uninstall that keeps them.
#
# Usage: smoke.sh INSTALLER.exe TMPDIR
# ORDERBRIDGE_WIZARD_PNG=FILE also copies the wizard capture there (make screenshots).
set -eu
installer=$1 tmp=$2
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
: "${WINEPREFIX:?}"
fail() { echo "smoke test: $*" >&2; exit 1; }
win() { wine "$@" 2>/dev/null | tr -d '\r'; }

programs=$(winepath -u "$(win cmd /c 'echo %LOCALAPPDATA%')\\Programs\\Tilaussilta")
appdata=$(winepath -u "$(win cmd /c 'echo %APPDATA%')")
localdata=$(winepath -u "$(win cmd /c 'echo %LOCALAPPDATA%')")

echo "smoke: silent install"
wine "$installer" /S || fail "installer /S exited $?"
for f in Tilaussilta.exe orderbridge.exe uninstall.exe; do
	[ -f "$programs/$f" ] || fail "$programs/$f missing after install"
done
version=$(win "$programs/orderbridge.exe" version)
echo "smoke: $version"
case "$version" in "orderbridge ${VERSION:-} "*" windows/amd64)") ;; *) fail "version says '$version', want ${VERSION:-?} windows/amd64" ;; esac

echo "smoke: the desktop app (no settings yet: the wizard) under Xvfb"
Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$tmp/display" 2>/dev/null &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$tmp/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$tmp/display")"
LANG=fi_FI.UTF-8 wine "$programs/Tilaussilta.exe" >"$tmp/gui.log" 2>&1 &
gui=$!
png="$tmp/windows-wizard-fi.png"
colours=0
for _ in $(seq 60); do
	sleep 2
	kill -0 $gui 2>/dev/null || fail "the app ended at start: $(cat "$tmp/gui.log")"
	/usr/bin/import -display "$DISPLAY" -window root "$png" 2>/dev/null || continue
	colours=$(/usr/bin/convert "$png" -format %k info:)
	[ "$colours" -gt 100 ] && break
done
[ "$colours" -gt 100 ] || fail "no window drawn in 120 s ($colours colours on the screen)"
sleep 3 # the wizard's fonts and images settle
/usr/bin/import -display "$DISPLAY" -window root "$png"
echo "smoke: wizard captured ($(/usr/bin/convert "$png" -format %k info:) colours) in $png"
if [ -n "${ORDERBRIDGE_WIZARD_PNG:-}" ]; then cp "$png" "$ORDERBRIDGE_WIZARD_PNG"; fi

echo "smoke: upgrade install over the running app"
wine "$installer" /S || fail "upgrade installer /S exited $?"
for _ in $(seq 20); do kill -0 $gui 2>/dev/null || break; sleep 0.5; done
kill -0 $gui 2>/dev/null && fail "the running app was not stopped by the upgrade"
[ -f "$programs/Tilaussilta.exe" ] || fail "Tilaussilta.exe missing after the upgrade"

echo "smoke: command line from cmd.exe against the sandbox"
code=$(win cmd /c "\"$(winepath -w "$programs/orderbridge.exe")\" no-such-command >nul 2>nul & call echo %^errorlevel%")
[ "$code" = 2 ] || fail "an unknown command exited $code from cmd.exe, want 2"
win "$programs/orderbridge.exe" sandbox >"$tmp/sandbox.json" 2>"$tmp/sandbox.log" &
sandbox=$!
trap 'kill $xvfb $sandbox 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$tmp/sandbox.json" ] && break; sleep 0.2; done
field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$tmp/sandbox.json"; }
url=$(field url)
[ -n "$url" ] || fail "the sandbox printed no URL: $(cat "$tmp/sandbox.log")"
ob() { win "$programs/orderbridge.exe" "$@"; }
ob config set procountor.environment custom >/dev/null
ob config set procountor.base_url "$url" >/dev/null
ob config set procountor.client_id "$(field client_id)" >/dev/null
ob config set procountor.redirect_uri "$(field redirect_uri)" >/dev/null
[ -f "$appdata/orderbridge/settings.json" ] || fail "no settings in %APPDATA%\\orderbridge"
cp "$repo/internal/format/table/testdata/sample_fi_orders.csv" "$tmp/tilaukset.csv"
ob import "$(winepath -w "$tmp/tilaukset.csv")" >"$tmp/import.out" || fail "import exited $?: $(cat "$tmp/import.out")"
[ -f "$localdata/orderbridge/history.db" ] || fail "no history in %LOCALAPPDATA%\\orderbridge"
ORDERBRIDGE_PROCOUNTOR_API_KEY=$(field api_key) ORDERBRIDGE_PROCOUNTOR_CLIENT_SECRET=$(field client_secret) \
	win "$programs/orderbridge.exe" send >"$tmp/send.json" || fail "send exited $?: $(cat "$tmp/send.json")"
sent=$(ob history --state sent --json | grep -o '"order_number"' | wc -l)
echo "smoke: $sent orders sent: $(head -c 300 "$tmp/send.json")"
[ "$sent" -gt 0 ] || fail "no order sent"
kill $sandbox

echo "smoke: upgrade again, with settings and history in place"
wine "$installer" /S || fail "second upgrade exited $?"
[ "$(ob history --state sent --json | grep -o '"order_number"' | wc -l)" = "$sent" ] || fail "history changed by the upgrade"
[ "$(ob config show | grep -c "$url")" -gt 0 ] || fail "settings changed by the upgrade"

echo "smoke: silent uninstall (keeps the history and settings)"
wine "$programs/uninstall.exe" /S || fail "uninstall /S exited $?"
for _ in $(seq 20); do [ -f "$programs/Tilaussilta.exe" ] || break; sleep 0.5; done
[ -f "$programs/Tilaussilta.exe" ] && fail "Tilaussilta.exe still there after uninstall"
[ -f "$appdata/orderbridge/settings.json" ] || fail "uninstall removed the settings"
[ -f "$localdata/orderbridge/history.db" ] || fail "uninstall removed the history"
echo "smoke: passed"
