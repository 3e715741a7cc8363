import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FaultStack, type FaultStackOptions } from '../../libs/testing/src/fault-run/fault-stack';
import { checkOutcomes, type IssuedChallenge, PhoneFleet } from '../../libs/testing/src/fault-run/fault-load';
import { FAULT_TEST_SETTINGS, type FaultScenario, runFaultScenario, sendsPerChallenge } from '../../libs/testing/src/fault-run/fault-scenarios';
import { type FaultWorkspace, setUpFaultWorkspace } from '../../libs/testing/src/fault-run/fault-workspace';

const LOG_DIR = join(__dirname, '..', '..', '.local', 'fault-logs');
const USERS = 8;

/** What a fault run answers a spec file, which asserts on it. */
export interface FaultRun {
  /** The warm-up challenges' outcome, before any fault: every one approved and reported. */
  warmUpOutcome(): Promise<{ problems: string[]; byStatus: Record<string, number> }>;
  /** Runs one scenario under the steady load, prints its one-line summary, and answers its result. */
  run(scenario: FaultScenario): ReturnType<typeof runFaultScenario>;
}

export const WARM_UP_USERS = USERS;
export const SCENARIO_TIMEOUT_MS = 240_000;

/**
 * One stack per file, started once (beforeAll) and stopped once (afterAll); the file's scenarios run in sequence
 * under the same steady load, each checked on its own by the spec file. A result's `problems` lists every broken
 * promise.
 */
export function useFaultStack(label: string, kafka: FaultStackOptions['kafka']): FaultRun {
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

  return {
    warmUpOutcome: () => checkOutcomes(stack.urls, workspace, phones, warmUps, (id) => sendsPerChallenge(stack).get(id) ?? 0, 3),
    run: async (scenario) => {
      const result = await runFaultScenario(stack, workspace, phones, scenario, { ...FAULT_TEST_SETTINGS, log });
      process.stdout.write(
        `[faults] ${result.name}: ${result.issued} challenges ${JSON.stringify(result.byStatus)}, at most ${result.maxAttempts} POSTs per challenge, ` +
          `at most ${result.maxSendsPerPush} sends per push, back after ${result.backAfterMs} ms, every service ready ${result.readyAgainMs ?? '–'} ms later, ${Math.round(result.durationMs / 1000)} s\n`,
      );
      return result;
    },
  };
}
