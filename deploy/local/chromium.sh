#!/usr/bin/env bash
# The browser the admin page's e2e test drives: Debian's chromium at /usr/bin/chromium, installed when missing.
# Never a browser download of its own: playwright-core only drives this one.
set -euo pipefail
CHROMIUM=/usr/bin/chromium

if [[ -x "$CHROMIUM" ]]; then
  exit 0
fi

say() { printf '[chromium] %s\n' "$*"; }

if [[ "$(id -u)" != "0" ]] || ! command -v apt-get >/dev/null 2>&1; then
  say "ERROR: $CHROMIUM is missing and cannot be installed from here (needs root and apt-get)." >&2
  say "Install Debian's chromium package, e.g.: sudo apt-get update && sudo apt-get install -y chromium" >&2
  exit 1
fi

say "installing Debian's chromium package for the browser test"
export DEBIAN_FRONTEND=noninteractive
# A font, so the screenshot the test saves shows text wherever chromium's recommended fonts are not installed.
PACKAGES=(chromium fonts-dejavu-core)
# An install straight away works when the package lists are fresh; otherwise refresh them once and retry.
if ! apt-get install -y --no-install-recommends "${PACKAGES[@]}" </dev/null >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y --no-install-recommends "${PACKAGES[@]}" </dev/null
fi

if [[ ! -x "$CHROMIUM" ]]; then
  say "ERROR: the chromium package is installed but $CHROMIUM is missing." >&2
  exit 1
fi
"$CHROMIUM" --version 2>/dev/null | tail -1
