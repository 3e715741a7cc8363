#!/usr/bin/env bash
# npm start: everything in development mode on this machine.
#   infrastructure up -> build -> topics -> push emulators (when built) -> the four services,
#   each line prefixed with its process name; waits for every /health/ready, then prints how to try it.
# Ctrl-C or SIGTERM stops the services gracefully (SIGTERM, then SIGKILL after STOP_TIMEOUT_SECONDS).
# Infrastructure keeps running afterwards: `npm run infra:down` stops it.
# Everything runs on Node 24 (node-runtime.sh: the machine's node when it is 24.11 or newer, otherwise the pinned
# Node fetched once into .local/node/).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=deploy/local/node-runtime.sh
source "$ROOT/deploy/local/node-runtime.sh"
# shellcheck source=deploy/local/dist-entry.sh
source "$ROOT/deploy/local/dist-entry.sh"

READY_TIMEOUT_SECONDS="${READY_TIMEOUT_SECONDS:-120}"
STOP_TIMEOUT_SECONDS="${STOP_TIMEOUT_SECONDS:-20}"
SERVICES=(challenge:3001 device-registry:3002 reporting:3003 delivery:3004)

say() { printf '[start] %s\n' "$*"; }
fail() {
  printf '[start] ERROR: %s\n' "$*" >&2
  exit 1
}

say "services run on Node $(node --version) ($(command -v node))"
bash deploy/local/infra.sh up
# Prometheus (Debian's package) scrapes the services once they run.
bash deploy/local/prometheus.sh

export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:${PGPORT:-5432}/pushmfa}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:${REDIS_PORT:-6379}}"
export PUSHMFA_MODE=development

# Kafka speaks SASL_SSL only: the CA and the SCRAM users infra.sh generated. Each process gets its own user below;
# the passwords stay shell variables (not exported), so no service sees another's.
KAFKA_SECURITY_DIR="${PUSHMFA_KAFKA_SECURITY_DIR:-$ROOT/.local/kafka/security}"
[[ -f "$KAFKA_SECURITY_DIR/credentials.env" ]] || fail "no Kafka credentials in $KAFKA_SECURITY_DIR (infra.sh up writes them)"
# shellcheck source=/dev/null
source "$KAFKA_SECURITY_DIR/credentials.env"
export KAFKA_TLS_CA_FILE="${KAFKA_TLS_CA_FILE:-$KAFKA_SECURITY_DIR/ca.pem}"
export KAFKA_SASL_MECHANISM=scram-sha-512
# Runs "$@" as the Kafka user of $1 (admin, device-registry, challenge, delivery, reporting).
as_kafka_user() {
  local var
  var="PUSHMFA_KAFKA_$(echo "$1" | tr 'a-z-' 'A-Z_')"
  shift
  local user_var="${var}_USERNAME" password_var="${var}_PASSWORD"
  KAFKA_SASL_USERNAME="${!user_var}" KAFKA_SASL_PASSWORD="${!password_var}" "$@"
}

say "building"
npm run build --silent
entries=()
for service in "${SERVICES[@]}"; do
  entries+=("$(dist_entry "services/${service%%:*}/src/main.js")") || exit 1
done
# Topics and every service's ACLs, as the admin user.
as_kafka_user admin node "$(dist_entry tools/create-topics.js)"

# ------------------------------------------------------------------ children

CHILD_PIDS=()
CHILD_NAMES=()
COLORS=(36 35 33 32 34)

prefix_lines() {
  local label="$1" color="$2"
  if [[ -t 1 ]]; then
    sed -u "s/^/$(printf '\033[%sm' "$color")[${label}]$(printf '\033[0m') /"
  else
    sed -u "s/^/[${label}] /"
  fi
}

start_child() {
  local name="$1"
  shift
  local color="${COLORS[${#CHILD_PIDS[@]} % ${#COLORS[@]}]}"
  # The child's own pid is $!; its output goes through a prefixing filter that ends when the child does.
  # The filter ignores Ctrl-C so a child still logging its graceful shutdown never writes into a closed pipe.
  "$@" </dev/null > >(trap '' INT TERM; prefix_lines "$name" "$color") 2>&1 &
  CHILD_PIDS+=("$!")
  CHILD_NAMES+=("$name")
}

stop_children() {
  trap - INT TERM
  local pid deadline
  say "stopping ${CHILD_NAMES[*]:-nothing}"
  for pid in "${CHILD_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  deadline=$((SECONDS + STOP_TIMEOUT_SECONDS))
  for pid in "${CHILD_PIDS[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      say "pid $pid did not stop within ${STOP_TIMEOUT_SECONDS}s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
}

on_signal() {
  echo
  stop_children
  exit 0
}
trap on_signal INT TERM

dead_child() {
  local i
  for i in "${!CHILD_PIDS[@]}"; do
    if ! kill -0 "${CHILD_PIDS[$i]}" 2>/dev/null; then
      echo "${CHILD_NAMES[$i]}"
      return 0
    fi
  done
  return 1
}

answers_ready() {
  local url="http://127.0.0.1:$1/health/ready"
  if command -v curl >/dev/null; then
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null
  else
    node -e 'require("http").get(process.argv[1], { timeout: 2000 }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on("error", () => process.exit(1))' "$url"
  fi
}

wait_ready() {
  local name="$1" port="$2" deadline=$((SECONDS + READY_TIMEOUT_SECONDS)) dead
  until answers_ready "$port"; do
    if dead="$(dead_child)"; then
      say "$dead exited during start-up (its output is above)"
      stop_children
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      say "$name is not ready on :$port/health/ready after ${READY_TIMEOUT_SECONDS}s"
      stop_children
      exit 1
    fi
    sleep 0.5
  done
  say "$name ready on http://127.0.0.1:$port"
}

