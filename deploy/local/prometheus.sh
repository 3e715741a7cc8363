#!/usr/bin/env bash
# Prometheus and promtool for the rule tests, the e2e check and `npm start`: Debian's prometheus package, installed
# when missing (as chromium.sh does for the browser). Also kubectl, whose kustomize renders deploy/k8s for the
# manifest test: the Debian package kubernetes-client when no kubectl is on the PATH.
#   prometheus.sh                         install what is missing (npm test, npm start)
#   prometheus.sh free-port [FROM]        print the first free TCP port from FROM (9090) on
#   prometheus.sh run PORT TARGET...      run Prometheus on 127.0.0.1:PORT scraping TARGET (host:port) every 5 s
#                                         as job "pushmfa", with deploy/prometheus/rules loaded; data in .local/
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

say() { printf '[prometheus] %s\n' "$*"; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

case "${1:-install}" in
  free-port)
    port="${2:-9090}"
    until port_free "$port"; do port=$((port + 1)); done
    echo "$port"
    exit 0
    ;;
  run)
    port="$2"
    shift 2
    dir="$ROOT/.local/prometheus"
    mkdir -p "$dir/data"
    {
      echo "# Written by deploy/local/prometheus.sh for npm start; regenerated at every start."
      echo "global: {scrape_interval: 5s, evaluation_interval: 5s}"
      echo "rule_files: ['$ROOT/deploy/prometheus/rules/*.rules.yml']"
      echo "scrape_configs:"
      echo "  - job_name: pushmfa"
      echo "    static_configs:"
      echo "      - targets: [$(printf "'%s'," "$@" | sed 's/,$//')]"
    } >"$dir/prometheus.yml"
    exec prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" --storage.tsdb.retention.time=3d \
      --web.listen-address="127.0.0.1:$port" --web.enable-lifecycle --log.level=warn
    ;;
  install) ;;
  *)
    say "usage: prometheus.sh [install | free-port [FROM] | run PORT TARGET...]" >&2
    exit 2
    ;;
esac

# kubectl >= 1.21 embeds kustomize v4+, which takes directories under `resources:` (the hpa/ and keda/ overlays do).
kustomize_too_old() {
  local version
  version="$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p')"
  [[ -z "$version" || "$version" -lt 4 ]]
}
warn_old_kustomize() {
  if kustomize_too_old; then
    say "WARNING: $(kubectl version --client 2>/dev/null | tr '\n' ' ')embeds a kustomize older than v4, which cannot render deploy/k8s/hpa and keda; the manifest test will fail. Install kubectl 1.21 or newer (e.g. from pkgs.k8s.io)." >&2
  fi
}

missing=()
command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
if [[ ${#missing[@]} -eq 0 ]]; then
  warn_old_kustomize
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
warn_old_kustomize
