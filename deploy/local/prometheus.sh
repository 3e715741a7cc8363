#!/usr/bin/env bash
# Prometheus and promtool for the rule tests, the e2e check and `npm start`: Debian's prometheus package, installed
# when missing (as chromium.sh does for the browser). Also kubectl, whose kustomize renders deploy/k8s for the
# manifest test: the Debian package kubernetes-client when no kubectl is on the PATH.
set -euo pipefail

say() { printf '[prometheus] %s\n' "$*"; }

missing=()
command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if [[ "$(id -u)" != "0" ]] || ! command -v apt-get >/dev/null 2>&1; then
  say "ERROR: ${missing[*]} missing and cannot be installed from here (needs root and apt-get)." >&2
  say "Install the Debian packages, e.g.: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

say "installing Debian's ${missing[*]} for the rule tests and the local Prometheus"
export DEBIAN_FRONTEND=noninteractive
# An install straight away works when the package lists are fresh; otherwise refresh them once and retry.
if ! apt-get install -y --no-install-recommends "${missing[@]}" </dev/null >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
fi

for tool in promtool prometheus kubectl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    say "ERROR: the packages are installed but $tool is not on the PATH." >&2
    exit 1
  fi
done
promtool --version 2>/dev/null | head -1
