#!/usr/bin/env bash
# Local infrastructure for development and tests: Kafka (started here from Maven artifacts),
# PostgreSQL and Redis (used where they already answer, else started from the Debian packages).
#
#   bash deploy/local/infra.sh up       start what is missing, wait until everything answers
#   bash deploy/local/infra.sh status   each component with its state and address
#   bash deploy/local/infra.sh down     stop only what this script started
#   bash deploy/local/infra.sh reset    down, then forget Kafka's data (topics, offsets)
#   bash deploy/local/infra.sh kafka-secrets [dir]   only the CA, broker certificate and SCRAM passwords, into dir
#                                       (default ./secrets/kafka), for docker-compose.yml
#
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_READY_TIMEOUT_SECONDS (90),
# PGPORT (5432), REDIS_PORT (6379). Everything it writes lives under .local/ (git-ignored).
#
# Kafka accepts clients only over SASL_SSL (SCRAM-SHA-512 over TLS). The first start generates, into
# .local/kafka/security/: a CA and the broker's certificate (ca.pem, broker-keystore.pem) and credentials.env with a
# password for the admin user (tooling) and for each service's user; the storage is formatted with those SCRAM users.
# A data directory formatted without them (an older checkout) is formatted again; topics are recreated by
# tools/create-topics.ts, which also creates every service's ACLs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/deploy/local"
LOCAL="$ROOT/.local"
STATE="$LOCAL/state"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_READY_TIMEOUT_SECONDS="${KAFKA_READY_TIMEOUT_SECONDS:-90}"
KAFKA_HOME="$LOCAL/kafka"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_DATA="$KAFKA_HOME/data"
KAFKA_LOGS="$KAFKA_HOME/logs"
KAFKA_PID="$KAFKA_HOME/kafka.pid"
KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
KAFKA_SECURITY="$KAFKA_HOME/security"
KAFKA_CREDENTIALS="$KAFKA_SECURITY/credentials.env"
# The SCRAM users: the admin (super user for topic and ACL tooling and test probes) and one per service.
KAFKA_ADMIN_USER="pushmfa-admin"
KAFKA_SERVICE_USERS=(device-registry challenge delivery reporting)

PG_PORT="${PGPORT:-5432}"
PG_ADMIN_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
PG_DATABASE="pushmfa"
REDIS_PORT="${REDIS_PORT:-6379}"
REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
REDIS_HOME="$LOCAL/redis"

say() { printf '[infra] %s\n' "$*"; }
fail() {
  printf '[infra] ERROR: %s\n' "$*" >&2
  exit 1
}

port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

probe() { PUSHMFA_KAFKA_SECURITY_DIR="$KAFKA_SECURITY" node "$HERE/probe.js" "$@"; }

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

need_node_modules() {
  [[ -d "$ROOT/node_modules/kafkajs" && -d "$ROOT/node_modules/pg" && -d "$ROOT/node_modules/ioredis" ]] ||
    fail "node_modules is missing: run 'npm ci' in $ROOT first"
}

# ---------------------------------------------------------------- PostgreSQL

postgres_up() {
  if ! port_answers "$PG_PORT"; then
    if command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]] && [[ -n "$(ls /etc/postgresql)" ]]; then
      local version
      version="$(ls /etc/postgresql | sort -V | tail -1)"
      say "postgres: starting the machine's cluster $version/main"
      pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
        fail "postgres: 'pg_ctlcluster $version main start' failed (see /var/log/postgresql/)"
      mkdir -p "$STATE" && echo "$version" >"$STATE/postgres.started"
    else
      fail "postgres: nothing answers on 127.0.0.1:$PG_PORT and PostgreSQL is not installed.
  Install and start it:  apt-get install -y postgresql && pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start
  (or point DATABASE_URL at a running server and set PGPORT)"
    fi
  fi
  probe postgres "$PG_ADMIN_URL" 30 >/dev/null ||
    fail "postgres: 127.0.0.1:$PG_PORT does not accept postgres@postgres (trust auth expected)"
  say "postgres: $(probe ensure-database "$PG_ADMIN_URL" "$PG_DATABASE") on 127.0.0.1:$PG_PORT"
}

postgres_down() {
  if [[ -f "$STATE/postgres.started" ]]; then
    local version
    version="$(cat "$STATE/postgres.started")"
    say "postgres: stopping cluster $version/main (this script started it)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main stop || true
    rm -f "$STATE/postgres.started"
  else
    say "postgres: left running (not started by this script)"
  fi
}

# ---------------------------------------------------------------- Redis

