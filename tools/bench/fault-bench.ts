import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FaultStack } from '../../libs/testing/src/fault-run/fault-stack';
import { PhoneFleet } from '../../libs/testing/src/fault-run/fault-load';
import { ALL_FAULT_SCENARIOS, FAULT_TEST_SETTINGS, type FaultScenarioResult, runFaultScenario } from '../../libs/testing/src/fault-run/fault-scenarios';
import { setUpFaultWorkspace } from '../../libs/testing/src/fault-run/fault-workspace';
import type { BenchOptions } from './bench-options';

const ROOT = join(__dirname, '..', '..', '..');
const log = (line: string) => process.stderr.write(`bench faults: ${line}\n`);

/**
 * `npm run bench -- --faults --rate R`: the fault suite's scenarios, one after another, under R challenges a second,
 * on a PostgreSQL, a Redis and a Kafka broker of the run's own (every scenario, the broker kill included, runs on one
 * stack). The same checks as the test; a benchmark, not a test: it reports, and exits 1 when a promise broke.
 */
export async function runFaultBench(options: BenchOptions): Promise<void> {
  const startedAt = new Date().toISOString();
  const label = `bench${startedAt.replace(/[^0-9]/g, '').slice(8, 14)}`;
  const logDir = join(ROOT, '.local', 'bench-logs', `faults-${label}`);
  log(`starting the stack (its own PostgreSQL, Redis and Kafka); service output goes to ${logDir}`);
  const stack = await FaultStack.start({ label, kafka: 'own', logDir });
  const results: FaultScenarioResult[] = [];
  let phones: PhoneFleet | undefined;
  try {
    // Enough users that the run stays under the per-user limit (1000 in 10 minutes).
    const users = Math.max(options.users, Math.ceil((options.rate * 60) / 500));
    log(`pairing ${users} simulated phones`);
    const { workspace, warmUps } = await setUpFaultWorkspace(stack.urls, stack.operatorToken, users, label);
    phones = new PhoneFleet(stack.urls, workspace.users);
    for (const warmUp of warmUps) phones.expect(warmUp.challengeId, warmUp.numberMatch);
    phones.start();
    const settings = { ...FAULT_TEST_SETTINGS, rate: options.rate, outageMs: options.faultSeconds * 1000, log };
    for (const scenario of ALL_FAULT_SCENARIOS) {
      const result = await runFaultScenario(stack, workspace, phones, scenario, settings);
      results.push(result);
      log(
        `${result.name}: ${result.issued} challenges ${JSON.stringify(result.byStatus)}, back after ${result.backAfterMs} ms, ready ${result.readyAgainMs ?? '–'} ms later, ` +
          `at most ${result.maxSendsPerPush} sends per push, ${result.problems.length} problem(s)`,
      );
    }
  } finally {
    await phones?.stop();
    await stack.close();
  }
  // Beside the load runs' results, never in place of bench/results/latest.json (the reference load run).
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `faults-${startedAt.replace(/:/g, '-')}.json`);
  writeFileSync(
    path,
    JSON.stringify({ startedAt, kind: 'faults', options: { rate: options.rate, faultSeconds: options.faultSeconds }, scenarios: results }, null, 2) + '\n',
  );
  process.stdout.write(
    `\n${results.map((r) => `${r.problems.length === 0 ? 'kept' : 'BROKE'}  ${r.name}  (${r.issued} challenges, ready ${r.readyAgainMs ?? '–'} ms after the fault)`).join('\n')}\n\nresults: ${path}\n`,
  );
  if (results.some((result) => result.problems.length > 0)) process.exitCode = 1;
}
