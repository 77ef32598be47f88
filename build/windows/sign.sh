#!/bin/sh
# Signs Windows binaries in place with osslsigncode (Authenticode, SHA-256,
# an RFC 3161 time stamp when WINDOWS_SIGN_TIMESTAMP is given), for an office
# that has its own code-signing certificate: WINDOWS_SIGN_CERT is a .pfx,
# WINDOWS_SIGN_PASS its password. See docs/windows.md.
# Usage: sign.sh FILE.exe...
set -eu
: "${WINDOWS_SIGN_CERT:?a .pfx file}"
command -v osslsigncode >/dev/null || { echo "sign: install osslsigncode (apt-get install osslsigncode)"; exit 2; }
for f in "$@"; do
	set -- -pkcs12 "$WINDOWS_SIGN_CERT" -pass "${WINDOWS_SIGN_PASS:-}" -h sha256 -n Tilaussilta -i https://github.com/orderbridge/orderbridge
	if [ -n "${WINDOWS_SIGN_TIMESTAMP:-}" ]; then set -- "$@" -ts "$WINDOWS_SIGN_TIMESTAMP"; fi
	osslsigncode sign "$@" -in "$f" -out "$f.signed"
	mv "$f.signed" "$f"
	echo "signed $f"
done
