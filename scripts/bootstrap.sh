#!/usr/bin/env bash
# Installs everything archproof needs into ./.venv (idempotent, quiet when up to date).
# uv comes from PyPI into ./.tools; the environment is synced from uv.lock.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
UV_VERSION="0.13.9"
if command -v uv >/dev/null 2>&1 && uv --version | grep -q "$UV_VERSION"; then
  uv_bin="$(command -v uv)"
else
  uv_bin="$root/.tools/bin/uv"
  if [ ! -x "$uv_bin" ]; then
    echo "archproof: installing uv $UV_VERSION into .tools/ (one time)" >&2
    python3 -m venv "$root/.tools"
    "$root/.tools/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
  fi
fi
export UV_PYTHON_DOWNLOADS=never
"$uv_bin" sync --frozen --quiet --python "$(command -v python3)"
# The local lab (HAProxy, etcd, Redis, Patroni) for load proofs: Debian packages + a Patroni
# venv. Without root or apt-get it says so in one line and archproof runs without the lab.
"$root/scripts/lab-install.sh"
# Headless Chromium and poppler-utils for the audit report's PDF (and its tests).
"$root/scripts/report-install.sh"
# checkov and prowler, each in its own venv (their pins clash with ours and each other).
"$root/scripts/scanners-install.sh"
