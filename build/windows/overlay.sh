#!/bin/sh
# Writes a `go build -overlay` file into DIR that gives the Windows test
# binaries a copy of Go's internal/syscall/windows/at_windows.go in which
# Deleteat also falls back to the older delete call when Wine answers
# "not implemented" (Wine 8 has no FileDispositionInformationEx; Windows 10
# 1607 and later have it). Without it every t.TempDir clean-up fails under
# Wine with "Invalid function". Each time the fallback is taken it writes the
# line "orderbridge-wine-gap: …" to stderr, so winefilter counts them.
# Only the test binaries built for Wine get this; the product never does.
# Prints the overlay file's path; exits 1 when the Go source is not as expected.
# Usage: overlay.sh GO DIR
set -eu
go=$1 dir=$2
src="$($go env GOROOT)/src/internal/syscall/windows/at_windows.go"
out="$dir/at_windows.go"
sed 's|^\tcase STATUS_INVALID_INFO_CLASS, // the operating system doesn.t support FileDispositionInformationEx$|\tcase NTStatus(0xC0000002), NTStatus(0xC0000010): // Wine 8: not implemented (overlay of make test'"'"'s Wine step)\n\t\tsyscall.Write(syscall.Stderr, []byte("\\norderbridge-wine-gap: FileDispositionInformationEx not implemented, old delete used\\n"))\n\t\treturn deleteatFallback(h)\n&|' "$src" >"$out"
grep -q orderbridge-wine-gap "$out" || { echo "overlay: $src has changed; update build/windows/overlay.sh" >&2; exit 1; }
printf '{"Replace":{"%s":"%s"}}\n' "$src" "$out" >"$dir/overlay.json"
echo "$dir/overlay.json"
