#!/usr/bin/env bash
# npm test: real infrastructure up (Kafka included), the browser for the admin page's test, build, then the admin
# page's Vitest tests, every jest project (unit, int, e2e) and then the fault suite (npm run test:faults), all on
# Node 24 (node-runtime.sh: the machine's node when it is 24.11 or newer, otherwise the pinned Node fetched once into
# .local/node/).
# Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`. Fails when Vitest or jest fails.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=deploy/local/node-runtime.sh
source "$ROOT/deploy/local/node-runtime.sh"
runtime="Node $(node --version)"
echo "[test] running on $runtime ($(command -v node))"

bash deploy/local/infra.sh up
# The e2e tier drives the admin page in Debian's chromium.
bash deploy/local/chromium.sh
# The rule tests run promtool, the observability e2e test a real Prometheus, the manifest test kubectl kustomize.
bash deploy/local/prometheus.sh

# The endpoints infra.sh just brought up; jest's global setup takes them as given instead of probing for Docker.
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:${PGPORT:-5432}/pushmfa}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:${REDIS_PORT:-6379}}"

echo "[test] type-checking, linting, checking layer rules and building"
npm run typecheck --silent
# eslint (eslint.config.mjs) and prettier's check (.prettierrc.json): a lint error or an unformatted file fails the run.
npm run lint --silent
npm run check:architecture --silent
npm run build --silent

mkdir -p .local
# The admin page's own unit tests, in its own toolchain, before jest; their failure fails the run.
vitest_results=.local/vitest-results.json
rm -f "$vitest_results"
vitest_status=0
npx vitest run --config services/reporting/web/vite.config.mts --reporter=default --reporter=json --outputFile.json="$ROOT/$vitest_results" || vitest_status=$?

results=.local/jest-results.json
rm -f "$results"
jest_flags=(--ci --json --outputFile="$results")
# In CI a leaked handle must not hang the run until its time limit; locally jest's warning names the leak.
[[ "${CI:-}" == "true" ]] && jest_flags+=(--forceExit)
# firebase-admin fetches its OAuth token through a dynamic import(), which jest's vm sandbox only runs with this.
export NODE_OPTIONS="--experimental-vm-modules${NODE_OPTIONS:+ $NODE_OPTIONS}"
status=0
npx jest "${jest_flags[@]}" "$@" || status=$?

# The fault suite (test/faults): the built services under load through crashes and outages of their own PostgreSQL,
# Redis and Kafka broker, one file at a time after the other tiers. Left out when a part of the suite is asked for.
fault_results=.local/jest-fault-results.json
rm -f "$fault_results"
fault_status=0
if [[ $# -eq 0 ]]; then
  PUSHMFA_FAULT_SUITE=1 npx jest --selectProjects faults --runInBand "${jest_flags[@]/#--outputFile=*/--outputFile=$fault_results}" || fault_status=$?
fi

# One plain summary line per runner that any CI reader understands, whatever their reporters printed above.
if [[ -f "$vitest_results" ]]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped (Node ${process.versions.node})`);
    if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) console.log(`vitest: ${r.numFailedTestSuites} test file(s) failed to run`);
  ' "$vitest_results"
else
  echo "vitest: wrote no results (exit code $vitest_status, $runtime)"
fi
if [[ -f "$results" ]]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped (Node ${process.versions.node})`);
    if (r.numRuntimeErrorTestSuites > 0) console.log(`jest: ${r.numRuntimeErrorTestSuites} test file(s) failed to run`);
  ' "$results"
fi
if [[ -f "$fault_results" ]]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`faults: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
    if (r.numRuntimeErrorTestSuites > 0) console.log(`faults: ${r.numRuntimeErrorTestSuites} test file(s) failed to run`);
  ' "$fault_results"
fi
if [[ "$status" -eq 0 && "$fault_status" -ne 0 ]]; then status=$fault_status; fi
if [[ "$status" -eq 0 && "$vitest_status" -ne 0 ]]; then status=$vitest_status; fi
exit "$status"