redis_up() {
  if ! port_answers "$REDIS_PORT"; then
    command -v redis-server >/dev/null || fail "redis: nothing answers on 127.0.0.1:$REDIS_PORT and redis-server is not installed.
  Install it:  apt-get install -y redis-server   (then run this again)"
    mkdir -p "$REDIS_HOME" "$STATE"
    say "redis: starting redis-server on 127.0.0.1:$REDIS_PORT"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir "$REDIS_HOME" --logfile "$REDIS_HOME/redis.log" --pidfile "$REDIS_HOME/redis.pid" ||
      fail "redis: redis-server did not start (see $REDIS_HOME/redis.log)"
    echo "$REDIS_PORT" >"$STATE/redis.started"
  fi
  probe redis "$REDIS_URL" 15 >/dev/null || fail "redis: 127.0.0.1:$REDIS_PORT does not answer PING"
  say "redis: ready on 127.0.0.1:$REDIS_PORT"
}

redis_down() {
  if [[ -f "$STATE/redis.started" ]]; then
    say "redis: stopping (this script started it)"
    if pid_alive "$REDIS_HOME/redis.pid"; then kill "$(cat "$REDIS_HOME/redis.pid")" || true; fi
    rm -f "$STATE/redis.started"
  else
    say "redis: left running (not started by this script)"
  fi
}

# ---------------------------------------------------------------- Kafka

kafka_fetch() {
  local stamp="$KAFKA_HOME/libs.pom.sha256" wanted
  wanted="$(sha256sum "$HERE/kafka/pom.xml" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]] && compgen -G "$KAFKA_LIBS/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  command -v mvn >/dev/null || fail "kafka: Maven is needed once to fetch Kafka's jars. Install it: apt-get install -y maven"
  say "kafka: fetching jars with Maven (first start only) into $KAFKA_LIBS"
  rm -rf "$KAFKA_LIBS" && mkdir -p "$KAFKA_LIBS" "$KAFKA_LOGS"
  mvn -q -B -Dstyle.color=never -f "$HERE/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$KAFKA_LIBS" -DincludeScope=runtime >"$KAFKA_LOGS/maven.log" 2>&1 || {
    tail -n 30 "$KAFKA_LOGS/maven.log" >&2
    fail "kafka: Maven could not fetch the jars (is Maven Central reachable?)"
  }
  echo "$wanted" >"$stamp"
}

# The CA, the broker's certificate and the SCRAM passwords: generated once, kept across restarts.
kafka_security() {
  mkdir -p "$KAFKA_SECURITY"
  chmod 700 "$KAFKA_SECURITY"
  command -v openssl >/dev/null || fail "kafka: openssl is needed once to make the broker's TLS certificate. Install it: apt-get install -y openssl"
  if [[ ! -f "$KAFKA_SECURITY/ca.pem" || ! -f "$KAFKA_SECURITY/broker-keystore.pem" ]]; then
    say "kafka: generating a local CA and the broker's TLS certificate into $KAFKA_SECURITY"
    (
      cd "$KAFKA_SECURITY"
      umask 077
      openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=pushmfa local Kafka CA" \
        -keyout ca.key -out ca.pem -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
      openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out broker.key
      openssl req -new -key broker.key -subj "/CN=pushmfa-kafka" -out broker.csr
      printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost,DNS:kafka" >broker.ext
      openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -sha256 \
        -extfile broker.ext -out broker.crt
      # Kafka's PEM keystore: the PKCS#8 private key followed by the certificate chain.
      cat broker.key broker.crt ca.pem >broker-keystore.pem
      rm -f broker.csr broker.ext ca.srl
      chmod 644 ca.pem
    ) >"$KAFKA_LOGS/certificates.log" 2>&1 || {
      cat "$KAFKA_LOGS/certificates.log" >&2
      fail "kafka: generating the TLS certificate failed"
    }
  fi
  if [[ ! -f "$KAFKA_CREDENTIALS" ]]; then
    say "kafka: generating SCRAM passwords for $KAFKA_ADMIN_USER and every service into $KAFKA_CREDENTIALS"
    local user var
    (
      umask 077
      {
        echo "# SCRAM-SHA-512 users of the local broker (generated by deploy/local/infra.sh; never commit)."
        echo "PUSHMFA_KAFKA_ADMIN_USERNAME=$KAFKA_ADMIN_USER"
        echo "PUSHMFA_KAFKA_ADMIN_PASSWORD=$(openssl rand -hex 24)"
        for user in "${KAFKA_SERVICE_USERS[@]}"; do
          var="$(echo "$user" | tr 'a-z-' 'A-Z_')"
          echo "PUSHMFA_KAFKA_${var}_USERNAME=pushmfa-$user"
          echo "PUSHMFA_KAFKA_${var}_PASSWORD=$(openssl rand -hex 24)"
        done
      } >"$KAFKA_CREDENTIALS.tmp"
    )
    mv "$KAFKA_CREDENTIALS.tmp" "$KAFKA_CREDENTIALS"
  fi
}