emulators="dist/libs/push-emulators/src/main.js"
if [[ -f "$emulators" ]]; then
  start_child push-emulators node --enable-source-maps "$emulators"
else
  say "no $emulators yet: push emulators not started"
fi

# The flags every service runs with (deploy/service-node-flags, shared with start-service.sh and the image).
read -ra node_flags <deploy/service-node-flags
for i in "${!SERVICES[@]}"; do
  service="${SERVICES[$i]}"
  PORT="${service##*:}" as_kafka_user "${service%%:*}" start_child "${service%%:*}" node "${node_flags[@]}" "${entries[$i]}"
done
for service in "${SERVICES[@]}"; do
  wait_ready "${service%%:*}" "${service##*:}"
done
PROMETHEUS_PORT="$(bash deploy/local/prometheus.sh free-port "${PROMETHEUS_PORT:-9090}")"
start_child prometheus bash deploy/local/prometheus.sh run "$PROMETHEUS_PORT" "${SERVICES[@]/#*:/127.0.0.1:}"

operator_token="${PUSHMFA_OPERATOR_TOKEN:-dev-operator-token}"
cat <<EOF

+------------------------------------------------------------------------------
|  pushmfa is running in development mode, on Node $(node --version)
|    challenge        http://127.0.0.1:3001     (each service: /openapi.json, /metrics)
|    device-registry  http://127.0.0.1:3002
|    reporting        http://127.0.0.1:3003     MFA Report: web page at / and API (admin key)
|    delivery         http://127.0.0.1:3004     health and metrics only
|  Kafka $KAFKA_BROKERS (SASL_SSL; users in $KAFKA_SECURITY_DIR/credentials.env)   Redis $REDIS_URL
|  PostgreSQL $DATABASE_URL
|  Ctrl-C stops the services; npm run infra:down stops Kafka.
+------------------------------------------------------------------------------

First steps (copy into a shell):

  OP=$operator_token
  WS=\$(curl -s -X POST http://127.0.0.1:3002/v1/workspaces -H "Authorization: Bearer \$OP" \\
        -H 'content-type: application/json' -d '{"name":"acme"}' | node -pe 'JSON.parse(require("fs").readFileSync(0,"utf8")).id')
  ADMIN=\$(curl -s -X POST http://127.0.0.1:3002/v1/workspaces/\$WS/api-keys -H "Authorization: Bearer \$OP" \\
        -H 'content-type: application/json' -d '{"role":"admin"}' | node -pe 'JSON.parse(require("fs").readFileSync(0,"utf8")).key')
  PLATFORM=\$(curl -s -X POST http://127.0.0.1:3002/v1/workspaces/\$WS/api-keys -H "Authorization: Bearer \$OP" \\
        -H 'content-type: application/json' -d '{"role":"platform"}' | node -pe 'JSON.parse(require("fs").readFileSync(0,"utf8")).key')
  # Push starts disabled: an admin enables it.
  curl -s -X PATCH http://127.0.0.1:3002/v1/workspace/settings -H "Authorization: Bearer \$ADMIN" \\
        -H 'content-type: application/json' -d '{"pushEnabled":true}'
  # Pair a phone for alice: the platform starts a pairing, the simulated phone "scans" the QR code and prints a
  # confirmation code, the user types it into the portal (the platform confirms it).
  PAIRING=\$(curl -s -X POST http://127.0.0.1:3002/v1/users/alice/pairings -H "Authorization: Bearer \$PLATFORM" \\
        -H 'content-type: application/json' -d '{"deviceName":"Alice phone"}')
  npm run device -- pair "\$(echo "\$PAIRING" | node -pe 'JSON.parse(require("fs").readFileSync(0,"utf8")).qrUri')"
  PID=\$(echo "\$PAIRING" | node -pe 'JSON.parse(require("fs").readFileSync(0,"utf8")).pairingId')
  curl -s -X POST http://127.0.0.1:3002/v1/pairings/\$PID/confirm -H "Authorization: Bearer \$PLATFORM" \\
        -H 'content-type: application/json' -d '{"code":"<the code it printed>"}'
  # A sign-in: the platform asks for a push and shows numberMatch on the sign-in page.
  curl -s -X POST http://127.0.0.1:3001/v1/challenges -H "Authorization: Bearer \$PLATFORM" \\
        -H 'content-type: application/json' -d '{"userId":"alice","context":{"application":"Payroll"}}'
  npm run device -- pending                                     # the app's Pending tab
  npm run device -- approve <challengeId> --number <numberMatch> # the user types the number and taps Approve
  curl -s "http://127.0.0.1:3001/v1/challenges/<challengeId>" -H "Authorization: Bearer \$PLATFORM"   # approved
  curl -s "http://127.0.0.1:3003/v1/reports/mfa?userId=alice" -H "Authorization: Bearer \$ADMIN"     # the MFA Report
  echo "\$ADMIN"   # sign in with it at http://127.0.0.1:3003/ to read the report in a browser

EOF
say "Prometheus http://127.0.0.1:$PROMETHEUS_PORT scrapes the four services with deploy/prometheus/rules loaded (alerts at /alerts)"

# Stay in the foreground; if a child dies on its own, stop the rest rather than run half a system.
while true; do
  if dead="$(dead_child)"; then
    say "$dead exited unexpectedly"
    stop_children
    exit 1
  fi
  sleep 1
done
