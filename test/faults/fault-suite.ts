import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FaultStack, type FaultStackOptions } from '../../libs/testing/src/fault-run/fault-stack';
import { checkOutcomes, type IssuedChallenge, PhoneFleet } from '../../libs/testing/src/fault-run/fault-load';
import { FAULT_TEST_SETTINGS, type FaultScenario, runFaultScenario, sendsPerChallenge } from '../../libs/testing/src/fault-run/fault-scenarios';
import { type FaultWorkspace, setUpFaultWorkspace } from '../../libs/testing/src/fault-run/fault-workspace';

const LOG_DIR = join(__dirname, '..', '..', '.local', 'fault-logs');
const USERS = 8;

/**
 * One stack per file, started once; its scenarios run in sequence under the same steady load, each checked on its
 * own. A scenario's failure message lists every broken promise.
 */
export function describeFaultSuite(label: string, kafka: FaultStackOptions['kafka'], scenarios: FaultScenario[]): void {
  let stack: FaultStack;
  let workspace: FaultWorkspace;
  let phones: PhoneFleet;
  let warmUps: IssuedChallenge[];

  // jest prints a file's output when the file ends; this file shows a run's progress as it goes.
  const progressFile = join(LOG_DIR, `${label}.progress.log`);
  const log = (line: string) => appendFileSync(progressFile, `${new Date().toISOString()} ${line}\n`);

  beforeAll(async () => {
    mkdirSync(LOG_DIR, { recursive: true });
    log('starting the stack');
    stack = await FaultStack.start({ label, kafka, logDir: LOG_DIR });
    log('stack ready; pairing phones');
    const setUp = await setUpFaultWorkspace(stack.urls, stack.operatorToken, USERS, label);
    workspace = setUp.workspace;
    phones = new PhoneFleet(stack.urls, workspace.users);
    warmUps = setUp.warmUps.map((warmUp) => ({ ...warmUp, attempts: 1 }));
    for (const warmUp of warmUps) phones.expect(warmUp.challengeId, warmUp.numberMatch);
    phones.start();
  }, 240_000);

  afterAll(async () => {
    await phones?.stop();
    await stack?.close();
  }, 120_000);

  it('answers and reports every challenge before any fault', async () => {
    const outcome = await checkOutcomes(stack.urls, workspace, phones, warmUps, (id) => sendsPerChallenge(stack).get(id) ?? 0, 3);
    expect(outcome.problems).toEqual([]);
    expect(outcome.byStatus).toEqual({ approved: USERS });
  }, 120_000);

  for (const scenario of scenarios) {
    it(`keeps every promise through: ${scenario.name}`, async () => {
      const result = await runFaultScenario(stack, workspace, phones, scenario, { ...FAULT_TEST_SETTINGS, log });
      process.stdout.write(
        `[faults] ${result.name}: ${result.issued} challenges ${JSON.stringify(result.byStatus)}, at most ${result.maxAttempts} POSTs per challenge, ` +
          `at most ${result.maxSendsPerPush} sends per push, back after ${result.backAfterMs} ms, every service ready ${result.readyAgainMs ?? '–'} ms later, ${Math.round(result.durationMs / 1000)} s\n`,
      );
      expect(result.problems).toEqual([]);
      expect(result.issued).toBeGreaterThan(0);
      expect(result.byStatus).toEqual({ approved: result.issued });
    }, 240_000);
  }
}