credential() { sed -n "s/^$1=//p" "$KAFKA_CREDENTIALS" | tail -1; }

# What the storage must have been formatted with: the SCRAM users of credentials.env.
security_stamp() { sha256sum "$KAFKA_CREDENTIALS" | cut -d' ' -f1; }

kafka_render_config() {
  local admin_password
  admin_password="$(credential PUSHMFA_KAFKA_ADMIN_PASSWORD)"
  sed -e "s#@PORT@#$KAFKA_PORT#g" -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" -e "s#@DATA_DIR@#$KAFKA_DATA#g" \
    -e "s#@SECURITY_DIR@#$KAFKA_SECURITY#g" -e "s#@ADMIN_USERNAME@#$KAFKA_ADMIN_USER#g" \
    -e "s#@ADMIN_PASSWORD@#$admin_password#g" "$HERE/kafka/server.properties"
}

kafka_configure() {
  mkdir -p "$KAFKA_DATA" "$KAFKA_LOGS"
  (umask 077 && kafka_render_config >"$KAFKA_HOME/server.properties")
}

# The JVM options Kafka's own kafka-run-class.sh uses (KAFKA_JVM_PERFORMANCE_OPTS): without MaxGCPauseMillis=20, G1
# aims at 200 ms pauses, grows its young generation to match and stopped the broker for about 20 ms per collection
# on a 2-core box, straight into the p99 of every request that waits on it.
KAFKA_JVM=(java -Xms512m -Xmx768m -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
  -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true
  -Dlog4j2.configurationFile="$HERE/kafka/log4j2.xml" -Dkafka.logs.dir="$KAFKA_LOGS" -cp "$KAFKA_LIBS/*")

kafka_java() { (cd "$KAFKA_HOME" && "${KAFKA_JVM[@]}" "$@"); }

kafka_format_once() {
  local stamp_file="$KAFKA_HOME/data.security.sha256"
  if [[ -f "$KAFKA_DATA/meta.properties" ]]; then
    [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$(security_stamp)" ]] && return 0
    # Formatted by an older checkout (plaintext, no SCRAM users) or with other passwords: start over.
    say "kafka: $KAFKA_DATA was formatted without the current SCRAM users: formatting it again (topics are recreated)"
    rm -rf "$KAFKA_DATA"
    mkdir -p "$KAFKA_DATA"
  fi
  local cluster_id user var scram=()
  cluster_id="$(kafka_java kafka.tools.StorageTool random-uuid | tail -1)"
  scram+=(--add-scram "SCRAM-SHA-512=[name=$KAFKA_ADMIN_USER,password=$(credential PUSHMFA_KAFKA_ADMIN_PASSWORD)]")
  for user in "${KAFKA_SERVICE_USERS[@]}"; do
    var="$(echo "$user" | tr 'a-z-' 'A-Z_')"
    scram+=(--add-scram "SCRAM-SHA-512=[name=$(credential "PUSHMFA_KAFKA_${var}_USERNAME"),password=$(credential "PUSHMFA_KAFKA_${var}_PASSWORD")]")
  done
  say "kafka: formatting $KAFKA_DATA (cluster $cluster_id) with SCRAM users $KAFKA_ADMIN_USER and ${KAFKA_SERVICE_USERS[*]}"
  kafka_java kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$KAFKA_HOME/server.properties" "${scram[@]}" \
    >"$KAFKA_LOGS/format.log" 2>&1 || {
    cat "$KAFKA_LOGS/format.log" >&2
    fail "kafka: formatting the storage failed"
  }
  security_stamp >"$stamp_file"
}

kafka_log_tail() {
  printf '%s\n' "---- last lines of $KAFKA_LOGS/server.log ----" >&2
  tail -n 40 "$KAFKA_LOGS/server.log" 2>/dev/null >&2 || true
  printf '%s\n' "---- last lines of $KAFKA_LOGS/stdout.log ----" >&2
  tail -n 20 "$KAFKA_LOGS/stdout.log" 2>/dev/null >&2 || true
}

