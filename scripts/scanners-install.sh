#!/usr/bin/env bash
# Installs the scanners archproof folds in (checkov, prowler), each into its own venv.
#
# Their pins clash with ours and with each other, so each lives in .tools/<name> and is synced
# from scanners/<name>.txt (compiled by uv, with hashes). Idempotent and quiet when up to date
# (a stamp holds the hash of the requirement file); one line and exit 0 when it cannot install
# (archproof then reports the scanner as an error verdict), or 1 with --require.
# The install ends by importing the scanner once with bytecode writing on: with
# PYTHONDONTWRITEBYTECODE set, prowler would otherwise recompile ~20 s of imports on every run
# (compiling the whole venv instead, uv's --compile-bytecode, takes minutes).
#
#   scripts/scanners-install.sh [--require] [checkov] [prowler]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
require=0
names=()
for arg in "$@"; do
  case "$arg" in
    --require) require=1 ;;
    checkov|prowler) names+=("$arg") ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scanners-install: unknown argument: $arg" >&2; exit 2 ;;
  esac
done
if [ "${#names[@]}" -eq 0 ]; then names=(checkov prowler); fi

cannot() {
  echo "scanners-install: $1 cannot be installed here: $2 (archproof reports it as an error)" >&2
  if [ "$require" -eq 1 ]; then exit 1; fi
}

uv_bin="$root/.tools/bin/uv"
if [ ! -x "$uv_bin" ]; then uv_bin="$(command -v uv || true)"; fi
export UV_PYTHON_DOWNLOADS=never
declare -A module=([checkov]=checkov.main [prowler]=prowler.__main__)

for name in "${names[@]}"; do
  venv="$root/.tools/$name"
  reqs="$root/scanners/$name.txt"
  stamp="$venv/.archproof-requirements.sha256"
  # the stamp changes with the requirement file and with the way it is installed
  want="$(sha256sum "$reqs" | cut -d' ' -f1) warmed"
  if [ -x "$venv/bin/$name" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    continue
  fi
  if [ -z "$uv_bin" ]; then cannot "$name" "no uv (run scripts/bootstrap.sh)"; continue; fi
  echo "scanners-install: syncing $name into .tools/$name from scanners/$name.txt" >&2
  log="/tmp/scanners-install-$name.log"
  if [ ! -x "$venv/bin/python" ]; then
    rm -rf "$venv"
    "$uv_bin" venv --quiet --python "$(command -v python3)" "$venv" >"$log" 2>&1 ||
      { cannot "$name" "uv venv failed (see $log)"; continue; }
  fi
  rm -f "$stamp"
  "$uv_bin" pip sync --quiet --require-hashes --python "$venv/bin/python" "$reqs" >>"$log" 2>&1 ||
    { cannot "$name" "uv pip sync failed (see $log)"; continue; }
  [ -x "$venv/bin/$name" ] || { cannot "$name" "no $venv/bin/$name after the sync"; continue; }
  env -u PYTHONDONTWRITEBYTECODE "$venv/bin/python" -c "import ${module[$name]}" >>"$log" 2>&1 ||
    { cannot "$name" "$name does not import (see $log)"; continue; }
  echo "$want" >"$stamp"
done
