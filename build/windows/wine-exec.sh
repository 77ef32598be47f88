#!/bin/sh
# go test -exec wrapper: runs a cross-compiled Windows test binary under Wine,
# in the prefix that test-windows.sh prepared (WINEPREFIX), with its exit status.
# Wine's own chatter goes nowhere (WINEDEBUG=-all); the test's output is kept.
set -e
: "${WINEPREFIX:?set WINEPREFIX to the prefix test-windows.sh made}"
export WINEDEBUG=-all
exec wine "$@"
