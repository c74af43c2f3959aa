#!/usr/bin/env bash
# Installs what the audit report's PDF and its tests need: Debian's chromium (headless HTML →
# PDF and screenshots) and poppler-utils (pdftoppm: PDF pages → PNG).
#
# Idempotent and silent when both are present. Needs root and apt-get; without them it prints
# one line and exits 0 (`archproof report` still writes the HTML and says why there is no PDF),
# or 1 with --require.
#
#   scripts/report-install.sh [--require]
set -euo pipefail
require=0
for arg in "$@"; do
  case "$arg" in
    --require) require=1 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "report-install: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

missing=()
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  missing+=(chromium)
fi
if ! command -v pdftoppm >/dev/null 2>&1; then
  missing+=(poppler-utils)
fi
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

cannot() {
  echo "report-install: ${missing[*]} not installed: $1 (the audit report has no PDF without chromium)" >&2
  if [ "$require" -eq 1 ]; then exit 1; fi
  exit 0
}

if [ "$(id -u)" -ne 0 ]; then cannot "not running as root"; fi
if ! command -v apt-get >/dev/null 2>&1; then cannot "no apt-get"; fi

log=/tmp/report-install-apt.log
echo "report-install: apt-get install ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
  echo "report-install: apt-get update (install failed without it)" >&2
  apt-get update -q >"$log" 2>&1 || cannot "apt-get update failed (see $log)"
  apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1 ||
    cannot "apt-get install ${missing[*]} failed (see $log)"
fi
echo "report-install: ready ($(command -v chromium || command -v chromium-browser), $(command -v pdftoppm))" >&2
