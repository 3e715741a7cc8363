#!/usr/bin/env bash
# npm test: real infrastructure up (Kafka included), build, then every jest project (unit, int, e2e).
# Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`. Exits with jest's exit code.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

bash deploy/local/infra.sh up

# The endpoints infra.sh just brought up; jest's global setup takes them as given instead of probing for Docker.
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:${PGPORT:-5432}/pushmfa}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:${REDIS_PORT:-6379}}"

echo "[test] type-checking, checking layer rules and building"
npm run typecheck --silent
npm run check:architecture --silent
npm run build --silent

mkdir -p .local
results=.local/jest-results.json
rm -f "$results"
jest_flags=(--ci --json --outputFile="$results")
# In CI a leaked handle must not hang the run until its time limit; locally jest's warning names the leak.
[[ "${CI:-}" == "true" ]] && jest_flags+=(--forceExit)
# firebase-admin fetches its OAuth token through a dynamic import(), which jest's vm sandbox only runs with this.
export NODE_OPTIONS="--experimental-vm-modules${NODE_OPTIONS:+ $NODE_OPTIONS}"
status=0
npx jest "${jest_flags[@]}" "$@" || status=$?

# One plain summary line that any CI reader understands, whatever jest's reporter printed above.
if [[ -f "$results" ]]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
    if (r.numRuntimeErrorTestSuites > 0) console.log(`jest: ${r.numRuntimeErrorTestSuites} test file(s) failed to run`);
  ' "$results"
fi
exit "$status"
