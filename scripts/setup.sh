#!/usr/bin/env bash
# Set up everything the build and the tests need, on a fresh Debian/Ubuntu-like machine.
#  - system packages: a CJK font for the PDF (fonts-noto-cjk) and poppler-utils (pdffonts/pdftotext,
#    used by the tests to check the PDF); installed with apt-get when missing and we may use it.
#  - a virtual environment .venv with the exact versions in requirements.lock (and, with REDID_DEV=1,
#    the test and lint tools of requirements-dev.lock).
# Idempotent: a second run only checks. Set REDID_SKIP_APT=1 to skip the system packages.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
# (grep without -q reads all of fc-list: with -q and pipefail, fc-list may die of SIGPIPE and look "missing")
fc-list 2>/dev/null | grep "Noto Serif CJK SC" >/dev/null || need_apt+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
if [ "${#need_apt[@]}" -gt 0 ] && [ "${REDID_SKIP_APT:-0}" != "1" ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
  echo "setup: installing system packages: ${need_apt[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

py=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($py --version)"
  $py -m venv .venv
fi
# runtime packages always; with REDID_DEV=1 (set by scripts/test.sh) also the test and lint tools.
# One stamp per lock file, so alternating build.sh and test.sh installs nothing twice.
locks=(requirements.lock)
[ "${REDID_DEV:-0}" = "1" ] && locks+=(requirements-dev.lock)
for lock in "${locks[@]}"; do
  stamp=".venv/.installed-$lock.sha256"
  want=$(sha256sum "$lock" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: installing $lock into .venv"
    .venv/bin/python -m pip install -q --disable-pip-version-check -r "$lock"
    .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
    echo "$want" > "$stamp"
  fi
done
