#!/usr/bin/env bash
# Local infrastructure for development and tests: Kafka (started here from Maven artifacts),
# PostgreSQL and Redis (used where they already answer, else started from the Debian packages).
#
#   bash deploy/local/infra.sh up       start what is missing, wait until everything answers
#   bash deploy/local/infra.sh status   each component with its state and address
#   bash deploy/local/infra.sh down     stop only what this script started
#   bash deploy/local/infra.sh reset    down, then forget Kafka's data (topics, offsets)
#
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_READY_TIMEOUT_SECONDS (90),
# PGPORT (5432), REDIS_PORT (6379). Everything it writes lives under .local/ (git-ignored).
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

probe() { node "$HERE/probe.js" "$@"; }

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

kafka_configure() {
  mkdir -p "$KAFKA_DATA" "$KAFKA_LOGS"
  sed -e "s#@PORT@#$KAFKA_PORT#g" -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" -e "s#@DATA_DIR@#$KAFKA_DATA#g" \
    "$HERE/kafka/server.properties" >"$KAFKA_HOME/server.properties"
}

KAFKA_JVM=(java -Xms512m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true
  -Dlog4j2.configurationFile="$HERE/kafka/log4j2.xml" -Dkafka.logs.dir="$KAFKA_LOGS" -cp "$KAFKA_LIBS/*")

kafka_java() { (cd "$KAFKA_HOME" && "${KAFKA_JVM[@]}" "$@"); }

kafka_format_once() {
  [[ -f "$KAFKA_DATA/meta.properties" ]] && return 0
  local cluster_id
  cluster_id="$(kafka_java kafka.tools.StorageTool random-uuid | tail -1)"
  say "kafka: formatting $KAFKA_DATA (cluster $cluster_id)"
  kafka_java kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$KAFKA_HOME/server.properties" \
    >"$KAFKA_LOGS/format.log" 2>&1 || {
    cat "$KAFKA_LOGS/format.log" >&2
    fail "kafka: formatting the storage failed"
  }
}

kafka_log_tail() {
  printf '%s\n' "---- last lines of $KAFKA_LOGS/server.log ----" >&2
  tail -n 40 "$KAFKA_LOGS/server.log" 2>/dev/null >&2 || true
  printf '%s\n' "---- last lines of $KAFKA_LOGS/stdout.log ----" >&2
  tail -n 20 "$KAFKA_LOGS/stdout.log" 2>/dev/null >&2 || true
}

kafka_up() {
  if pid_alive "$KAFKA_PID"; then
    say "kafka: already running (pid $(cat "$KAFKA_PID"))"
  elif port_answers "$KAFKA_PORT"; then
    # Someone else's broker (another checkout, a container): use it if it speaks Kafka.
    probe kafka "$KAFKA_BROKERS" 10 >/dev/null ||
      fail "kafka: 127.0.0.1:$KAFKA_PORT is taken by something that is not a Kafka broker; free it or set KAFKA_PORT"
    say "kafka: using the broker already answering on $KAFKA_BROKERS (not started by this script)"
    return 0
  else
    command -v java >/dev/null || fail "kafka: Java 17+ is needed. Install it: apt-get install -y openjdk-17-jre-headless"
    kafka_fetch
    kafka_configure
    kafka_format_once
    say "kafka: starting broker on $KAFKA_BROKERS (controller 127.0.0.1:$KAFKA_CONTROLLER_PORT)"
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
  say "kafka: ready on $KAFKA_BROKERS"
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
  status_line kafka "$state" "$KAFKA_BROKERS"
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
    rm -rf "$KAFKA_DATA"
    ;;
  *)
    echo "usage: bash deploy/local/infra.sh up|down|status|reset" >&2
    exit 2
    ;;
esac