kafka_up() {
  mkdir -p "$KAFKA_LOGS"
  kafka_security
  if pid_alive "$KAFKA_PID" && ! grep -q '^listeners=SASL_SSL:' "$KAFKA_HOME/server.properties" 2>/dev/null; then
    # Started by an older checkout of this script (plaintext): bring it up again with authentication on.
    say "kafka: the running broker (pid $(cat "$KAFKA_PID")) was started without authentication: restarting it"
    kafka_down
  fi
  if pid_alive "$KAFKA_PID"; then
    say "kafka: already running (pid $(cat "$KAFKA_PID"))"
  elif port_answers "$KAFKA_PORT"; then
    # Someone else's broker (another checkout, a container): use it if it speaks Kafka with our credentials.
    local why
    why="$(probe kafka "$KAFKA_BROKERS" 10 2>&1 >/dev/null)" ||
      fail "kafka: 127.0.0.1:$KAFKA_PORT answers, but not as a Kafka broker that accepts this checkout's admin credentials over SASL_SSL ($why); stop that broker, or set KAFKA_PORT"
    say "kafka: using the broker already answering on $KAFKA_BROKERS (not started by this script)"
    return 0
  else
    command -v java >/dev/null || fail "kafka: Java 17+ is needed. Install it: apt-get install -y openjdk-17-jre-headless"
    kafka_fetch
    kafka_configure
    kafka_format_once
    say "kafka: starting broker on $KAFKA_BROKERS (SASL_SSL; controller 127.0.0.1:$KAFKA_CONTROLLER_PORT, loopback only)"
    # setsid + closed stdin: the broker outlives this shell and never holds a terminal or CI pipe open.
    (cd "$KAFKA_HOME" && exec setsid "${KAFKA_JVM[@]}" kafka.Kafka "$KAFKA_HOME/server.properties" \
      </dev/null >"$KAFKA_LOGS/stdout.log" 2>&1) &
    echo $! >"$KAFKA_PID"
  fi
  local answer
  if ! answer="$(probe kafka "$KAFKA_BROKERS" "$KAFKA_READY_TIMEOUT_SECONDS" 2>&1)"; then
    kafka_log_tail
    pid_alive "$KAFKA_PID" || say "kafka: the broker process has exited"
    fail "kafka: not ready on $KAFKA_BROKERS within ${KAFKA_READY_TIMEOUT_SECONDS}s ($answer)"
  fi
  say "kafka: ready on $KAFKA_BROKERS (SASL_SSL, SCRAM-SHA-512; CA $KAFKA_SECURITY/ca.pem, users in $KAFKA_CREDENTIALS)"
}

kafka_down() {
  if ! pid_alive "$KAFKA_PID"; then
    rm -f "$KAFKA_PID"
    say "kafka: not running from this checkout"
    return 0
  fi
  local pid
  pid="$(cat "$KAFKA_PID")"
  say "kafka: stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "kafka: still running after 30s, killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$KAFKA_PID"
}

# ---------------------------------------------------------------- status

status_line() { printf '  %-10s %-34s %s\n' "$1" "$2" "$3"; }

status() {
  local state
  if pid_alive "$KAFKA_PID"; then
    state="running (pid $(cat "$KAFKA_PID"), started here)"
  elif port_answers "$KAFKA_PORT"; then
    state="answering (not started here)"
  else
    state="stopped"
  fi
  status_line kafka "$state" "$KAFKA_BROKERS (SASL_SSL, credentials in $KAFKA_CREDENTIALS)"
  if port_answers "$PG_PORT"; then
    [[ -f "$STATE/postgres.started" ]] && state="running (started here)" || state="running (machine's)"
  else
    state="stopped"
  fi
  status_line postgres "$state" "postgres://postgres@127.0.0.1:$PG_PORT/$PG_DATABASE"
  if port_answers "$REDIS_PORT"; then
    [[ -f "$STATE/redis.started" ]] && state="running (started here)" || state="running (machine's)"
  else
    state="stopped"
  fi
  status_line redis "$state" "$REDIS_URL"
}

case "${1:-}" in
  up)
    need_node_modules
    started=$SECONDS
    postgres_up
    redis_up
    kafka_up
    say "all up in $((SECONDS - started))s: KAFKA_BROKERS=$KAFKA_BROKERS DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/$PG_DATABASE REDIS_URL=$REDIS_URL"
    ;;
  down)
    kafka_down
    redis_down
    postgres_down
    ;;
  status)
    status
    ;;
  reset)
    kafka_down
    say "kafka: removing $KAFKA_DATA"
    rm -rf "$KAFKA_DATA" "$KAFKA_HOME/data.security.sha256"
    ;;
  kafka-secrets)
    KAFKA_SECURITY="${2:-$ROOT/secrets/kafka}"
    KAFKA_CREDENTIALS="$KAFKA_SECURITY/credentials.env"
    mkdir -p "$KAFKA_LOGS"
    kafka_security
    say "kafka: CA, broker certificate and SCRAM passwords in $KAFKA_SECURITY (export credentials.env before docker compose up)"
    ;;
  *)
    echo "usage: bash deploy/local/infra.sh up|down|status|reset|kafka-secrets [dir]" >&2
    exit 2
    ;;
esac
