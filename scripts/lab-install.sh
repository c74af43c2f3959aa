#!/usr/bin/env bash
# Installs what the local lab (`archproof lab up`) needs: Debian packages and a Patroni venv.
#
# Idempotent and quiet when everything is present. Needs root and apt-get; without them it prints
# one line and exits 0 (the rest of archproof works without the lab), or 1 with --require.
#
#   scripts/lab-install.sh [--require]
#
# The Patroni venv is built from /usr/bin/python3 (not a pyenv Python under /root, which the
# postgres user cannot read) at <repo>/.tools/patroni and made readable by every user.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
require=0
for arg in "$@"; do
  case "$arg" in
    --require) require=1 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "lab-install: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

PATRONI_VERSION="4.1.5"
PSYCOPG2_VERSION="2.9.13"
PACKAGES=(haproxy etcd-server etcd-client redis-server redis-sentinel socat wrk)
venv="$root/.tools/patroni"

cannot() {
  echo "lab-install: the lab cannot be installed here: $1 (archproof works without the lab)" >&2
  if [ "$require" -eq 1 ]; then exit 1; fi
  exit 0
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

venv_ok() {
  [ -x "$venv/bin/patroni" ] && [ -x "$venv/bin/patronictl" ] &&
    "$venv/bin/python" -c "import patroni.version, psycopg2, etcd" >/dev/null 2>&1 &&
    [ "$("$venv/bin/python" -c 'import patroni.version as v; print(v.__version__)')" = "$PATRONI_VERSION" ]
}

if [ "${#missing[@]}" -eq 0 ] && venv_ok; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then cannot "not running as root"; fi
if ! command -v apt-get >/dev/null 2>&1; then cannot "no apt-get"; fi
if [ ! -x /usr/bin/python3 ]; then cannot "no /usr/bin/python3"; fi
if [ ! -x /usr/lib/postgresql/15/bin/postgres ]; then
  missing+=(postgresql-15)
fi
if ! id postgres >/dev/null 2>&1; then
  missing+=(postgresql-15)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "lab-install: apt-get install ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/lab-install-apt.log 2>&1; then
    echo "lab-install: apt-get update (install failed without it)" >&2
    apt-get update -q >/tmp/lab-install-apt.log 2>&1 || cannot "apt-get update failed (see /tmp/lab-install-apt.log)"
    apt-get install -y -q --no-install-recommends "${missing[@]}" >>/tmp/lab-install-apt.log 2>&1 ||
      cannot "apt-get install ${missing[*]} failed (see /tmp/lab-install-apt.log)"
  fi
fi

if ! venv_ok; then
  echo "lab-install: building the Patroni venv in $venv (patroni $PATRONI_VERSION)" >&2
  if ! /usr/bin/python3 -c "import venv, ensurepip" >/dev/null 2>&1; then
    apt-get install -y -q --no-install-recommends python3-venv >/tmp/lab-install-apt.log 2>&1 ||
      cannot "python3-venv is missing and could not be installed"
  fi
  rm -rf "$venv"
  mkdir -p "$root/.tools"
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "patroni[etcd3]==$PATRONI_VERSION" "psycopg2-binary==$PSYCOPG2_VERSION" \
    >/tmp/lab-install-pip.log 2>&1 ||
    cannot "pip could not install patroni[etcd3]==$PATRONI_VERSION (see /tmp/lab-install-pip.log)"
fi

# The postgres user runs Patroni from this venv: every directory on the way must be traversable.
chmod -R a+rX "$venv"
dir="$venv"
while [ "$dir" != "/" ]; do
  dir="$(dirname "$dir")"
  chmod a+x "$dir" 2>/dev/null || true
done
if id postgres >/dev/null 2>&1 && ! setpriv --reuid=postgres --regid=postgres --init-groups \
    "$venv/bin/patroni" --version >/dev/null 2>&1; then
  cannot "the postgres user cannot run $venv/bin/patroni"
fi
echo "lab-install: ready (patroni $PATRONI_VERSION in $venv)" >&2
