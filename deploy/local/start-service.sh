#!/usr/bin/env bash
# npm run start:<service>: one service in the foreground, so operators can run, kill and scale them apart.
#   bash deploy/local/start-service.sh challenge|device-registry|reporting|delivery
# Builds first when dist/ has no entry point for it. Does not start infrastructure (npm run infra:up does).
# Runs on Node 24 (node-runtime.sh: the machine's node when it is 24.11 or newer, otherwise the pinned one).
# Environment passes through; defaults: PORT per API.md and the local endpoints. PUSHMFA_MODE is not defaulted:
# a service runs in production mode unless PUSHMFA_MODE=development is asked for (npm start asks for it).
# The service's own Kafka user comes from .local/kafka/security (what infra.sh generated) when KAFKA_SASL_USERNAME is unset.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=deploy/local/node-runtime.sh
source "$ROOT/deploy/local/node-runtime.sh"
# shellcheck source=deploy/local/dist-entry.sh
source "$ROOT/deploy/local/dist-entry.sh"

name="${1:-}"
case "$name" in
  challenge) default_port=3001 ;;
  device-registry) default_port=3002 ;;
  reporting) default_port=3003 ;;
  delivery) default_port=3004 ;;
  *)
    echo "usage: bash deploy/local/start-service.sh challenge|device-registry|reporting|delivery" >&2
    exit 2
    ;;
esac

if [[ ! -f "dist/services/$name/src/main.js" ]]; then
  echo "[start] dist/services/$name/src/main.js missing: building" >&2
  npm run build --silent
fi
entry="$(dist_entry "services/$name/src/main.js")"

export PORT="${PORT:-$default_port}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/pushmfa}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
echo "[start] $name on Node $(node --version) ($(command -v node))" >&2
# Kafka: the service's own SCRAM user and the CA from the local broker's files, unless the environment names a user.
KAFKA_SECURITY_DIR="${PUSHMFA_KAFKA_SECURITY_DIR:-$ROOT/.local/kafka/security}"
if [[ -z "${KAFKA_SASL_USERNAME:-}" && -f "$KAFKA_SECURITY_DIR/credentials.env" ]]; then
  var="PUSHMFA_KAFKA_$(echo "$name" | tr 'a-z-' 'A-Z_')"
  user_var="${var}_USERNAME" password_var="${var}_PASSWORD"
  # shellcheck source=/dev/null
  source "$KAFKA_SECURITY_DIR/credentials.env"
  export KAFKA_SASL_USERNAME="${!user_var}" KAFKA_SASL_PASSWORD="${!password_var}"
  export KAFKA_SASL_MECHANISM="${KAFKA_SASL_MECHANISM:-scram-sha-512}"
  export KAFKA_TLS_CA_FILE="${KAFKA_TLS_CA_FILE:-$KAFKA_SECURITY_DIR/ca.pem}"
fi
# exec: SIGTERM and Ctrl-C reach the service itself, which shuts down gracefully. The flags every service runs with
# (deploy/service-node-flags, shared with start.sh, the image and the tests' launcher) come first.
read -ra node_flags <"$ROOT/deploy/service-node-flags"
exec node "${node_flags[@]}" "$entry"
